// The selectivity model: factor weights fitted on history only, and the scoring of target lines as
//   score = intercept + Σ_f w_f · lift_f   (log-odds of a finding),   p = 1 / (1 + e^−score)
// Every line's score is exactly the intercept plus its factor contributions c_f = w_f · lift_f.
import type { Workspace } from '../../workspace/workspace.ts';
import type { SelectivityConfig } from './config.ts';
import { fitLogistic } from './logistic.ts';
import { buildFeatures, type FeatureStats, type Window } from './profiles.ts';

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
  const v = opts.validation;
  if (v && v.from <= opts.history.until) {
    throw new Error(`validation period must start after the training period: ${v.from} <= ${opts.history.until}`);
  }
  const stats: FeatureStats = await buildFeatures(ws, cfg, {
    history: opts.history,
    target: v ? { from: v.from, until: v.until } : undefined,
  });
  const fitWhere = v ? "role = 'target' AND y IS NOT NULL" : "role = 'hist'";
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
    // Deterministic sample of the fitting lines; only the factor lifts and outcomes come back.
    const rows = await ws.all<Record<string, number>>(
      `SELECT y, ${F.map((_, j) => `l_${j}`).join(', ')} FROM sel_feat WHERE ${fitWhere}
       ORDER BY hash(declaration_id, line_no) LIMIT $n`,
      { n: cfg.sample_lines },
    );
    if (rows.length === 0) throw new Error(`no labelled lines in the validation period ${v?.from} .. ${v?.until}`);
    const X = rows.map((r) => F.map((_, j) => Number(r[`l_${j}`])));
    const y = rows.map((r) => Number(r.y));
    const fit = fitLogistic(X, y, { l2: cfg.l2, nonNegative: cfg.non_negative });
    intercept = fit.intercept;
    w = fit.weights;
    fitLines = rows.length;
    fitFindings = y.reduce((a, b) => a + b, 0);
  }
  const weights = Object.fromEntries(F.map((f, j) => [f.id, w[j]]));
  const scoreExpr = `${intercept} + ${F.map((_, j) => `${w[j]} * l_${j}`).join(' + ')}`;
  const q = await ws.one<{ high: number; medium: number }>(
    `SELECT quantile_cont(s, 1 - $hi) AS high, quantile_cont(s, 1 - $med) AS medium
     FROM (SELECT ${scoreExpr} AS s FROM sel_feat WHERE ${fitWhere})`,
    { hi: cfg.levels.high, med: cfg.levels.medium },
  );
  return {
    history: v ? { from: opts.history.from, until: v.until } : opts.history,
    intercept,
    weights,
    fittedOn: cfg.weights === 'fixed' ? 'fixed' : v ? 'validation' : 'history-out-of-fold',
    fitLines,
    fitFindings,
    priorRate: stats.priorRate,
    thresholds: { high: Number(q?.high), medium: Number(q?.medium) },
  };
}

export interface ScoreTarget extends Window {
  /** Only lines whose outcome is not known yet (finding IS NULL). */
  unlabelledOnly?: boolean;
}

/**
 * Scores the target lines into temp table sel_scores: declaration_id, line_no, date, operator_id, y, score,
 * p, level and one contribution column c_<j> per factor (sel_feat keeps the counts and rates behind them).
 */
export async function scoreLines(
  ws: Workspace,
  cfg: SelectivityConfig,
  model: SelectivityModel,
  target: ScoreTarget,
): Promise<FeatureStats> {
  if (target.from && target.from <= model.history.until) {
    throw new Error(`scored lines must come after the model's history: ${target.from} <= ${model.history.until}`);
  }
  const stats = await buildFeatures(ws, cfg, { history: model.history, target });
  const p: Record<string, unknown> = { b: model.intercept, hi: model.thresholds.high, med: model.thresholds.medium };
  const contrib = cfg.factors.map((f, j) => {
    p[`w${j}`] = model.weights[f.id] ?? 0;
    return `$w${j} * l_${j}`;
  });
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_scores AS
SELECT lid, declaration_id, line_no, date, operator_id, y, score,
  1 / (1 + exp(-score)) AS p,
  CASE WHEN score >= $hi THEN 'high' WHEN score >= $med THEN 'medium' ELSE 'low' END AS level,
  ${cfg.factors.map((_, j) => `c_${j}`).join(', ')}
FROM (
  SELECT *, CAST($b AS DOUBLE) + ${cfg.factors.map((_, j) => `c_${j}`).join(' + ')} AS score
  FROM (SELECT *, ${contrib.map((c, j) => `${c} AS c_${j}`).join(', ')} FROM sel_feat WHERE role = 'target')
)`,
    p,
  );
  return stats;
}
