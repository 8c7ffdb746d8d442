// Indicator values, thresholds and evidence of a run, as SQL over its per-operator table seg_op_<risk> (written by
// computeFlags). Nothing is formatted when flags are computed: the evidence text of a raised flag is formatted when
// it is read (explainOperator, the operator_indicator_flags view, the PCA plan's reasons), all from these expressions.
import type { Workspace } from '../workspace/workspace.ts';
import { builtinIndicators } from './catalogue.ts';
import type { ActiveIndicator } from './indicators.ts';
import { fmtSql, measureSql, sqlText } from './measures.ts';

/** The per-run table of a risk's operators (aggregate inputs, per-operator thresholds, flags). */
export function operatorTable(risk: string): string {
  return risk === 'general' ? 'seg_op_general' : `seg_op_${Buffer.from(risk, 'utf8').toString('hex')}`;
}

/** The message for a run stored by an earlier version. */
export const predates = (risk: string): string =>
  `the stored GRI run of '${risk}' predates this version: recompute it (cip gri compute${risk === 'general' ? '' : ` --risk ${risk}`})`;

/**
 * Whether a risk's run table exists. Runs stored before it existed (and before the pattern cube and scores that are
 * written with it) cannot be re-scored or tabulated: they are recomputed.
 */
export async function hasOperatorTable(ws: Workspace, risk: string): Promise<boolean> {
  const n = await ws.scalar<number>(
    `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $t AND table_type = 'BASE TABLE'`,
    { t: operatorTable(risk) },
  );
  return Number(n) > 0;
}

/** True when an indicator's threshold differs between operators or depends on the population: stored per operator. */
export const storedThreshold = (ind: ActiveIndicator): boolean =>
  ind.available && ind.threshold !== null && ind.threshold.type !== 'absolute';

const num = (x: number) => `CAST(${sqlText(String(x))} AS DOUBLE)`;
const bitTest = (i: number) => `(flags & ${2 ** i}::UBIGINT) <> 0::UBIGINT`;

export interface IndicatorSql {
  value: string;
  threshold: string;
  flag: string;
  /** Evidence text of the raised flag (meaningful only where `flag` holds). */
  evidence: string;
}

/** Expressions over the columns of operatorTable(risk) (no bound parameters: usable in a view). */
export function indicatorSql(ind: ActiveIndicator, i: number): IndicatorSql {
  const flag = bitTest(i);
  if (!ind.available) return { value: 'NULL::DOUBLE', threshold: 'NULL::DOUBLE', flag, evidence: "''" };
  if (ind.expr !== undefined) {
    const value = `c${i}`;
    return {
      value,
      threshold: 'NULL::DOUBLE',
      flag,
      evidence: `concat(${sqlText(`${ind.name}: value `)}, ${fmtSql(value, ind.format)}, ${sqlText(`; rule ${ind.expr}`)})`,
    };
  }
  const def = builtinIndicators().find((d) => d.code === ind.code);
  if (!def) throw new Error(`indicator ${ind.code} is not in the catalogue`);
  if (ind.template === undefined)
    throw new Error('the stored GRI run predates lazy evidence: recompute it (cip gri compute)');
  const m = measureSql(def.measure, ind.itemNames ?? []);
  const value = `((${m.value})::DOUBLE)`;
  const t = ind.threshold!;
  const threshold = t.type === 'absolute' ? num(t.value) : `t${i}`;
  const ph: Record<string, string> = {
    value: fmtSql(value, ind.format),
    threshold: fmtSql(threshold, ind.format),
    items: `coalesce(${m.items}, '')`,
    a: fmtSql(`(${m.a})`, m.aFormat as never),
    b: fmtSql(`((${m.b})::DOUBLE)`, m.aFormat as never),
    n: fmtSql(`((${m.n})::DOUBLE)`, 'int'),
    method: sqlText(ind.method ?? ''),
  };
  const parts: string[] = [];
  const re = /\{(\w+)\}/g;
  let last = 0;
  for (let r = re.exec(ind.template); r; r = re.exec(ind.template)) {
    if (r.index > last) parts.push(sqlText(ind.template.slice(last, r.index)));
    if (!ph[r[1]]) throw new Error(`evidence template of ${ind.code}: unknown placeholder {${r[1]}}`);
    parts.push(ph[r[1]]);
    last = r.index + r[0].length;
  }
  if (last < ind.template.length) parts.push(sqlText(ind.template.slice(last)));
  return { value, threshold, flag, evidence: parts.length ? `concat(${parts.join(', ')})` : "''" };
}

/** Rows (operator_id, indicator_code, value, flag, evidence) of every raised flag of a run, as one query. */
export function raisedFlagsSql(inds: ActiveIndicator[], risk: string): string {
  const table = operatorTable(risk);
  const parts = inds.flatMap((ind, i) => {
    if (!ind.available) return [];
    const s = indicatorSql(ind, i);
    return [
      `SELECT operator_id, ${sqlText(ind.code)}::VARCHAR AS indicator_code, ${s.value} AS value, TRUE AS flag, ${s.evidence} AS evidence FROM ${table} WHERE ${s.flag}`,
    ];
  });
  return parts.length
    ? parts.join('\nUNION ALL ')
    : 'SELECT NULL::VARCHAR AS operator_id, NULL::VARCHAR AS indicator_code, NULL::DOUBLE AS value, TRUE AS flag, NULL::VARCHAR AS evidence WHERE FALSE';
}

/**
 * operator_indicator_flags (shared contract: one row per raised flag of the latest general run, with its evidence)
 * becomes a view over the run's table, formatting the evidence on read. A workspace without a run keeps the table
 * created by the first migration (empty, or filled by hand).
 */
export async function publishGeneralFlags(ws: Workspace, inds: ActiveIndicator[]): Promise<void> {
  const kind = await ws.scalar<string | null>(
    `SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'operator_indicator_flags'`,
  );
  if (kind === 'BASE TABLE') await ws.run(`DROP TABLE operator_indicator_flags`);
  await ws.run(`CREATE OR REPLACE VIEW operator_indicator_flags AS ${raisedFlagsSql(inds, 'general')}`);
}
