// The evidence text of one operator's raised flag, formatted in TypeScript from its row of the run's table
// seg_op_<risk> — the same text as evidence.ts's SQL, which formats in bulk (the operator_indicator_flags view, the
// PCA plan). The operator page formats a single operator here: planning the SQL formatting expressions costs more
// than looking the operator up. tests/segmentation/evidence-text.test.ts compares the two for every raised flag of a
// demo workspace, and the number formats against DuckDB's own format().
import { builtinIndicators, type Measure } from './catalogue.ts';
import type { ActiveIndicator } from './indicators.ts';
import { measureValue } from './measures.ts';

type Format = 'pct' | 'pp' | 'int' | 'num' | 'text';
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

/** A number (or text) for evidence, as fmtSql renders it in SQL. */
export function fmtText(x: unknown, format: Format): string {
  if (x === null || x === undefined) return 'n/a';
  if (format === 'text') return String(x);
  const v = Number(x);
  if (Number.isNaN(v)) return 'n/a';
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

const num = (row: Row, c: string): number | null => (row[c] === null || row[c] === undefined ? null : Number(row[c]));
const ratio = (row: Row, a: string, b: string): number | null => {
  const x = num(row, a);
  const y = num(row, b);
  return x === null || y === null || y === 0 ? null : x / y;
};

/** The risky codes whose bits are set (bit i = names[i]), at most 5 shown, ' …' when more are set. */
function decodeItems(bits: unknown, names: string[]): string {
  const b = bits === null || bits === undefined ? 0n : BigInt(bits as bigint | number);
  const set = names.filter((_, i) => ((b >> BigInt(i)) & 1n) === 1n);
  return set.slice(0, 5).join(', ') + (set.length > 5 ? ' …' : '');
}

/** measureSql's a, b, n and items evaluated over one row. */
function details(m: Measure, row: Row, names: string[]): { a: unknown; b: number | null; n: number | null; items: string; aFormat: Format } {
  switch (m.kind) {
    case 'share':
      return { a: num(row, m.den), b: null, n: num(row, m.num), items: m.items ? decodeItems(row[m.items], names) : '', aFormat: 'int' };
    case 'growth':
      return { a: ratio(row, m.recentNum, m.recentDen), b: ratio(row, m.prevNum, m.prevDen), n: num(row, m.recentNum), items: '', aFormat: 'pct' };
    case 'count':
      return { a: null, b: null, n: num(row, m.col), items: '', aFormat: 'int' };
    case 'gap': {
      const sum = (cols: string[]) => cols.reduce((s, c) => s + (num(row, c) ?? 0), 0);
      return {
        a: num(row, m.pairs[0][0]) === null ? null : sum(m.pairs.map((p) => p[0])),
        b: sum(m.pairs.map((p) => p[1])),
        n: null,
        items: '',
        aFormat: 'num',
      };
    }
    case 'peer_share':
      return { a: row.isic_sector ?? null, b: null, n: num(row, 'isic_peers'), items: (row.main_chapter as string | null) ?? '', aFormat: 'text' };
  }
}

const defs = new Map(builtinIndicators().map((d) => [d.code, d]));

/** Evidence of indicator i (bit i of the run) for the operator whose seg_op_<risk> row this is. */
export function evidenceText(ind: ActiveIndicator, i: number, row: Row): string {
  if (!ind.available) return '';
  if (ind.expr !== undefined) return `${ind.name}: value ${fmtText(num(row, `c${i}`), ind.format)}; rule ${ind.expr}`;
  const def = defs.get(ind.code);
  if (!def) throw new Error(`indicator ${ind.code} is not in the catalogue`);
  if (ind.template === undefined) throw new Error('the stored GRI run predates lazy evidence: recompute it (cip gri compute)');
  const d = details(def.measure, row, ind.itemNames ?? []);
  const t = ind.threshold!;
  const threshold = t.type === 'absolute' ? t.value : num(row, `t${i}`);
  const ph: Record<string, () => string> = {
    value: () => fmtText(measureValue(def.measure, row), ind.format),
    threshold: () => fmtText(threshold, ind.format),
    items: () => d.items,
    a: () => fmtText(d.a, d.aFormat),
    b: () => fmtText(d.b, d.aFormat),
    n: () => fmtText(d.n, 'int'),
    method: () => ind.method ?? '',
  };
  return ind.template.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!ph[k]) throw new Error(`evidence template of ${ind.code}: unknown placeholder {${k}}`);
    return ph[k]();
  });
}
