// The evidence text of one operator's raised flag, formatted in TypeScript from its row of the run's table
// seg_op_<risk> — the same text as evidence.ts's SQL, which formats in bulk (the operator_indicator_flags view, the
// PCA plan). The operator page formats a single operator here: planning the SQL formatting expressions costs more
// than looking the operator up. tests/segmentation/evidence-text.test.ts compares the two for every raised flag of a
// demo workspace, and the number formats against DuckDB's own format().
import { asLang } from '../i18n/messages.ts';
import { formatInt, formatPercent } from '../i18n/numbers.ts';
import { builtinIndicator, type Threshold } from './catalogue.ts';
import { SEGMENTATION_TEXT } from './notes.ts';
import type { ActiveIndicator } from './indicators.ts';
import { fmtSql, measureDetails, measureValue } from './measures.ts';

type Format = Parameters<typeof fmtSql>[1];
type Row = Record<string, unknown>;

/** `format('{:.0f}', x)`: the nearest integer, exact halves to the even one (as printf), '-0' kept. */
function fixed0(x: number): string {
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) {
    const even = r % 2 === 0 ? r : r - 1;
    return (x < 0 && even === 0 ? '-' : '') + String(Math.abs(even) === 0 ? 0 : even);
  }
  return Object.is(x, -0) ? '-0' : x.toFixed(0);
}

const withCommas = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * A number (or text) for evidence: as fmtSql renders it in SQL, or, given the reader's language, with that
 * language's separators and percent sign.
 */
export function fmtText(x: unknown, format: Format, lang?: string): string {
  // A missing value: 'n/a' as the SQL writes it, or the reader's word for it.
  const missing = () => (lang === undefined ? 'n/a' : SEGMENTATION_TEXT.message('value.missing', {}, lang).text);
  if (x === null || x === undefined) return missing();
  if (format === 'text') return String(x);
  const v = Number(x);
  if (Number.isNaN(v)) return missing();
  if (lang !== undefined) {
    if (format === 'pct') return formatPercent(v, lang, 0);
    if (format === 'pp') return `${formatInt(v * 100, lang)} pp`;
    return formatInt(v, lang);
  }
  switch (format) {
    case 'pct':
      return `${fixed0(v * 100)}%`;
    case 'pp':
      return `${fixed0(v * 100)} pp`;
    case 'int': {
      // round() half away from zero, then BIGINT (no negative zero)
      const r = Math.sign(v) * Math.round(Math.abs(v));
      return String(r === 0 ? 0 : r);
    }
    case 'num':
      return withCommas(fixed0(v));
  }
}

/** How a relative threshold was set, appended to the evidence (' (percentile 90 of operators)'); '' when absolute. */
export function thresholdMethod(t: Threshold | null, lang: string): string {
  if (!t) return '';
  switch (t.type) {
    case 'absolute':
      return '';
    case 'percentile':
      return SEGMENTATION_TEXT.message('threshold.percentile', { p: Math.round(t.p * 100) }, lang).text;
    case 'meanSd':
      return SEGMENTATION_TEXT.message('threshold.mean_sd', { k: t.k }, lang).text;
    case 'zscore':
      return SEGMENTATION_TEXT.message(`threshold.zscore_${t.within}`, { z: t.z }, lang).text;
  }
}

/**
 * Evidence of indicator i (bit i of the run) for the operator whose seg_op_<risk> row this is: in `lang` when given
 * (the reader's), else in the run's language (as the SQL formats it).
 */
export function evidenceText(ind: ActiveIndicator, i: number, row: Row, lang?: string): string {
  if (!ind.available) return '';
  if (ind.expr !== undefined)
    return lang === undefined
      ? `${ind.name}: value ${fmtText(row[`c${i}`], ind.format)}; rule ${ind.expr}`
      : SEGMENTATION_TEXT.message(
          'explain.custom',
          { name: ind.name, value: fmtText(row[`c${i}`], ind.format, lang), rule: ind.expr },
          lang,
        ).text;
  const def = builtinIndicator(ind.code);
  if (!def) throw new Error(`indicator ${ind.code} is not in the catalogue`);
  if (ind.template === undefined)
    throw new Error('the stored GRI run predates lazy evidence: recompute it (cip gri compute)');
  const template = lang === undefined ? ind.template : def.evidence[asLang(lang)];
  const method = lang === undefined ? (ind.method ?? '') : thresholdMethod(ind.threshold, lang);
  const d = measureDetails(def.measure, row, ind.itemNames ?? []);
  const t = ind.threshold!;
  const threshold = t.type === 'absolute' ? t.value : row[`t${i}`];
  const ph: Record<string, () => string> = {
    value: () => fmtText(measureValue(def.measure, row), ind.format, lang),
    threshold: () => fmtText(threshold, ind.format, lang),
    items: () => d.items,
    a: () => fmtText(d.a, d.aFormat, lang),
    b: () => fmtText(d.b, d.aFormat, lang),
    n: () => fmtText(d.n, 'int', lang),
    method: () => method,
  };
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!ph[k]) throw new Error(`evidence template of ${ind.code}: unknown placeholder {${k}}`);
    return ph[k]();
  });
}
