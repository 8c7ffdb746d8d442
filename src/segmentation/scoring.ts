// Steps 4–6 without touching the lines: weights from the flag patterns, GRI per pattern, bars, levels, and the
// result tables (operator_segments for the general GRI, operator_risk_segments for risk-specific ones).
import { DomainError } from '../errors/index.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { GriConfig } from './config.ts';
import type { ActiveIndicator } from './indicators.ts';
import { operatorTable } from './evidence.ts';
import { computeBars, histogram, levelOf, type Bars, type Histogram, type RiskLevel } from './levels.ts';
import {
  equalWeights,
  expertWeights,
  frequencyWeights,
  gri,
  type LearnedFit,
  type Pattern,
  type Table3,
} from './weights.ts';

export interface Scoring {
  method: GriConfig['weights']['method'];
  weights: { code: string; weight: number }[];
  table3: Table3 | null;
  learned: LearnedFit | null;
  bars: Bars;
  levels: Record<RiskLevel, number>;
  histogram: Histogram;
}

/** Operators and non-compliant operators per flag pattern, from the run's pattern cube (not the operator rows). */
export async function loadPatterns(ws: Workspace, risk: string): Promise<Pattern[]> {
  return ws.all<Pattern>(
    `SELECT flags::DOUBLE AS flags, sum(operators)::INTEGER AS operators, sum(noncompliant)::INTEGER AS noncompliant
     FROM seg_pattern_cube WHERE risk = $risk GROUP BY flags ORDER BY flags`,
    { risk },
  );
}

/** Weights for the configured method (learned weights are fitted by the pipeline and passed in). */
export function chooseWeights(
  cfg: GriConfig,
  inds: ActiveIndicator[],
  patterns: Pattern[],
  learned: { weights: number[]; fit: LearnedFit } | null,
): { weights: number[]; table3: Table3 | null } {
  const codes = inds.map((i) => i.code);
  // An indicator that lacks its data or flags no operator weighs nothing (its weight would only shift every GRI).
  const avail = inds.map((i) => i.available && (i.flagged ?? 1) > 0);
  switch (cfg.weights.method) {
    case 'equal':
      return { weights: equalWeights(codes, avail), table3: null };
    case 'expert':
      try {
        return { weights: expertWeights(codes, avail, cfg.weights.expert), table3: null };
      } catch (err) {
        throw new WeightsError((err as Error).message);
      }
    case 'frequency': {
      const f = frequencyWeights(codes, avail, patterns, cfg.weights.tolerance);
      return { weights: f.weights, table3: f.table3 };
    }
    case 'learned': {
      if (!learned)
        throw new WeightsError(
          'learned weights: no fitted model; run the full computation (cip gri compute --weights learned)',
        );
      const w = learned.weights.map((x, i) => (avail[i] ? x : 0));
      const sum = w.reduce((a, b) => a + b, 0);
      return { weights: sum > 0 ? w.map((x) => x / sum) : w, table3: null };
    }
    case 'auto':
      throw new Error('weights.method auto must be resolved to the chosen weighting before scoring');
  }
}

/** Weights that cannot be formed from the configuration (a refusal, exit 1 / HTTP 400). */
export class WeightsError extends DomainError {}

/** Scores every operator of a risk from its flags and writes the result table in one transaction. */
export async function scoreAndWrite(
  ws: Workspace,
  cfg: GriConfig,
  inds: ActiveIndicator[],
  learned: { weights: number[]; fit: LearnedFit } | null,
  configId: string,
  computedAt: string,
): Promise<Scoring> {
  const patterns = await loadPatterns(ws, cfg.risk);
  const { weights, table3 } = chooseWeights(cfg, inds, patterns, learned);
  const scored = patterns.map((p) => ({ ...p, gri: gri(p.flags, weights) }));
  const bars = computeBars(
    cfg.levels,
    scored.map((p) => ({ gri: p.gri, operators: p.operators })),
  );
  const levels: Record<RiskLevel, number> = { high: 0, medium: 0, low: 0 };
  const rows = scored.map((p) => {
    const level = levelOf(p.gri, bars);
    levels[level] += p.operators;
    return { flags: p.flags, operators: p.operators, gri: p.gri, level };
  });
  const table = cfg.risk === 'general' ? 'operator_segments' : 'operator_risk_segments';
  await ws.transaction(async () => {
    // The score of each flag pattern is kept (seg_pattern_scores): explain reads an operator's GRI, level and rank there.
    await ws.run(`DELETE FROM seg_pattern_scores WHERE risk = $risk`, { risk: cfg.risk });
    // One statement whatever the number of patterns: the columns travel as separated lists (numbers round-trip as text).
    const list = (xs: (number | string)[]) => xs.map(String).join(',');
    await ws.run(
      `INSERT INTO seg_pattern_scores
       SELECT $risk, unnest(string_split($f, ','))::UBIGINT, unnest(string_split($n, ','))::BIGINT,
              unnest(string_split($g, ','))::DOUBLE, unnest(string_split($l, ','))
       WHERE $f <> ''`,
      {
        risk: cfg.risk,
        f: list(rows.map((r) => r.flags)),
        n: list(rows.map((r) => r.operators)),
        g: list(rows.map((r) => r.gri)),
        l: list(rows.map((r) => r.level)),
      },
    );
    const riskCol = table === 'operator_segments' ? '' : '$risk, ';
    await ws.run(
      `DELETE FROM ${table}${riskCol ? ' WHERE risk = $risk' : ''}`,
      riskCol ? { risk: cfg.risk } : undefined,
    );
    await ws.run(
      `INSERT INTO ${table}
       SELECT ${riskCol}b.operator_id, b.size_segment, b.total_value, b.basis_lines, s.gri, s.risk_level, $cid, $at::TIMESTAMP
       FROM ${operatorTable(cfg.risk)} b JOIN seg_pattern_scores s ON s.risk = $risk AND s.flags = b.flags`,
      { cid: configId, at: computedAt, risk: cfg.risk },
    );
  });
  return {
    method: cfg.weights.method,
    weights: inds.map((ind, i) => ({ code: ind.code, weight: weights[i] })),
    table3,
    learned: learned?.fit ?? null,
    bars,
    levels,
    histogram: histogram(
      scored.map((p) => ({ gri: p.gri, operators: p.operators })),
      bars,
    ),
  };
}
