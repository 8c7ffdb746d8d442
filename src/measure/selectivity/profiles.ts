// The steps that turn history into risk profiles (the SQL is in sql.ts): the run's specification, the unit-value
// norm, the history lines with their keys, then lines and findings per key of every factor and fold. Lines are
// scored later from these aggregates (features); only counts come back to JS.
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { extraFields, keyNames, type SelectivityConfig } from './config.ts';
import { griAsOf } from './gri.ts';
import {
  countsSql,
  factorStatsSql,
  featViewSql,
  histSql,
  linesViewSql,
  normSql,
  p0Sql,
  priorSql,
  profiledFactors,
  profileSql,
  specInsertSql,
  specTableSql,
  targetCountSql,
  usedParams,
} from './sql.ts';

export { LABELLED } from './sql.ts';

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

function specParams(cfg: SelectivityConfig, spec: FeatureSpec): Record<string, unknown> {
  const p: Record<string, unknown> = {
    h_from: spec.history.from ?? null,
    h_until: spec.history.until,
    has_target: spec.target !== undefined,
    t_from: spec.target?.from ?? null,
    t_until: spec.target?.until ?? null,
    t_unlabelled: spec.target?.unlabelledOnly ?? false,
    folds: cfg.folds,
  };
  extraFields(cfg).forEach((x, i) => (p[`x${i}`] = x));
  cfg.unit_value.bands.forEach((b, i) => (p[`b${i}`] = b.max));
  return p;
}

async function writeSpec(ws: Workspace, cfg: SelectivityConfig, spec: FeatureSpec): Promise<void> {
  await ws.run(specTableSql(cfg));
  await ws.run(specInsertSql(cfg), specParams(cfg, spec));
}

/**
 * Builds the profiles of the spec's history (sel_spec … sel_st_<j>) and the views over its lines (sel_lines,
 * sel_feat). Replaces any previous selectivity tables.
 */
export async function buildFeatures(ws: Workspace, cfg: SelectivityConfig, spec: FeatureSpec): Promise<FeatureStats> {
  await writeSpec(ws, cfg, spec);
  const counts = await ws.one<{ h: number; f: number; t: number }>(countsSql);
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

  if (keyNames(cfg).includes('unit_value_band')) {
    await ws.run(normSql(cfg), await bindSpec(ws, normSql(cfg), { min: cfg.unit_value.min_lines }));
  }
  if (keyNames(cfg).includes('gri_level')) await griAsOf(ws, spec.history.until);
  await ws.run(linesViewSql(cfg));
  await ws.run(histSql(cfg), await bindSpec(ws, histSql(cfg)));
  await ws.run(priorSql);
  await ws.run(p0Sql, { folds: cfg.folds });
  const profiled = profiledFactors(cfg);
  for (let j = 0; j < cfg.factors.length; j++) {
    await ws.run(factorStatsSql(cfg, j), { folds: cfg.folds });
    if (profiled[j]) await ws.run(profileSql(cfg, j));
  }
  await ws.run(featViewSql(cfg));
  return stats;
}

/** The parameters of a statement reading the run's specification as parameters (sql.ts SpecFrom 'params'). */
export async function bindSpec(
  ws: Workspace,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const row = (await ws.one<Record<string, unknown>>('SELECT * FROM sel_spec')) ?? {};
  return usedParams(sql, { ...row, ...params });
}

/** Points the run at other target lines, keeping its history's profiles; returns the number of target lines. */
export async function setTarget(ws: Workspace, target: NonNullable<FeatureSpec['target']>): Promise<number> {
  await ws.run(
    `UPDATE sel_spec SET has_target = true, t_from = CAST($f AS DATE), t_until = CAST($u AS DATE), t_unlabelled = $x`,
    { f: target.from ?? null, u: target.until ?? null, x: target.unlabelledOnly ?? false },
  );
  return Number(await ws.scalar(targetCountSql));
}
