// The SQL of the selectivity score, one builder per step (the only place it is written; a second SQL dialect
// replaces these functions). Tables and views of a run (temp, replaced by the next run):
//   sel_spec    one row: the run's windows, folds, unit-value band limits and extra field names (bound values)
//   sel_lines   VIEW  the lines of the run (history ∪ target) with role, outcome y, fold, unit value and factor keys
//   sel_norm    HS6 median value per kg of the history lines (the unit-value norm)
//   sel_hist    the history lines of sel_lines, materialised once: the statistics and the weight fit read them
//   sel_prior   lines and findings per fold;   sel_st_<j>  lines and findings per key of factor j out of each fold
//               (fold −1: all history, what target lines use)
//   features    per line: counts n_j, s_j, shrunk rate r_j and lift l_j of every factor, from those aggregates
//   sel_model   one row: intercept, weights and level bars of the model scoring the target lines
//   sel_target  VIEW  target lines with features, contributions c_j = w_j·l_j, score, probability, level
// Every line is scored from the aggregates by hash joins on its keys: no per-line table is kept.
import { extraFields, keyColumn, keyNames, keySql, type SelectivityConfig } from './config.ts';

/** Lines whose outcome is known: a finding value, and not marked as uninspected. */
export const LABELLED = '(d.finding IS NOT NULL AND d.inspected IS NOT FALSE)';

/** Columns of declaration_lines a run carries along (ids for ranking, codes the export prints). */
const LINE_COLUMNS = [
  'declaration_id',
  'line_no',
  'date',
  'operator_id',
  'hs_code',
  'origin_country',
  'tax_type',
  'declarant_id',
  'supplier_id',
  'office',
  'amount_reassessed',
  'selection_reason',
];

export function specTableSql(cfg: SelectivityConfig): string {
  const extras = extraFields(cfg).map((_, i) => `, x${i} VARCHAR`);
  const bands = cfg.unit_value.bands.map((_, i) => `, b${i} DOUBLE`);
  return `CREATE OR REPLACE TEMP TABLE sel_spec (h_from DATE, h_until DATE NOT NULL, has_target BOOLEAN, t_from DATE,
  t_until DATE, t_unlabelled BOOLEAN, folds INTEGER${extras.join('')}${bands.join('')})`;
}

export function specInsertSql(cfg: SelectivityConfig): string {
  const cols = [
    'h_from',
    'h_until',
    'has_target',
    't_from',
    't_until',
    't_unlabelled',
    'folds',
    ...extraFields(cfg).map((_, i) => `x${i}`),
    ...cfg.unit_value.bands.map((_, i) => `b${i}`),
  ];
  const value = (c: string) => (c.endsWith('_from') || c.endsWith('_until') ? `CAST($${c} AS DATE)` : `$${c}`);
  return `INSERT INTO sel_spec (${cols.join(', ')}) VALUES (${cols.map(value).join(', ')})`;
}

/**
 * Where a statement reads the run's specification: the sel_spec row (the views, read later) or bound parameters
 * with the same names (statements run now: constant filters go down into the scan of the lines).
 */
export type SpecFrom = 'table' | 'params';

function spec(from: SpecFrom, name: string): string {
  if (from === 'table') return `s.${name}`;
  return name.endsWith('_from') || name.endsWith('_until') ? `CAST($${name} AS DATE)` : `$${name}`;
}

function histPred(from: SpecFrom): string {
  const v = (n: string) => spec(from, n);
  return `${LABELLED} AND (${v('h_from')} IS NULL OR d.date >= ${v('h_from')}) AND d.date <= ${v('h_until')}`;
}

function targetPred(from: SpecFrom): string {
  const v = (n: string) => spec(from, n);
  return `${v('has_target')} AND (${v('t_from')} IS NULL OR d.date >= ${v('t_from')}) AND (${v('t_until')} IS NULL OR d.date <= ${v('t_until')})
    AND (NOT ${v('t_unlabelled')} OR NOT ${LABELLED})`;
}

const HIST = histPred('table');
const TARGET = targetPred('table');

/** Counts of the run: history lines and findings, target lines (one filtered pass over the lines). */
export const countsSql = `SELECT count(*) FILTER (WHERE ${HIST}) AS h,
  coalesce(sum(CAST(d.finding AS INTEGER)) FILTER (WHERE ${HIST}), 0) AS f,
  count(*) FILTER (WHERE (${TARGET}) AND NOT (${HIST})) AS t
FROM declaration_lines d CROSS JOIN sel_spec s`;

/** Target lines only (after the history of a run was kept and its target changed). */
export const targetCountSql = `SELECT count(*) AS t FROM declaration_lines d CROSS JOIN sel_spec s
WHERE (${TARGET}) AND NOT (${HIST})`;

/** The lot of a target line (export's random share): its declaration's hash with $seed, as a uniform, below $share. */
export const LOT_SQL = `CASE WHEN hash(declaration_id, CAST($seed AS BIGINT))::DOUBLE / 18446744073709551616.0 < $share THEN 'random' ELSE 'score' END`;

/** Target lines and declarations the lot selects. */
export const targetLotCountSql = `SELECT count(*) AS lines, count(DISTINCT declaration_id) AS declarations
FROM (SELECT d.declaration_id FROM declaration_lines d CROSS JOIN sel_spec s WHERE (${TARGET}) AND NOT (${HIST}))
WHERE ${LOT_SQL} = 'random'`;

/** HS6 of a line for the unit-value norm: the hs6 key when a factor uses it, else the first six digits. */
function normHs(cfg: SelectivityConfig, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return keyNames(cfg).includes('hs6') ? `${a}${keyColumn(cfg, 'hs6')}` : `left(${a}hsd, 6)`;
}

/** The lines of the run with their keys, before the keys made from other tables (unit-value band, GRI level). */
function rawLinesSql(cfg: SelectivityConfig, from: SpecFrom): string {
  const keys = keyNames(cfg).map(
    (k, i) => `${keySql(cfg, k, (x) => spec(from, `x${x}`).replace('s.', 'd.'))} AS k_${i}`,
  );
  const folds = spec(from, 'folds').replace('s.', 'd.');
  // The lines are filtered first: the HS digits and keys are computed for the run's lines only.
  return `SELECT ${LINE_COLUMNS.map((c) => `d.${c}`).join(', ')}, d.hsd,
  CASE WHEN d.is_hist THEN 'hist' ELSE 'target' END AS role,
  CASE WHEN ${LABELLED} THEN CAST(d.finding AS INTEGER) END AS y,
  CAST(hash(d.declaration_id) % ${folds} AS INTEGER) AS fold,
  CASE WHEN d.is_hist THEN CAST(hash(d.declaration_id) % ${folds} AS INTEGER) ELSE -1 END AS hfold,
  CASE WHEN d.value > 0 AND d.net_mass_kg > 0 THEN d.value / d.net_mass_kg END AS uv,
  ${keys.join(',\n  ')}
FROM (SELECT d.*, ${from === 'table' ? 's.*, ' : ''}${histPred(from)} AS is_hist, regexp_replace(d.hs_code, '[^0-9]', '', 'g') AS hsd
      FROM declaration_lines d ${from === 'table' ? 'CROSS JOIN sel_spec s ' : ''}WHERE (${histPred(from)}) OR (${targetPred(from)})) d`;
}

/** sel_norm: median unit value per HS6 of the history lines, for codes with enough of them (spec as parameters). */
export function normSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP TABLE sel_norm AS
SELECT ${normHs(cfg)} AS hs6, median(uv) AS norm_uv, count(*) AS n
FROM (${rawLinesSql(cfg, 'params')}) WHERE role = 'hist' AND uv IS NOT NULL GROUP BY ALL HAVING count(*) >= $min`;
}

/** The lines of the run with every key, the unit-value band (sel_norm) and GRI level (sel_gri) included. */
export function linesSql(cfg: SelectivityConfig, from: SpecFrom): string {
  const names = keyNames(cfg);
  const norm = names.includes('unit_value_band');
  const gri = names.includes('gri_level');
  const cols = names.map((k, i) => {
    if (k === 'unit_value_band') {
      const bands = cfg.unit_value.bands
        .map((b, j) =>
          b.max === null ? `ELSE '${b.id}'` : `WHEN r.uv / n.norm_uv < ${spec(from, `b${j}`)} THEN '${b.id}'`,
        )
        .join(' ');
      return `CASE WHEN r.uv IS NOT NULL AND n.norm_uv IS NOT NULL THEN CASE ${bands} END END AS k_${i}`;
    }
    if (k === 'gri_level') return `g.gri_level AS k_${i}`;
    return `r.k_${i}`;
  });
  const joins = [
    norm ? `LEFT JOIN sel_norm n ON n.hs6 = ${normHs(cfg, 'r')}` : '',
    norm && from === 'table' ? 'CROSS JOIN sel_spec s' : '',
    gri ? 'LEFT JOIN sel_gri g ON g.operator_id = r.operator_id' : '',
  ].filter(Boolean);
  const ratio = norm ? 'CASE WHEN r.uv IS NOT NULL THEN r.uv / n.norm_uv END' : 'NULL::DOUBLE';
  return `SELECT ${LINE_COLUMNS.map((c) => `r.${c}`).join(', ')}, r.role, r.y, r.fold, r.hfold, r.uv, ${ratio} AS uv_ratio,
  ${cols.join(', ')}
FROM (${rawLinesSql(cfg, from)}) r
${joins.join('\n')}`;
}

/** VIEW sel_lines: the lines of the run (read when queried, with the run's sel_spec). */
export function linesViewSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP VIEW sel_lines AS ${linesSql(cfg, 'table')}`;
}

/** The key columns of factor j in the working tables. */
export function factorColumns(cfg: SelectivityConfig, j: number): string[] {
  return cfg.factors[j].keys.map((k) => keyColumn(cfg, k));
}

/** sel_hist: the history lines of the run (spec as parameters). */
export function histSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP TABLE sel_hist AS SELECT * FROM (${linesSql(cfg, 'params')}) WHERE role = 'hist'`;
}

// Counts are BIGINT (sums of integers would be HUGEINT, slower in every line's arithmetic; same values).
export const priorSql = `CREATE OR REPLACE TEMP TABLE sel_prior AS
SELECT fold, count(*) AS n, CAST(sum(y) AS BIGINT) AS s FROM sel_hist GROUP BY fold`;

/** sel_p0: the prior finding rate p0 per fold (history lines: out of their fold; fold −1: all history), clamped p0c. */
export const p0Sql = `CREATE OR REPLACE TEMP TABLE sel_p0 AS
SELECT fold, p0, least(greatest(p0, 1e-6), 1 - 1e-6) AS p0c FROM (
  SELECT g.fold, CASE WHEN g.fold >= 0 THEN (pt.s - coalesce(pf.s, 0)) / (pt.n - coalesce(pf.n, 0)) ELSE pt.s / pt.n END AS p0
  FROM (SELECT CAST(range AS INTEGER) - 1 AS fold FROM range($folds + 1)) g
  CROSS JOIN (SELECT CAST(sum(n) AS BIGINT) AS n, CAST(sum(s) AS BIGINT) AS s FROM sel_prior) pt
  LEFT JOIN sel_prior pf ON pf.fold = g.fold)`;

/**
 * sel_st_<j>: per key of factor j (all key parts present), lines n and findings s of the history outside each
 * fold (fold −1: all of it). Keys whose lines all fall in one fold have no row for it (n = 0: no evidence).
 */
export function factorStatsSql(cfg: SelectivityConfig, j: number): string {
  const k = factorColumns(cfg, j);
  const kc = k.join(', ');
  return `CREATE OR REPLACE TEMP TABLE sel_st_${j} AS
WITH f AS (SELECT ${kc}, fold, count(*) AS n, CAST(sum(y) AS BIGINT) AS s FROM sel_hist
           WHERE ${k.map((c) => `${c} IS NOT NULL`).join(' AND ')} GROUP BY ALL),
t AS (SELECT ${kc}, CAST(sum(n) AS BIGINT) AS n, CAST(sum(s) AS BIGINT) AS s FROM f GROUP BY ALL)
SELECT ${k.map((c) => `t.${c}`).join(', ')}, -1 AS fold, t.n, t.s FROM t
UNION ALL
SELECT ${k.map((c) => `t.${c}`).join(', ')}, g.fold, t.n - coalesce(f.n, 0) AS n, t.s - coalesce(f.s, 0) AS s
FROM t CROSS JOIN (SELECT CAST(range AS INTEGER) AS fold FROM range($folds)) g
LEFT JOIN f ON ${k.map((c) => `f.${c} = t.${c}`).join(' AND ')} AND f.fold = g.fold
WHERE t.n - coalesce(f.n, 0) > 0`;
}

/** The rate of factor j shrunk toward its parent's rate `rp`, and its lift (same expressions for keys and lines). */
function rateSql(cfg: SelectivityConfig, j: number, n: string, s: string, rp: string): { r: string; l: string } {
  const k = cfg.factors[j].k;
  return {
    r: `(${s} + ${k} * ${rp}) / (${n} + ${k})`,
    l: `ln((${s} + ${k} * ${rp}) / (${n} - ${s} + ${k} * (1 - ${rp}))) - ln(${rp} / (1 - ${rp}))`,
  };
}

/** Index of each factor's parent (−1: none). */
function parents(cfg: SelectivityConfig): number[] {
  const idx = new Map(cfg.factors.map((f, j) => [f.id, j]));
  return cfg.factors.map((f) => (f.parent === undefined ? -1 : idx.get(f.parent)!));
}

/** SQL of key `key` from factor j's key columns (table alias `a`), when they determine it; null otherwise. */
function derivedKey(cfg: SelectivityConfig, j: number, key: string, a: string): string | null {
  const own = cfg.factors[j].keys;
  if (own.includes(key)) return `${a}.${keyColumn(cfg, key)}`;
  const hs = /^hs([246])$/.exec(key);
  const finer = hs && own.find((k) => /^hs[246]$/.test(k) && Number(k.slice(2)) > Number(hs[1]));
  return finer ? `left(${a}.${keyColumn(cfg, finer)}, ${hs[1]})` : null;
}

/**
 * Factors whose parent's rate follows from their own key (the parent's keys are among theirs, or a shorter HS
 * prefix), all the way up: their rates and lifts are computed once per key and fold (sel_pf_<j>), not per line.
 */
export function profiledFactors(cfg: SelectivityConfig): boolean[] {
  const par = parents(cfg);
  const out: boolean[] = [];
  cfg.factors.forEach((_, j) => {
    const p = par[j];
    out.push(p < 0 || (out[p] && cfg.factors[p].keys.every((k) => derivedKey(cfg, j, k, 't') !== null)));
  });
  return out;
}

/**
 * sel_pf_<j> for a profiled factor: per key and fold with evidence, the parent's rate rp (the nearest ancestor
 * with evidence for the key, else the prior), the shrunk rate r and the lift l.
 */
export function profileSql(cfg: SelectivityConfig, j: number): string {
  const par = parents(cfg);
  const chain: number[] = [];
  for (let a = par[j]; a >= 0; a = par[a]) chain.push(a);
  const joins = chain.map((a) => {
    const on = factorColumns(cfg, a).map((c, i) => `a${a}.${c} = ${derivedKey(cfg, j, cfg.factors[a].keys[i], 't')}`);
    return `LEFT JOIN sel_pf_${a} a${a} ON a${a}.fold = t.fold AND ${on.join(' AND ')}`;
  });
  const rp = chain.length ? `coalesce(${chain.map((a) => `a${a}.r`).join(', ')}, p.p0c)` : 'p.p0c';
  const { r, l } = rateSql(cfg, j, 'n', 's', 'rp');
  return `CREATE OR REPLACE TEMP TABLE sel_pf_${j} AS
SELECT *, ${r} AS r, ${l} AS l FROM (
  SELECT t.*, ${rp} AS rp FROM sel_st_${j} t JOIN sel_p0 p ON p.fold = t.fold
  ${joins.join('\n  ')})`;
}

/**
 * Features of the lines of `src` (a relation with the columns of sel_lines): per factor the history's lines n_j
 * and findings s_j with the line's key (out of the line's own fold for history lines), the rate shrunk toward
 * the parent's r_j = (s_j + k·r_parent) / (n_j + k) and the lift l_j = logit(r_j) − logit(r_parent) (0 without
 * evidence). `part`: which lines src holds (only their rows of the aggregates are read).
 */
export function featuresSql(
  cfg: SelectivityConfig,
  src: string,
  part: 'hist' | 'target' | 'all',
  texts = false,
): string {
  const F = cfg.factors;
  const par = parents(cfg);
  const fast = profiledFactors(cfg);
  const folds = { hist: 'WHERE fold >= 0', target: 'WHERE fold = -1', all: '' }[part];
  // texts (target lines): profiled factors read sel_px_<j>, their target rows with the reason text (reasons.ts).
  const joins = F.map((_, j) => {
    const on = factorColumns(cfg, j).map((c) => `t${j}.${c} = l.${c}`);
    const table = fast[j] ? (texts ? `sel_px_${j}` : `sel_pf_${j}`) : `sel_st_${j}`;
    return `LEFT JOIN (SELECT * FROM ${table} ${folds}) t${j} ON t${j}.fold = l.hfold AND ${on.join(' AND ')}`;
  });
  const cols = F.map((_, j) => {
    const nl = `coalesce(t${j}.n, 0) AS n_${j}, coalesce(t${j}.s, 0) AS s_${j}`;
    const text = texts ? `, t${j}.t AS t_${j}, t${j}.t2 AS t2_${j}` : '';
    return fast[j] ? `${nl}, t${j}.r AS pr_${j}, coalesce(t${j}.l, 0.0) AS l_${j}${text}` : nl;
  });
  let sql = `SELECT l.*, p.p0, p.p0c,
  ${cols.join(',\n  ')}
FROM ${src} l
JOIN sel_p0 p ON p.fold = l.hfold
${joins.join('\n')}`;
  // Rates down each parent chain: one projection per depth, each reading the rates of the previous ones. A profiled
  // factor's rate is its key's (pr_j), else its parent's; other factors compute theirs here, line by line.
  const depth: number[] = [];
  par.forEach((p) => depth.push(p < 0 ? 0 : depth[p] + 1));
  for (let d = 0; d <= Math.max(...depth); d++) {
    const out: string[] = [];
    F.forEach((_, j) => {
      if (depth[j] !== d) return;
      const parent = par[j] < 0 ? 'p0c' : `r_${par[j]}`;
      if (fast[j]) {
        out.push(`coalesce(pr_${j}, ${parent}) AS r_${j}`);
      } else {
        const { r, l } = rateSql(cfg, j, `n_${j}`, `s_${j}`, parent);
        out.push(`CASE WHEN n_${j} = 0 THEN ${parent} ELSE ${r} END AS r_${j}`);
        out.push(`CASE WHEN n_${j} = 0 THEN 0.0 ELSE ${l} END AS l_${j}`);
      }
    });
    sql = `SELECT *, ${out.join(', ')} FROM (${sql})`;
  }
  return sql;
}

/** The lines the weights are fitted on: history lines (out of fold), or the labelled lines of the validation target. */
export function fitLinesSql(cfg: SelectivityConfig, validation: boolean): string {
  return validation
    ? `(SELECT * FROM (${linesSql(cfg, 'params')}) WHERE role = 'target' AND y IS NOT NULL)`
    : 'sel_hist';
}

/**
 * The fitting sample (the `$n` fitting lines first by hash of their id) as patterns: identical feature vectors and
 * outcomes collapsed with their count, in the order of their first line.
 */
export function fitPatternsSql(cfg: SelectivityConfig, validation: boolean): string {
  const l = cfg.factors.map((_, j) => `l_${j}`).join(', ');
  const sample = `(SELECT * FROM ${fitLinesSql(cfg, validation)} ORDER BY hash(declaration_id, line_no) LIMIT $n)`;
  return `SELECT y, ${l}, count(*) AS c, min(hash(declaration_id, line_no)) AS h
FROM (${featuresSql(cfg, sample, validation ? 'target' : 'hist')}) GROUP BY y, ${l} ORDER BY h`;
}

/** Score bars of the levels: quantiles of the scores of all fitting lines (weights written into the text). */
export function thresholdsSql(cfg: SelectivityConfig, validation: boolean, intercept: number, w: number[]): string {
  const score = `${intercept} + ${cfg.factors.map((_, j) => `${w[j]} * l_${j}`).join(' + ')}`;
  return `SELECT quantile_cont(s, 1 - $hi) AS high, quantile_cont(s, 1 - $med) AS medium
FROM (SELECT ${score} AS s FROM (${featuresSql(cfg, fitLinesSql(cfg, validation), validation ? 'target' : 'hist')}))`;
}

export function modelTableSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP TABLE sel_model AS SELECT CAST($b AS DOUBLE) AS b, CAST($hi AS DOUBLE) AS hi,
  CAST($med AS DOUBLE) AS med, ${cfg.factors.map((_, j) => `CAST($w${j} AS DOUBLE) AS w_${j}`).join(', ')}`;
}

/** The target lines scored: features, contributions c_j = w_j·l_j, score, probability, level (texts: featuresSql). */
export function scoredSql(cfg: SelectivityConfig, from: SpecFrom, texts = false): string {
  const c = cfg.factors.map((_, j) => `c_${j}`);
  const lines = from === 'table' ? 'sel_lines' : `(${linesSql(cfg, 'params')})`;
  const target = featuresSql(cfg, `(SELECT * FROM ${lines} WHERE role = 'target')`, 'target', texts);
  return `SELECT *, 1 / (1 + exp(-score)) AS p,
  CASE WHEN score >= hi THEN 'high' WHEN score >= med THEN 'medium' ELSE 'low' END AS level
FROM (
  SELECT *, b + ${c.join(' + ')} AS score
  FROM (SELECT f.*, m.*, ${c.map((x, j) => `m.w_${j} * f.l_${j} AS ${x}`).join(', ')}
        FROM (${target}) f CROSS JOIN sel_model m)
)`;
}

/** VIEW sel_target: the target lines scored. */
export function targetViewSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP VIEW sel_target AS ${scoredSql(cfg, 'table')}`;
}

/** The scored target lines as a backtest ranks them (spec as parameters). */
export function backtestLinesSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP TABLE bt_lines AS
SELECT operator_id, y, score, p, level, hash(declaration_id, line_no) AS tie, amount_reassessed AS amount,
  coalesce(selection_reason = 'random', false) AS rnd
FROM (${scoredSql(cfg, 'params')})`;
}

/** Only the parameters a statement uses (DuckDB refuses the others). */
export function usedParams(sql: string, params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
}

/** VIEW sel_scores: what a scoring run yields per target line (the columns earlier versions materialised). */
export function scoresViewSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP VIEW sel_scores AS
SELECT declaration_id, line_no, date, operator_id, y, score, p, level, ${cfg.factors.map((_, j) => `c_${j}`).join(', ')}
FROM sel_target`;
}

/** VIEW sel_feat: features of every line of the run (history lines out of fold), for inspection. */
export function featViewSql(cfg: SelectivityConfig): string {
  return `CREATE OR REPLACE TEMP VIEW sel_feat AS
${featuresSql(cfg, `(SELECT * FROM sel_hist UNION ALL SELECT * FROM sel_lines WHERE role = 'target')`, 'all')}`;
}
