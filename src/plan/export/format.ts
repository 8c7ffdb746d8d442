// Numbers and dates of the exports in the reader's language (Intl, the same locales as the web app's format.ts):
// thousands separators, percentages as %, amounts in the reporting currency when the workspace names one.
import type { Language } from '../config.ts';
import { LOCALES } from '../../i18n/numbers.ts';

export type KpiUnit = 'ratio' | 'hours' | 'count' | 'amount';

/** An ISO 4217 code Intl knows (e.g. 'USD', 'EUR'), upper-cased; null otherwise. */
export function currencyCode(v: string | null | undefined): string | null {
  if (!v || !/^[A-Za-z]{3}$/.test(v.trim())) return null;
  const c = v.trim().toUpperCase();
  return Intl.supportedValuesOf('currency').includes(c) ? c : null;
}

type N = number | null | undefined;

export class NumberText {
  readonly locale: string;
  private readonly intF: Intl.NumberFormat;
  private readonly pctF: Intl.NumberFormat;
  private readonly signedPctF: Intl.NumberFormat;
  private readonly moneyF: Intl.NumberFormat;
  private readonly dateF: Intl.DateTimeFormat;
  private readonly dateTimeF: Intl.DateTimeFormat;
  constructor(
    lang: Language,
    readonly currency: string | null = null,
  ) {
    this.locale = LOCALES[lang];
    this.intF = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 0 });
    const pct = { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 } as const;
    this.pctF = new Intl.NumberFormat(this.locale, pct);
    this.signedPctF = new Intl.NumberFormat(this.locale, { ...pct, signDisplay: 'exceptZero' });
    this.moneyF = currency
      ? new Intl.NumberFormat(this.locale, { style: 'currency', currency, maximumFractionDigits: 0 })
      : this.intF;
    this.dateF = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeZone: 'UTC' });
    this.dateTimeF = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  }
  /** Whole number with thousands separators. */
  int(x: N): string {
    return x === null || x === undefined ? '' : this.intF.format(x);
  }
  /** Signed whole number: +3, −2, 0. */
  signedInt(x: N): string {
    return x === null || x === undefined
      ? ''
      : new Intl.NumberFormat(this.locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(x);
  }
  dec(x: N, digits = 1): string {
    return x === null || x === undefined
      ? ''
      : new Intl.NumberFormat(this.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
  }
  /** A share given as a fraction (0.184 → 18.4 %). */
  ratio(x: N): string {
    return x === null || x === undefined ? '' : this.pctF.format(x);
  }
  /** A share given in percent units (18.4 → 18.4 %). */
  pct(x: N): string {
    return x === null || x === undefined ? '' : this.pctF.format(x / 100);
  }
  /** A relative change given as a fraction, signed (+12.5 %). */
  change(x: N): string {
    return x === null || x === undefined ? '' : this.signedPctF.format(x);
  }
  /** An amount: in the reporting currency when known, else a whole number. */
  money(x: N): string {
    return x === null || x === undefined ? '' : this.moneyF.format(x);
  }
  /** A KPI value by its unit (Box 2 catalogue): ratios as %, counts and amounts whole, hours with one decimal. */
  kpi(x: N, unit: KpiUnit): string {
    if (unit === 'ratio') return this.ratio(x);
    if (unit === 'amount') return this.money(x);
    if (unit === 'hours')
      return x === null || x === undefined
        ? ''
        : new Intl.NumberFormat(this.locale, { style: 'unit', unit: 'hour', maximumFractionDigits: 1 }).format(x);
    return this.int(x);
  }
  /** YYYY-MM-DD (or a timestamp) as a date in the reader's language; other text (e.g. '2023-06') unchanged. */
  date(iso: string | null | undefined): string {
    if (!iso) return '';
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return this.dateF.format(new Date(`${iso}T00:00:00Z`));
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(iso)) {
      const d = new Date(iso.includes('T') ? iso : iso.replace(' ', 'T') + 'Z');
      return Number.isNaN(d.getTime()) ? iso : this.dateTimeF.format(d);
    }
    return iso;
  }
  /** Only the date of a timestamp. */
  day(iso: string | null | undefined): string {
    return iso ? this.date(iso.slice(0, 10)) : '';
  }
}
