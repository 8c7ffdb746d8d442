// The full segmentation pipeline (Steps 1–6) and re-scoring without rescanning lines.
import { DomainError } from '../errors/index.ts';
import { ensureLinesClustered } from '../workspace/layout.ts';
import type { Workspace } from '../workspace/workspace.ts';
import {
  dataAvailability,
  neededAggregates,
  operatorAggregates,
  resolveWindow,
  riskyLists,
  FINDING_PRED,
  type Window,
} from './aggregate.ts';
import { getConfig, setConfig, mergeConfig, type GriConfig, type GriConfigInput } from './config.ts';
import {
  activeIndicators,
  computeFlags,
  dropOperatorTable,
  measureColumns,
  publishFlags,
  stageFlags,
  type ActiveIndicator,
} from './indicators.ts';
import { scoreAndWrite, type Scoring } from './scoring.ts';
import { hasOperatorTable, operatorTable, predates } from './evidence.ts';
import { learnedWeights, type LearnedFit, type Pattern } from './weights.ts';
import { logRun } from './run-log.ts';

export class SegmentationError extends DomainError {}

export interface Run {
  risk: string;
  configId: string;
  computedAt: string;
  window: Window;
  lines: number;
  operators: number;
  baseRate: number | null;
  risky: { kind: string; count: number; examples: string[] }[];
  indicators: ActiveIndicator[];
  scoring: Scoring;
  learnedWeights?: number[];
  timings: Record<string, number>;
}

async function timed<T>(timings: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  timings[name] = Math.round(performance.now() - t0);
  return r;
}

/** Fits learned weights: indicators on a training window that ends `horizon` months before, outcome = a later finding. */
async function fitLearned(
  ws: Workspace,
  cfg: GriConfig,
  w: Window,
  timings: Record<string, number>,
): Promise<{ weights: number[]; fit: LearnedFit; inds: ActiveIndicator[] }> {
  const h = cfg.weights.learned.horizonMonths;
  const trainEnd = await ws.scalar<string>(`SELECT ($e::DATE - to_months($h))::DATE::VARCHAR`, { e: w.end, h });
  const tcfg: GriConfig = { ...cfg, risk: `${cfg.risk}__train` };
  const tw = (await resolveWindow(ws, tcfg, trainEnd))!;
  const stats = await timed(timings, 'learned_risky', () => riskyLists(ws, tcfg, tw));
  const inds = activeIndicators(tcfg, await dataAvailability(ws, stats));
  await timed(timings, 'learned_aggregate', () =>
    operatorAggregates(ws, tcfg, tw, neededAggregates(measureColumns(inds))),
  );
  await timed(timings, 'learned_flags', () => computeFlags(ws, tcfg, tw, inds, { evidence: false }));
  const patterns = await ws.all<Pattern>(
    `WITH later AS (
       SELECT DISTINCT operator_id FROM declaration_lines WHERE date > $t::DATE AND date <= $e::DATE AND ${FINDING_PRED}
       UNION SELECT DISTINCT operator_id FROM cases WHERE date > $t::DATE AND date <= $e::DATE
         AND ($risk_filter::VARCHAR IS NULL OR compliance_risk = $risk_filter))
     SELECT b.flags::DOUBLE AS flags, count(*)::INTEGER AS operators, count(*) FILTER (WHERE b.noncompliant)::INTEGER AS noncompliant,
            count(later.operator_id)::INTEGER AS outcome
     FROM ${operatorTable(tcfg.risk)} b LEFT JOIN later USING (operator_id) GROUP BY b.flags ORDER BY b.flags`,
    { t: trainEnd, e: w.end, risk_filter: cfg.complianceRisk },
  );
  await ws.run(`DELETE FROM seg_pattern_cube WHERE risk = $risk`, { risk: tcfg.risk });
  await ws.run(`DELETE FROM operator_risk_indicator_flags WHERE risk = $risk`, { risk: tcfg.risk });
  await dropOperatorTable(ws, tcfg.risk);
  const l = learnedWeights(
    inds.map((i) => i.code),
    inds.map((i) => i.available),
    patterns,
    cfg.weights.learned.lambda,
  );
  return { ...l, inds };
}

export interface ComputeOptions {
  risk?: string;
  /** Use this configuration instead of the stored one (not saved). */
  config?: GriConfig;
}

/** Steps 1–6 for one risk: window, risky lists, one wide aggregate pass, flags with evidence, weights, GRI, levels. */
export async function computeSegmentation(ws: Workspace, opts: ComputeOptions = {}): Promise<Run> {
  const stored = await getConfig(ws, opts.config?.risk ?? opts.risk ?? 'general');
  const cfg = opts.config ?? stored.config;
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  // Once after the lines changed (and only for ≥ 1M lines): rewrite them in operator order (workspace/layout.ts).
  const clustered = await ensureLinesClustered(ws);
  if (clustered) timings.cluster_lines = Math.round(clustered.seconds * 1000);
  const w = await resolveWindow(ws, cfg);
  if (!w)
    throw new SegmentationError(
      'no declaration lines in the workspace: import declarations first (cip import ...)',
      'not_found',
    );
  let learned: { weights: number[]; fit: LearnedFit } | null = null;
  if (cfg.weights.method === 'learned') {
    const l = await fitLearned(ws, cfg, w, timings);
    learned = { weights: l.weights, fit: l.fit };
  }
  const stats = await timed(timings, 'risky_lists', () => riskyLists(ws, cfg, w));
  const inds = activeIndicators(cfg, await dataAvailability(ws, stats));
  if (learned && inds.length !== learned.weights.length)
    throw new SegmentationError('learned weights: indicator set changed between training and scoring windows');
  const computedAt = new Date().toISOString();
  // Temp tables and the staged run table before the transaction: a table written in a transaction is scanned by one
  // thread until it commits (the flags pass reads seg_agg, the cube and operator_segments read the run's table).
  await timed(timings, 'aggregate', () => operatorAggregates(ws, cfg, w, neededAggregates(measureColumns(inds))));
  const tf = performance.now();
  await stageFlags(ws, cfg, w, inds);
  const result = await ws.transaction(async () => {
    await publishFlags(ws, cfg, inds);
    timings.flags = Math.round(performance.now() - tf);
    return timed(timings, 'score', () => scoreAndWrite(ws, cfg, inds, learned, stored.configId, computedAt));
  });
  const risky = await ws.all<{ kind: string; count: number; examples: string[] }>(
    `SELECT kind, count(*)::INTEGER AS count, list(code ORDER BY lift DESC NULLS LAST, code)[1:5] AS examples FROM seg_risky GROUP BY kind ORDER BY kind`,
  );
  const operators = Number(await ws.scalar(`SELECT count(*) FROM seg_agg`));
  timings.total = Math.round(performance.now() - t0);
  const run: Run = {
    risk: cfg.risk,
    configId: stored.configId,
    computedAt,
    window: w,
    lines: stats.lines,
    operators,
    baseRate: stats.baseRate,
    risky,
    indicators: inds,
    scoring: result,
    learnedWeights: learned?.weights,
    timings,
  };
  await ws.run(
    `INSERT INTO seg_runs VALUES ($risk, $cid, $at::TIMESTAMP, $json) ON CONFLICT (risk) DO UPDATE SET
       config_id = excluded.config_id, computed_at = excluded.computed_at, run_json = excluded.run_json`,
    { risk: cfg.risk, cid: stored.configId, at: computedAt, json: JSON.stringify(run) },
  );
  await logRun(ws, cfg.risk, stored.configId, computedAt);
  return run;
}

export async function lastRun(ws: Workspace, risk = 'general'): Promise<Run | null> {
  const json = await ws.scalar<string | null>(`SELECT run_json FROM seg_runs WHERE risk = $risk`, { risk });
  return json ? (JSON.parse(json) as Run) : null;
}

export async function requireRun(ws: Workspace, risk = 'general'): Promise<Run> {
  const run = await lastRun(ws, risk);
  if (!run)
    throw new SegmentationError(
      `no GRI computed yet for '${risk}': run 'cip gri compute${risk === 'general' ? '' : ` --risk ${risk}`}' first`,
      'not_found',
    );
  return run;
}

export interface RescorePatch {
  weights?: Partial<GriConfigInput['weights']>;
  levels?: Partial<GriConfigInput['levels']>;
}

/**
 * New weights or bars, applied instantly: saves the new configuration version (recorded in history) and
 * re-scores from the stored flags, without rescanning lines. Learned weights need a full run.
 */
export async function rescore(
  ws: Workspace,
  risk: string,
  patch: RescorePatch,
  actor: string,
  comment: string | null = null,
): Promise<Run> {
  const run = await requireRun(ws, risk);
  if (!(await hasOperatorTable(ws, risk))) throw new SegmentationError(predates(risk));
  const cur = await getConfig(ws, risk);
  const stored = await setConfig(ws, mergeConfig(cur.config, patch as Record<string, unknown>), actor, comment);
  const cfg = stored.config;
  if (cfg.weights.method === 'learned' && !run.learnedWeights)
    throw new SegmentationError("learned weights are fitted on a full run: use 'cip gri compute --weights learned'");
  const t0 = performance.now();
  const learned =
    run.learnedWeights && run.scoring.learned ? { weights: run.learnedWeights, fit: run.scoring.learned } : null;
  const computedAt = new Date().toISOString();
  const scoring = await scoreAndWrite(ws, cfg, run.indicators, learned, stored.configId, computedAt);
  const next: Run = {
    ...run,
    configId: stored.configId,
    computedAt,
    scoring,
    timings: { rescore: Math.round(performance.now() - t0) },
  };
  await ws.run(
    `UPDATE seg_runs SET config_id = $cid, computed_at = $at::TIMESTAMP, run_json = $json WHERE risk = $risk`,
    {
      risk,
      cid: stored.configId,
      at: computedAt,
      json: JSON.stringify(next),
    },
  );
  await logRun(ws, risk, stored.configId, computedAt);
  return next;
}
