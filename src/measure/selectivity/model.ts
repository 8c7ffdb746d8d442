// The selectivity model: factor weights fitted on history only, and the scoring of target lines as
//   score = intercept + Σ_f w_f · lift_f   (log-odds of a finding),   p = 1 / (1 + e^−score)
// Every line's score is exactly the intercept plus its factor contributions c_f = w_f · lift_f.
import type { Workspace } from '../../workspace/workspace.ts';
import type { SelectivityConfig } from './config.ts';
import { fitLogistic } from './logistic.ts';
import { bindSpec, buildFeatures, setTarget, type FeatureStats, type Window } from './profiles.ts';
import { fitPatternsSql, modelTableSql, scoresViewSql, targetViewSql, thresholdsSql } from './sql.ts';

export interface SelectivityModel {
  /** Profiles of scored lines are learned from labelled lines in this window. */
  history: Window & { until: string };
  intercept: number;
  /** Weight per factor id. */
  weights: Record<string, number>;
  /** How the weights were set: out-of-fold history lines, a validation period, or fixed at 1. */
  fittedOn: 'history-out-of-fold' | 'validation' | 'fixed';
  fitLines: number;
  fitFindings: number;
  priorRate: number;
  /** Score thresholds of the risk levels (shares of the fitting lines, config.levels). */
  thresholds: { high: number; medium: number };
}

export interface FitOptions {
  /** Labelled lines dated in this window train the profiles and, without validation, the weights. */
  history: Window & { until: string };
  /** When given, weights are fitted on this later labelled period scored with history-only profiles, and the
   *  model then scores with profiles from history + validation (both before any scored period). */
  validation?: { from: string; until: string };
}

export async function fitModel(ws: Workspace, cfg: SelectivityConfig, opts: FitOptions): Promise<SelectivityModel> {
  return (await fitModelKeeping(ws, cfg, opts)).model;
}

/**
 * fitModel, also returning the counts of the profiles it built: scoreLines(…, kept) then scores other lines with
 * the same profiles without building them again (only when the model's history is the one fitted on).
 */
export async function fitModelKeeping(
  ws: Workspace,
  cfg: SelectivityConfig,
  opts: FitOptions,
): Promise<{ model: SelectivityModel; kept?: FeatureStats }> {
  const v = opts.validation;
  if (v && v.from <= opts.history.until) {
    throw new Error(`validation period must start after the training period: ${v.from} <= ${opts.history.until}`);
  }
  const stats: FeatureStats = await buildFeatures(ws, cfg, {
    history: opts.history,
    target: v ? { from: v.from, until: v.until } : undefined,
  });
  const F = cfg.factors;
  let intercept: number;
  let w: number[];
  let fitLines: number;
  let fitFindings: number;
  if (cfg.weights === 'fixed') {
    intercept = Math.log(stats.priorRate / (1 - stats.priorRate));
    w = F.map(() => 1);
    fitLines = stats.historyLines;
    fitFindings = stats.historyFindings;
  } else {
    // Deterministic sample of the fitting lines, as patterns with their counts: only lifts, outcomes and counts
    // come back, never more rows than sample_lines.
    const sql = fitPatternsSql(cfg, !!v);
    const rows = await ws.all<Record<string, number>>(sql, await bindSpec(ws, sql, { n: cfg.sample_lines }));
    if (rows.length === 0) throw new Error(`no labelled lines in the validation period ${v?.from} .. ${v?.until}`);
    const X = rows.map((r) => F.map((_, j) => Number(r[`l_${j}`])));
    const y = rows.map((r) => Number(r.y));
    const c = rows.map((r) => Number(r.c));
    const fit = fitLogistic(X, y, { l2: cfg.l2, nonNegative: cfg.non_negative }, c);
    intercept = fit.intercept;
    w = fit.weights;
    fitLines = c.reduce((a, b) => a + b, 0);
    fitFindings = y.reduce((a, b, r) => a + b * c[r], 0);
  }
  const weights = Object.fromEntries(F.map((f, j) => [f.id, w[j]]));
  const qSql = thresholdsSql(cfg, !!v, intercept, w);
  const q = await ws.one<{ high: number; medium: number }>(
    qSql,
    await bindSpec(ws, qSql, { hi: cfg.levels.high, med: cfg.levels.medium }),
  );
  const model: SelectivityModel = {
    history: v ? { from: opts.history.from, until: v.until } : opts.history,
    intercept,
    weights,
    fittedOn: cfg.weights === 'fixed' ? 'fixed' : v ? 'validation' : 'history-out-of-fold',
    fitLines,
    fitFindings,
    priorRate: stats.priorRate,
    thresholds: { high: Number(q?.high), medium: Number(q?.medium) },
  };
  return { model, kept: v ? undefined : stats };
}

export interface ScoreTarget extends Window {
  /** Only lines whose outcome is not known yet (finding IS NULL). */
  unlabelledOnly?: boolean;
}

/**
 * Scores the target lines: views sel_target (features, contributions c_<j>, score, p, level) and sel_scores
 * (declaration_id, line_no, date, operator_id, y, score, p, level, c_<j>), computed from the profiles when read.
 * `kept`: the profiles of the model's history are those the last fitModelKeeping built; only the target changes.
 */
export async function scoreLines(
  ws: Workspace,
  cfg: SelectivityConfig,
  model: SelectivityModel,
  target: ScoreTarget,
  kept?: FeatureStats,
): Promise<FeatureStats> {
  if (target.from && target.from <= model.history.until) {
    throw new Error(`scored lines must come after the model's history: ${target.from} <= ${model.history.until}`);
  }
  const stats = kept
    ? { ...kept, targetLines: await setTarget(ws, target) }
    : await buildFeatures(ws, cfg, { history: model.history, target });
  const p: Record<string, unknown> = { b: model.intercept, hi: model.thresholds.high, med: model.thresholds.medium };
  cfg.factors.forEach((f, j) => (p[`w${j}`] = model.weights[f.id] ?? 0));
  await ws.run(modelTableSql(cfg), p);
  await ws.run(targetViewSql(cfg));
  await ws.run(scoresViewSql(cfg));
  return stats;
}
