// SQL steps that turn history into risk profiles and profiles into per-line factor lifts.
// Everything runs inside DuckDB as temp tables; only counts come back to JS.
//   sel_lines  history lines (labelled, in the history window) and target lines (to be scored), with keys
//   sel_norm   HS6 median value per kg of the history (the unit-value norm)
//   sel_tot_j / sel_fold_j  findings and lines per key of factor j (all history / per fold)
//   sel_feat   per line: lines n_j, rate r_j and lift l_j of every factor (history lines out-of-fold)
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { keyColumn, keyNames, keySql, type SelectivityConfig } from './config.ts';
import { griAsOf } from './gri.ts';

export interface Window {
  from?: string;
  until?: string;
}

export interface FeatureSpec {
  /** Labelled lines (finding set, not marked uninspected) dated in this window are the history the profiles learn from. */
  history: Window & { until: string };
  /** Lines to score: dated in this window and not part of the history; unlabelledOnly keeps lines without a known outcome. */
  target?: Window & { unlabelledOnly?: boolean };
}

export interface FeatureStats {
  historyLines: number;
  historyFindings: number;
  priorRate: number;
  targetLines: number;
}

export class SelectivityDataError extends DomainError {}

const SEP = 'chr(31)';

/** Lines whose outcome is known: a finding value, and not marked as uninspected. */
export const LABELLED = '(d.finding IS NOT NULL AND d.inspected IS NOT FALSE)';

function windowSql(w: Window, p: Record<string, unknown>, prefix: string): string {
  const parts: string[] = [];
  if (w.from) {
    p[`${prefix}_from`] = w.from;
    parts.push(`d.date >= CAST($${prefix}_from AS DATE)`);
  }
  if (w.until) {
    p[`${prefix}_until`] = w.until;
    parts.push(`d.date <= CAST($${prefix}_until AS DATE)`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** Builds sel_lines … sel_feat for the spec. Replaces any previous selectivity temp tables. */
export async function buildFeatures(ws: Workspace, cfg: SelectivityConfig, spec: FeatureSpec): Promise<FeatureStats> {
  const p: Record<string, unknown> = { folds: cfg.folds };
  const keys = keyNames(cfg);
  const keyCols = keys.map((k, i) => `${keySql(k, `x${i}`, p)} AS k_${i}`).join(',\n  ');
  // An outcome is known when the line has a finding value and was not marked uninspected (a line never
  // inspected has no finding to learn from, whatever its finding column says).
  const hist = `${LABELLED} AND ${windowSql(spec.history, p, 'h')}`;
  const target = spec.target
    ? `${windowSql(spec.target, p, 't')}${spec.target.unlabelledOnly ? ` AND NOT (${LABELLED})` : ''}`
    : 'FALSE';
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_lines AS
SELECT row_number() OVER () AS lid, d.declaration_id, d.line_no, d.date, d.operator_id, d.hs_code,
  CASE WHEN ${hist} THEN 'hist' ELSE 'target' END AS role,
  CASE WHEN ${LABELLED} THEN CAST(d.finding AS INTEGER) END AS y,
  CAST(hash(d.declaration_id) % $folds AS INTEGER) AS fold,
  CASE WHEN ${hist} THEN CAST(hash(d.declaration_id) % $folds AS INTEGER) ELSE -1 END AS hfold, -- fold of history lines (-1: none)
  CASE WHEN d.value > 0 AND d.net_mass_kg > 0 THEN d.value / d.net_mass_kg END AS uv,
  NULL::DOUBLE AS uv_ratio,
  ${keyCols}
FROM declaration_lines d
WHERE (${hist}) OR (${target})`,
    p,
  );
  const counts = await ws.one<{ h: number; f: number; t: number }>(
    `SELECT count(*) FILTER (WHERE role = 'hist') AS h, coalesce(sum(y) FILTER (WHERE role = 'hist'), 0) AS f,
            count(*) FILTER (WHERE role = 'target') AS t FROM sel_lines`,
  );
  const stats: FeatureStats = {
    historyLines: Number(counts?.h ?? 0),
    historyFindings: Number(counts?.f ?? 0),
    priorRate: 0,
    targetLines: Number(counts?.t ?? 0),
  };
  if (stats.historyLines === 0) {
    throw new SelectivityDataError(
      `no labelled declaration lines (inspected, with a finding value) dated ${spec.history.from ?? 'any time'} .. ${spec.history.until}: nothing to learn risk profiles from`,
    );
  }
  if (stats.historyFindings === 0 || stats.historyFindings === stats.historyLines) {
    throw new SelectivityDataError(
      `the ${stats.historyLines} labelled lines up to ${spec.history.until} have ${stats.historyFindings === 0 ? 'no finding' : 'only findings'}: finding rates cannot rank anything`,
    );
  }
  stats.priorRate = stats.historyFindings / stats.historyLines;

  await buildUnitValueBands(ws, cfg);
  if (keyNames(cfg).includes('gri_level')) {
    await griAsOf(ws, spec.history.until);
    await ws.run(
      `UPDATE sel_lines l SET ${keyColumn(cfg, 'gri_level')} = g.gri_level FROM sel_gri g WHERE g.operator_id = l.operator_id`,
    );
  }
  await buildFactorCounts(ws, cfg);
  await buildFactorLifts(ws, cfg);
  return stats;
}

async function buildUnitValueBands(ws: Workspace, cfg: SelectivityConfig): Promise<void> {
  if (!keyNames(cfg).includes('unit_value_band')) return;
  const hs6 = keyNames(cfg).includes('hs6') ? keyColumn(cfg, 'hs6') : null;
  const hsExpr = hs6 ?? "left(regexp_replace(hs_code, '[^0-9]', '', 'g'), 6)";
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_norm AS
SELECT ${hsExpr} AS hs6, median(uv) AS norm_uv, count(*) AS n
FROM sel_lines WHERE role = 'hist' AND uv IS NOT NULL GROUP BY ALL HAVING count(*) >= $min`,
    { min: cfg.unit_value.min_lines },
  );
  const bands = cfg.unit_value.bands;
  const cases = bands
    .map((b, i) => (b.max === null ? `ELSE '${b.id}'` : `WHEN l.uv / n.norm_uv < $b${i} THEN '${b.id}'`))
    .join(' ');
  const p: Record<string, unknown> = {};
  bands.forEach((b, i) => {
    if (b.max !== null) p[`b${i}`] = b.max;
  });
  const col = keyColumn(cfg, 'unit_value_band');
  const hsOfLine = hs6 ? `l.${hs6}` : "left(regexp_replace(l.hs_code, '[^0-9]', '', 'g'), 6)";
  await ws.run(
    `UPDATE sel_lines l SET ${col} = CASE ${cases} END, uv_ratio = l.uv / n.norm_uv
FROM sel_norm n WHERE n.hs6 = ${hsOfLine} AND l.uv IS NOT NULL`,
    p,
  );
}

/** The key of factor j: its key columns joined, NULL when any part is missing. */
export function factorKeySql(cfg: SelectivityConfig, j: number, alias = 'l'): string {
  return cfg.factors[j].keys.map((k) => `${alias}.${keyColumn(cfg, k)}`).join(` || ${SEP} || `);
}

async function buildFactorCounts(ws: Workspace, cfg: SelectivityConfig): Promise<void> {
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_prior AS
SELECT fold, count(*) AS n, sum(y) AS s FROM sel_lines WHERE role = 'hist' GROUP BY fold`,
  );
  for (let j = 0; j < cfg.factors.length; j++) {
    await ws.run(
      `CREATE OR REPLACE TEMP TABLE sel_fold_${j} AS
SELECT ${factorKeySql(cfg, j)} AS key, fold, count(*) AS n, sum(y) AS s
FROM sel_lines l WHERE role = 'hist' AND ${factorKeySql(cfg, j)} IS NOT NULL GROUP BY ALL`,
    );
    await ws.run(
      `CREATE OR REPLACE TEMP TABLE sel_tot_${j} AS SELECT key, sum(n) AS n, sum(s) AS s FROM sel_fold_${j} GROUP BY key`,
    );
  }
}

async function buildFactorLifts(ws: Workspace, cfg: SelectivityConfig): Promise<void> {
  const F = cfg.factors;
  const idx = new Map(F.map((f, j) => [f.id, j]));
  // Step 1: counts per line and factor — history lines out-of-fold (their own fold's lines removed, joined on
  // hfold, which is -1 for target lines so they keep the full counts). Hash joins only.
  const cols: string[] = [];
  const joins: string[] = [];
  for (let j = 0; j < F.length; j++) {
    joins.push(`LEFT JOIN sel_tot_${j} t${j} ON t${j}.key = ${factorKeySql(cfg, j)}`);
    joins.push(`LEFT JOIN sel_fold_${j} f${j} ON f${j}.key = ${factorKeySql(cfg, j)} AND f${j}.fold = l.hfold`);
    cols.push(
      `coalesce(t${j}.n, 0) - coalesce(f${j}.n, 0) AS n_${j}, coalesce(t${j}.s, 0) - coalesce(f${j}.s, 0) AS s_${j}`,
    );
  }
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_counts AS
SELECT l.lid,
  CASE WHEN l.role = 'hist' THEN (pt.s - coalesce(pf.s, 0)) / (pt.n - coalesce(pf.n, 0)) ELSE pt.s / pt.n END AS p0,
  ${cols.join(',\n  ')}
FROM sel_lines l
CROSS JOIN (SELECT sum(n) AS n, sum(s) AS s FROM sel_prior) pt
LEFT JOIN sel_prior pf ON pf.fold = l.hfold
${joins.join('\n')}`,
  );
  // Step 2: shrunk rates down each factor's parent chain, then lifts in log-odds. One step per depth of
  // the parent chains, so each step only reads rates of the previous steps.
  const depth: number[] = [];
  for (let j = 0; j < F.length; j++)
    depth.push(F[j].parent === undefined ? 0 : depth[idx.get(F[j].parent as string)!] + 1);
  let prev = 'sel_counts';
  const maxDepth = Math.max(...depth);
  for (let d = 0; d <= maxDepth; d++) {
    const cols: string[] = d === 0 ? ['least(greatest(p0, 1e-6), 1 - 1e-6) AS p0c'] : [];
    for (let j = 0; j < F.length; j++) {
      if (depth[j] !== d) continue;
      const parent =
        F[j].parent === undefined ? 'least(greatest(p0, 1e-6), 1 - 1e-6)' : `r_${idx.get(F[j].parent as string)}`;
      cols.push(
        `CASE WHEN n_${j} = 0 THEN ${parent} ELSE (s_${j} + ${F[j].k} * ${parent}) / (n_${j} + ${F[j].k}) END AS r_${j}`,
      );
      cols.push(
        `CASE WHEN n_${j} = 0 THEN 0.0 ELSE ln((s_${j} + ${F[j].k} * ${parent}) / (n_${j} - s_${j} + ${F[j].k} * (1 - ${parent}))) - ln(${parent} / (1 - ${parent})) END AS l_${j}`,
      );
    }
    const next = `sel_depth_${d}`;
    await ws.run(`CREATE OR REPLACE TEMP TABLE ${next} AS SELECT *, ${cols.join(', ')} FROM ${prev}`);
    await ws.run(`DROP TABLE ${prev}`);
    prev = next;
  }
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_feat AS SELECT l.*, r.* EXCLUDE (lid) FROM sel_lines l JOIN ${prev} r USING (lid)`,
  );
  await ws.run(`DROP TABLE ${prev}`);
}
