// The full segmentation pipeline (Steps 1–6) and re-scoring without rescanning lines.
import { DomainError } from '../errors/index.ts';
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
import { learnedWeights, type LearnedFit } from './weights.ts';
import {
  bestCandidate,
  crossValidate,
  FOLDS,
  mergeFolds,
  type FoldPattern,
  type WeightChoice,
} from './weight-choice.ts';
import { runNotes } from './notes.ts';
import type { Message } from '../i18n/messages.ts';
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
  /** weights.method auto: which weighting the data chose and why. */
  weightChoice?: WeightChoice;
  /** Sentences for people: the weighting and why, indicators that weigh nothing and why. */
  notes: Message[];
  timings: Record<string, number>;
}

async function timed<T>(timings: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  timings[name] = Math.round(performance.now() - t0);
  return r;
}

/** Training-window flags of every operator, by fold, with a finding in the held-out period after the window. */
interface Training {
  trainEnd: string;
  end: string;
  inds: ActiveIndicator[];
  patterns: FoldPattern[];
}

/**
 * The training pass: indicators on a window ending `horizon` months before the run's end, outcome = a finding (or
 * a case) in the held-out period after it. Null when no line falls in the training window (too little history).
 */
async function trainingPatterns(
  ws: Workspace,
  cfg: GriConfig,
  w: Window,
  timings: Record<string, number>,
): Promise<Training | null> {
  const h = cfg.weights.learned.horizonMonths;
  const trainEnd = await ws.scalar<string>(`SELECT ($e::DATE - to_months($h))::DATE::VARCHAR`, { e: w.end, h });
  const tcfg: GriConfig = { ...cfg, risk: `${cfg.risk}__train` };
  const tw = (await resolveWindow(ws, tcfg, trainEnd))!;
  const stats = await timed(timings, 'training_risky', () => riskyLists(ws, tcfg, tw));
  if (stats.lines === 0) return null;
  const inds = activeIndicators(tcfg, await dataAvailability(ws, stats));
  await timed(timings, 'training_aggregate', () =>
    operatorAggregates(ws, tcfg, tw, neededAggregates(measureColumns(inds))),
  );
  await timed(timings, 'training_flags', () => computeFlags(ws, tcfg, tw, inds, { evidence: false }));
  const patterns = await ws.all<FoldPattern>(
    `WITH later AS (
       SELECT DISTINCT operator_id FROM declaration_lines WHERE date > $t::DATE AND date <= $e::DATE AND ${FINDING_PRED}
       UNION SELECT DISTINCT operator_id FROM cases WHERE date > $t::DATE AND date <= $e::DATE
         AND ($risk_filter::VARCHAR IS NULL OR compliance_risk = $risk_filter))
     SELECT (hash(b.operator_id) % ${FOLDS})::INTEGER AS fold, b.flags::DOUBLE AS flags, count(*)::INTEGER AS operators,
            count(*) FILTER (WHERE b.noncompliant)::INTEGER AS noncompliant, count(later.operator_id)::INTEGER AS outcome
     FROM ${operatorTable(tcfg.risk)} b LEFT JOIN later USING (operator_id) GROUP BY ALL ORDER BY fold, flags`,
    { t: trainEnd, e: w.end, risk_filter: cfg.complianceRisk },
  );
  await ws.run(`DELETE FROM seg_pattern_cube WHERE risk = $risk`, { risk: tcfg.risk });
  await ws.run(`DELETE FROM operator_risk_indicator_flags WHERE risk = $risk`, { risk: tcfg.risk });
  await dropOperatorTable(ws, tcfg.risk);
  return { trainEnd, end: w.end, inds, patterns };
}

/** Learned weights fitted on every training operator. */
function fitLearned(cfg: GriConfig, t: Training): { weights: number[]; fit: LearnedFit } {
  try {
    return learnedWeights(
      t.inds.map((i) => i.code),
      t.inds.map((i) => i.available),
      mergeFolds(t.patterns),
      cfg.weights.learned.lambda,
    );
  } catch (err) {
    throw new SegmentationError((err as Error).message);
  }
}

/** weights.method auto: the weighting that ranks best on the held-out period (weight-choice.ts). */
function chooseWeighting(cfg: GriConfig, t: Training | null): WeightChoice {
  if (!t) return { method: 'equal', basis: 'no_history', heldOut: null, candidates: [] };
  const all = mergeFolds(t.patterns);
  const heldOut = {
    trainEnd: t.trainEnd,
    end: t.end,
    operators: all.reduce((a, p) => a + p.operators, 0),
    positives: all.reduce((a, p) => a + (p.outcome ?? 0), 0),
  };
  if (heldOut.positives === 0 || heldOut.positives === heldOut.operators)
    return { method: 'equal', basis: 'no_outcomes', heldOut, candidates: [] };
  const candidates = crossValidate(
    t.inds.map((i) => i.code),
    t.inds.map((i) => i.available),
    t.patterns,
    cfg.weights.tolerance,
    cfg.weights.learned.lambda,
  );
  return { method: bestCandidate(candidates) ?? 'equal', basis: 'held_out', heldOut, candidates };
}

export interface ComputeOptions {
  risk?: string;
  /** Use this configuration instead of the stored one (not saved unless `save` is given). */
  config?: GriConfig;
  /** Save the configuration as a new version, in the run's transaction: a refused run saves nothing. */
  save?: { actor: string; comment: string | null };
}

/** Steps 1–6 for one risk: window, risky lists, one wide aggregate pass, flags with evidence, weights, GRI, levels. */
export async function computeSegmentation(ws: Workspace, opts: ComputeOptions = {}): Promise<Run> {
  const stored = await getConfig(ws, opts.config?.risk ?? opts.risk ?? 'general');
  const cfg = opts.config ?? stored.config;
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  // The lines are read as stored: imports append them sorted by operator (workspace/layout.ts); an analysis never
  // rewrites them (`cip optimize` does, on request).
  const w = await resolveWindow(ws, cfg);
  if (!w)
    throw new SegmentationError(
      'no declaration lines in the workspace: import declarations first (cip import ...)',
      'not_found',
    );
  if (stored.version === 0) await assertKnownRisk(ws, cfg);
  let learned: { weights: number[]; fit: LearnedFit } | null = null;
  let choice: WeightChoice | undefined;
  if (cfg.weights.method === 'learned' || cfg.weights.method === 'auto') {
    const t = await trainingPatterns(ws, cfg, w, timings);
    if (cfg.weights.method === 'auto') choice = chooseWeighting(cfg, t);
    if (cfg.weights.method === 'learned' || choice?.method === 'learned') {
      if (!t)
        throw new SegmentationError(
          `learned weights: no declaration line in the training window ending ${cfg.weights.learned.horizonMonths} months before ${w.end}; use another weighting method`,
        );
      learned = fitLearned(cfg, t);
    }
  }
  const scoringCfg = effectiveConfig(cfg, choice);
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
  let configId = stored.configId;
  const result = await ws.transaction(async () => {
    if (opts.save) configId = (await setConfig(ws, cfg, opts.save.actor, opts.save.comment)).configId;
    await publishFlags(ws, cfg, inds);
    timings.flags = Math.round(performance.now() - tf);
    return timed(timings, 'score', () => scoreAndWrite(ws, scoringCfg, inds, learned, configId, computedAt));
  });
  const risky = await ws.all<{ kind: string; count: number; examples: string[] }>(
    `SELECT kind, count(*)::INTEGER AS count, list(code ORDER BY lift DESC NULLS LAST, code)[1:5] AS examples FROM seg_risky GROUP BY kind ORDER BY kind`,
  );
  const operators = Number(await ws.scalar(`SELECT count(*) FROM seg_agg`));
  timings.total = Math.round(performance.now() - t0);
  const run: Run = {
    risk: cfg.risk,
    configId,
    computedAt,
    window: w,
    lines: stats.lines,
    operators,
    baseRate: stats.baseRate,
    risky,
    indicators: inds,
    scoring: result,
    learnedWeights: learned?.weights,
    ...(choice ? { weightChoice: choice } : {}),
    notes: runNotes(cfg, inds, result, choice),
    timings,
  };
  await ws.run(
    `INSERT INTO seg_runs VALUES ($risk, $cid, $at::TIMESTAMP, $json) ON CONFLICT (risk) DO UPDATE SET
       config_id = excluded.config_id, computed_at = excluded.computed_at, run_json = excluded.run_json`,
    { risk: cfg.risk, cid: configId, at: computedAt, json: JSON.stringify(run) },
  );
  await logRun(ws, cfg.risk, configId, computedAt);
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
  // One transaction: a refused re-scoring (e.g. expert weights all 0) saves no configuration version.
  return ws.transaction(async () => {
    const stored = await setConfig(ws, mergeConfig(cur.config, patch as Record<string, unknown>), actor, comment);
    const cfg = stored.config;
    const scoringCfg = effectiveConfig(cfg, run.weightChoice);
    if (scoringCfg.weights.method === 'learned' && !run.learnedWeights)
      throw new SegmentationError("learned weights are fitted on a full run: use 'cip gri compute --weights learned'");
    const t0 = performance.now();
    const learned =
      run.learnedWeights && run.scoring.learned ? { weights: run.learnedWeights, fit: run.scoring.learned } : null;
    const computedAt = new Date().toISOString();
    const scoring = await scoreAndWrite(ws, scoringCfg, run.indicators, learned, stored.configId, computedAt);
    const choice = cfg.weights.method === 'auto' ? run.weightChoice : undefined;
    const next: Run = {
      ...run,
      configId: stored.configId,
      computedAt,
      scoring,
      weightChoice: choice,
      notes: runNotes(cfg, run.indicators, scoring, choice),
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
  });
}

/** The configuration scoring uses: auto resolved to the weighting the data chose (equal before any choice). */
export function effectiveConfig(cfg: GriConfig, choice: WeightChoice | undefined): GriConfig {
  if (cfg.weights.method !== 'auto') return cfg;
  return { ...cfg, weights: { ...cfg.weights, method: choice?.method ?? 'equal' } };
}

/**
 * A risk without a saved configuration must name findings the data hold (a compliance_risk of lines, cases or
 * audits); otherwise it is refused with the risks the workspace knows, and nothing is saved.
 */
async function assertKnownRisk(ws: Workspace, cfg: GriConfig): Promise<void> {
  if (cfg.risk === 'general' || cfg.complianceRisk === null) return;
  const known = await knownRisks(ws);
  if (known.includes(cfg.complianceRisk)) return;
  throw new SegmentationError(
    `unknown risk '${cfg.risk}'${cfg.complianceRisk !== cfg.risk ? ` (compliance risk '${cfg.complianceRisk}')` : ''}: ` +
      `known risks are ${known.join(', ')} (general, saved configurations and the compliance_risk values of lines, cases and audits)`,
  );
}

/** general, the risks with a saved configuration and every compliance_risk value in the data. */
export async function knownRisks(ws: Workspace): Promise<string[]> {
  const rows = await ws.all<{ r: string }>(
    `SELECT DISTINCT r FROM (
       SELECT compliance_risk AS r FROM declaration_lines UNION SELECT compliance_risk FROM cases
       UNION SELECT compliance_risk FROM audits UNION SELECT risk FROM seg_configs)
     WHERE r IS NOT NULL AND r <> 'general' ORDER BY r`,
  );
  return ['general', ...rows.map((x) => x.r)];
}
