// The one-pass aggregates every built-in indicator is formed from, and how a catalogue measure turns
// them into a per-operator value. Names here are the vocabulary of catalogue/indicators.yaml.
import type { Measure } from './catalogue.ts';

export const AGG_COLUMNS = [
  'lines',
  'total_value',
  'vat',
  'duty',
  'excise',
  'broker_risky_lines',
  'hs_risky_lines',
  'origin_risky_lines',
  'supplier_risky_lines',
  'broker_bits',
  'hs_bits',
  'origin_bits',
  'supplier_bits',
  'recent_lines',
  'prev_lines',
  'recent_exempt',
  'prev_exempt',
  'recent_residual',
  'prev_residual',
  'finding_lines',
  'finding_decls',
  'inspected_lines',
  'offences',
  'customs_import_value',
  'customs_export_value',
  'customs_import_vat',
  'customs_excise',
  'cases',
  'serious_cases',
  'tax_periods',
  'returns_missing',
  'tax_vat_imports',
  'tax_imports',
  'tax_exports',
  'tax_excise',
  'tax_audit_irreg',
  'tax_tp',
  'tax_irreg_periods',
  'audits',
  'audit_findings',
] as const;
export type AggColumn = (typeof AGG_COLUMNS)[number];

/** SQL expressions (over seg_agg columns) of an indicator's value and of its evidence details. */
export interface MeasureSql {
  value: string;
  a: string;
  b: string;
  n: string;
  items: string;
  aFormat: 'pct' | 'int' | 'num' | 'text';
}

/** A string as a SQL literal (quotes doubled): evidence SQL is stored in views, so text cannot be bound. */
export const sqlText = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/**
 * Names of the risky codes whose bits are set (bit i = names[i]), at most 5 shown. Evaluated only for raised flags
 * (when evidence is read), never for every operator.
 */
function decodeItems(bitsCol: string, names: string[]): string {
  const list = names.length ? `[${names.map(sqlText).join(', ')}]` : '[]::VARCHAR[]';
  const l = `list_filter(${list}, (x, i) -> (coalesce(${bitsCol}, 0::UBIGINT) >> (i - 1)::UBIGINT) & 1::UBIGINT = 1::UBIGINT)`;
  // How many names are set = the set bits among the first names.length (not a second list_filter: cheaper to plan).
  const mask = names.length ? `${(2n ** BigInt(names.length) - 1n).toString()}::UBIGINT` : '0::UBIGINT';
  return `array_to_string(${l}[1:5], ', ') || CASE WHEN bit_count(coalesce(${bitsCol}, 0::UBIGINT) & ${mask}) > 5 THEN ' …' ELSE '' END`;
}

const ratio = (num: string, den: string) => `(${num}::DOUBLE / nullif(${den}, 0))`;

/** The aggregate columns (of seg_agg) a measure's value and evidence read. */
export function measureInputs(m: Measure): string[] {
  switch (m.kind) {
    case 'share':
      return [m.num, m.den, ...(m.items ? [m.items] : [])];
    case 'growth':
      return [m.recentNum, m.recentDen, m.prevNum, m.prevDen];
    case 'count':
      return [m.col];
    case 'gap':
      return m.pairs.flat();
    case 'peer_share':
      return ['isic_peer_share', 'isic_peers', 'isic_sector', 'main_chapter'];
  }
}

/** SQL of a measure over columns named as in seg_agg; `itemNames` are the risky codes of the items' bits, in bit order. */
export function measureSql(m: Measure, itemNames: string[] = []): MeasureSql {
  switch (m.kind) {
    case 'share':
      return {
        value: ratio(m.num, m.den),
        a: m.den,
        b: 'NULL',
        n: m.num,
        items: m.items ? decodeItems(m.items, itemNames) : "''",
        aFormat: 'int',
      };
    case 'growth': {
      const recent = ratio(m.recentNum, m.recentDen);
      const prev = ratio(m.prevNum, m.prevDen);
      return { value: `(${recent} - ${prev})`, a: recent, b: prev, n: m.recentNum, items: "''", aFormat: 'pct' };
    }
    case 'count':
      return { value: `${m.col}::DOUBLE`, a: 'NULL', b: 'NULL', n: m.col, items: "''", aFormat: 'int' };
    case 'gap': {
      // Relative gap of the tax figure to the customs figure; the larger of the pairs counts.
      const gaps = m.pairs.map(
        ([tax, cus]) =>
          `CASE WHEN ${tax} IS NULL THEN NULL WHEN coalesce(${cus}, 0) > 0 THEN abs(${tax} - ${cus}) / ${cus} WHEN ${tax} > 0 THEN 1.0 ELSE 0.0 END`,
      );
      const value = gaps.length === 1 ? gaps[0] : `greatest(${gaps.join(', ')})`;
      const sum = (cols: string[]) => cols.map((c) => `coalesce(${c}, 0)`).join(' + ');
      return {
        value,
        a: `CASE WHEN ${m.pairs[0][0]} IS NULL THEN NULL ELSE ${sum(m.pairs.map((p) => p[0]))} END`,
        b: sum(m.pairs.map((p) => p[1])),
        n: 'NULL',
        items: "''",
        aFormat: 'num',
      };
    }
    case 'peer_share':
      return {
        value: `CASE WHEN isic_peers >= ${Number(m.minPeers)} THEN isic_peer_share END`,
        a: 'isic_sector',
        b: 'NULL',
        n: 'isic_peers',
        items: "coalesce(main_chapter, '')",
        aFormat: 'text',
      };
  }
}

/** A number formatted for evidence text, as SQL. */
export function fmtSql(expr: string, format: 'pct' | 'pp' | 'int' | 'num' | 'text'): string {
  switch (format) {
    case 'pct':
      return `coalesce(format('{:.0f}%', (${expr}) * 100), 'n/a')`;
    case 'pp':
      return `coalesce(format('{:.0f} pp', (${expr}) * 100), 'n/a')`;
    case 'int':
      return `coalesce(format('{:d}', round(${expr})::BIGINT), 'n/a')`;
    case 'num':
      return `coalesce(format('{:,.0f}', ${expr}), 'n/a')`;
    case 'text':
      return `coalesce((${expr})::VARCHAR, 'n/a')`;
  }
}

const rowNum = (row: Record<string, unknown>, c: string): number | null =>
  row[c] === null || row[c] === undefined ? null : Number(row[c]);
const rowRatio = (row: Record<string, unknown>, num: string, den: string): number | null => {
  const a = rowNum(row, num);
  const b = rowNum(row, den);
  return a === null || b === null || b === 0 ? null : a / b;
};

/**
 * measureSql(m).value evaluated in JS over one operator's stored aggregates (for the operator page: expressions
 * in a query cost more to plan than the lookup itself). Same IEEE operations as the SQL, so the same doubles;
 * tests/segmentation/lazy-evidence.test.ts checks both agree for every operator and indicator.
 */
export function measureValue(m: Measure, row: Record<string, unknown>): number | null {
  switch (m.kind) {
    case 'share':
      return rowRatio(row, m.num, m.den);
    case 'growth': {
      const r = rowRatio(row, m.recentNum, m.recentDen);
      const p = rowRatio(row, m.prevNum, m.prevDen);
      return r === null || p === null ? null : r - p;
    }
    case 'count':
      return rowNum(row, m.col);
    case 'gap': {
      const gaps = m.pairs
        .map(([tax, cus]) => {
          const t = rowNum(row, tax);
          const c = rowNum(row, cus) ?? 0;
          return t === null ? null : c > 0 ? Math.abs(t - c) / c : t > 0 ? 1 : 0;
        })
        .filter((g): g is number => g !== null);
      return gaps.length ? Math.max(...gaps) : null; // greatest() skips NULLs
    }
    case 'peer_share': {
      const peers = rowNum(row, 'isic_peers');
      return peers !== null && peers >= Number(m.minPeers) ? rowNum(row, 'isic_peer_share') : null;
    }
  }
}

/** decodeItems in JS: the names whose bits are set (bit i = names[i]), at most 5 shown, ' …' when more are set. */
function decodeItemsValue(bits: unknown, names: string[]): string {
  const b = bits === null || bits === undefined ? 0n : BigInt(bits as bigint | number);
  const set = names.filter((_, i) => ((b >> BigInt(i)) & 1n) === 1n);
  return set.slice(0, 5).join(', ') + (set.length > 5 ? ' …' : '');
}

/** measureSql(m)'s a, b, n and items evaluated in JS over one operator's stored aggregates (the evidence details). */
export function measureDetails(
  m: Measure,
  row: Record<string, unknown>,
  itemNames: string[],
): { a: unknown; b: number | null; n: number | null; items: string; aFormat: MeasureSql['aFormat'] } {
  switch (m.kind) {
    case 'share':
      return {
        a: rowNum(row, m.den),
        b: null,
        n: rowNum(row, m.num),
        items: m.items ? decodeItemsValue(row[m.items], itemNames) : '',
        aFormat: 'int',
      };
    case 'growth':
      return {
        a: rowRatio(row, m.recentNum, m.recentDen),
        b: rowRatio(row, m.prevNum, m.prevDen),
        n: rowNum(row, m.recentNum),
        items: '',
        aFormat: 'pct',
      };
    case 'count':
      return { a: null, b: null, n: rowNum(row, m.col), items: '', aFormat: 'int' };
    case 'gap': {
      const sum = (cols: string[]) => cols.reduce((s, c) => s + (rowNum(row, c) ?? 0), 0);
      return {
        a: rowNum(row, m.pairs[0][0]) === null ? null : sum(m.pairs.map((p) => p[0])),
        b: sum(m.pairs.map((p) => p[1])),
        n: null,
        items: '',
        aFormat: 'num',
      };
    }
    case 'peer_share':
      return {
        a: row.isic_sector ?? null,
        b: null,
        n: rowNum(row, 'isic_peers'),
        items: (row.main_chapter as string | null) ?? '',
        aFormat: 'text',
      };
  }
}
