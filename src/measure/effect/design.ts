// The units each design of `cip effect` compares (pure functions over the per-operator rows of data.ts).
//   posterior (default): baseline = the operator's expected finding rate given its whole pre-treatment record, an
//     empirical-Bayes posterior mean (beta prior fitted per size segment by the method of moments); strata on
//     size × risk level × band of that expected rate. When the treated were picked for a high recorded rate, their
//     raw past rate is high partly by luck and falls back afterwards (regression to the mean); the expected rate
//     given the same record is what an untreated operator with that record shows afterwards, so the comparison
//     with matched controls stays fair whatever the selection on the record.
//   full: baseline and band = the raw rate of the pre-period; split: band from one half of the pre-period
//     declarations, baseline from the other (data.ts BASELINE_HALF).
import type { OperatorOutcomes } from './data.ts';
import { bandOf, type Unit } from './did.ts';

export const EFFECT_DESIGNS = ['posterior', 'full', 'split'] as const;
export type EffectDesign = (typeof EFFECT_DESIGNS)[number];

/** A beta prior as mean and strength (α + β): the posterior mean of f findings in n lines is (f + mean·strength)/(n + strength). */
export interface BetaPrior {
  mean: number;
  strength: number;
}

/**
 * Method-of-moments beta prior of operators' rates from (findings, lines) pairs: mean = Σf / Σn, between-operator
 * variance τ² = (Σ n(r − mean)² − (k − 1)·mean(1 − mean)) / (Σn − Σn²/Σn); strength = mean(1 − mean)/τ² − 1.
 * No spread beyond binomial noise (τ² ≤ 0) gives full pooling (a very strong prior).
 */
export function fitBetaPrior(xs: { n: number; f: number }[]): BetaPrior {
  const ys = xs.filter((x) => x.n > 0);
  const N = ys.reduce((a, x) => a + x.n, 0);
  if (N === 0) return { mean: 0, strength: 1e6 };
  const mean = ys.reduce((a, x) => a + x.f, 0) / N;
  const s = ys.reduce((a, x) => a + x.n * (x.f / x.n - mean) ** 2, 0);
  const denom = N - ys.reduce((a, x) => a + x.n * x.n, 0) / N;
  const tau2 = denom > 0 ? (s - (ys.length - 1) * mean * (1 - mean)) / denom : 0;
  if (tau2 <= 0 || mean <= 0 || mean >= 1) return { mean, strength: 1e6 };
  return { mean, strength: Math.max(0, (mean * (1 - mean)) / tau2 - 1) };
}

export const posteriorMean = (f: number, n: number, p: BetaPrior) => (f + p.mean * p.strength) / (n + p.strength);

/** Priors per size segment (a segment with fewer than `min` operators uses the pooled prior). */
export function priorsBySize(rows: OperatorOutcomes[], min = 30): Map<string, BetaPrior> {
  const all = fitBetaPrior(rows.map((r) => ({ n: r.past_n, f: r.past_f })));
  const out = new Map<string, BetaPrior>();
  for (const size of new Set(rows.map((r) => r.size_segment))) {
    const seg = rows.filter((r) => r.size_segment === size && r.past_n > 0);
    out.set(size, seg.length >= min ? fitBetaPrior(seg.map((r) => ({ n: r.past_n, f: r.past_f }))) : all);
  }
  return out;
}

export interface DesignUnits {
  rate: Unit[];
  amount: Unit[];
  placebo: Unit[];
}

const hm = (a: number, b: number) => 2 / (1 / a + 1 / b);

/** The units of the finding rate, the amount per line and the placebo for a design. */
export function designUnits(
  rows: OperatorOutcomes[],
  design: EffectDesign,
  bands: { pre_rate: number[]; posterior: number[] },
  weighting: 'operators' | 'lines',
): DesignUnits {
  const priors = design === 'posterior' ? priorsBySize(rows) : new Map<string, BetaPrior>();
  // Amounts per line are shrunk towards the segment mean with the rate prior's strength.
  const amtMean = new Map<string, number>();
  for (const size of priors.keys()) {
    const seg = rows.filter((r) => r.size_segment === size);
    const n = seg.reduce((a, r) => a + r.past_n, 0);
    amtMean.set(size, n > 0 ? seg.reduce((a, r) => a + r.past_amt, 0) / n : 0);
  }
  const base = (r: OperatorOutcomes) => {
    if (design !== 'posterior')
      return {
        band: r.match_n > 0 ? bandOf(r.match_f / r.match_n, bands.pre_rate) : ('none' as const),
        y0: r.pre_f / r.pre_n,
        a0: r.pre_amt / r.pre_n,
        n0: r.pre_n,
      };
    const p = priors.get(r.size_segment)!;
    const b = posteriorMean(r.past_f, r.past_n, p);
    return {
      band: bandOf(b, bands.posterior),
      y0: b,
      a0: (r.past_amt + amtMean.get(r.size_segment)! * p.strength) / (r.past_n + p.strength),
      n0: r.past_n,
    };
  };
  const rate: Unit[] = [];
  const amount: Unit[] = [];
  const placebo: Unit[] = [];
  for (const r of rows) {
    const b = base(r);
    const stratum = `${r.size_segment}|${r.risk_level}|${b.band}`;
    const w = weighting === 'lines' ? hm(b.n0, r.post_n) : 1;
    rate.push({ id: r.operator_id, treated: r.treated, stratum, y0: b.y0, y1: r.post_f / r.post_n, w });
    amount.push({ id: r.operator_id, treated: r.treated, stratum, y0: b.a0, y1: r.post_amt / r.post_n, w });
    // Placebo: the change between the two halves of the pre-period, in the same strata.
    if (r.pre1_n > 0 && r.pre2_n > 0)
      placebo.push({
        id: r.operator_id,
        treated: r.treated,
        stratum,
        y0: r.pre1_f / r.pre1_n,
        y1: r.pre2_f / r.pre2_n,
        w: weighting === 'lines' ? hm(r.pre1_n, r.pre2_n) : 1,
      });
  }
  return { rate, amount, placebo };
}
