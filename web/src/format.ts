// Numbers and dates in the user's language (Intl), never hand-formatted.
import i18n from './i18n.ts';

const locales: Record<string, string> = { en: 'en-GB', es: 'es-ES', fr: 'fr-FR', pt: 'pt-PT' };
const loc = () => locales[i18n.language] ?? 'en-GB';

export const fmtInt = (n: number | null | undefined) =>
  n === null || n === undefined ? '' : new Intl.NumberFormat(loc(), { maximumFractionDigits: 0 }).format(n);
export const fmtNum = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined
    ? ''
    : new Intl.NumberFormat(loc(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
export const fmtPct = (share: number | null | undefined, digits = 1) =>
  share === null || share === undefined
    ? ''
    : new Intl.NumberFormat(loc(), {
        style: 'percent',
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      }).format(share);
export const fmtMoney = (n: number | null | undefined) =>
  n === null || n === undefined
    ? ''
    : new Intl.NumberFormat(loc(), {
        maximumFractionDigits: 0,
        notation: Math.abs(n) >= 1e9 ? 'compact' : 'standard',
      }).format(n);
export const fmtDate = (iso: string | null | undefined) =>
  iso
    ? new Intl.DateTimeFormat(loc(), { dateStyle: 'medium' }).format(
        new Date(iso.length === 10 ? iso + 'T00:00:00Z' : iso),
      )
    : '';
export const fmtDateTime = (iso: string | null | undefined) =>
  iso ? new Intl.DateTimeFormat(loc(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';
export const fmtMonth = (ms: number) =>
  new Intl.DateTimeFormat(loc(), { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(ms);
/** A value in its unit: ratios as %, amounts as money, hours with one decimal, counts as integers; none is '—'. */
export const fmtUnit = (unit: 'ratio' | 'hours' | 'count' | 'amount', v: number | null | undefined) =>
  v === null || v === undefined
    ? '—'
    : unit === 'ratio'
      ? fmtPct(v)
      : unit === 'amount'
        ? fmtMoney(v)
        : unit === 'hours'
          ? fmtNum(v, 1)
          : fmtInt(v);
