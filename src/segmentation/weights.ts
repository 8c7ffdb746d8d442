// Step 4: indicator weights. Pure functions over indicator PATTERNS (distinct flag bitmasks with operator
// counts, aggregated in SQL), so weighting never rescans lines.
import { DomainError } from '../errors/index.ts';
import { fitLogistic } from './logistic.ts';

export interface Pattern {
  flags: number; // bit i = indicator i raised
  operators: number;
  noncompliant: number; // of which with irregularities in the window
  outcome?: number; // of which with a LATER finding (learned weights)
}

export const bit = (flags: number, i: number): number => Math.floor(flags / 2 ** i) % 2;

export interface Table3Row {
  code: string;
  ones: number; // A_i: number of non-compliant operators flagged by indicator i
  share: number; // A_i / ##
  significant: boolean; // share > tolerance
  weight: number; // renormalised over the significant indicators
}
export interface Table3 {
  operators: number; // size of the non-compliant subsample
  total: number; // ## = Σ A_i
  tolerance: number;
  rows: Table3Row[];
}

/** (1) Equal: 1/n over the available indicators. */
export function equalWeights(codes: string[], available: boolean[]): number[] {
  const n = available.filter(Boolean).length;
  return codes.map((_, i) => (available[i] && n > 0 ? 1 / n : 0));
}

/** (2) Expert: the given weights of available indicators, normalised to sum to 1. Missing = 0. */
export function expertWeights(codes: string[], available: boolean[], given: Record<string, number>): number[] {
  const raw = codes.map((c, i) => (available[i] ? (given[c] ?? 0) : 0));
  const sum = raw.reduce((a, b) => a + b, 0);
  if (sum <= 0)
    throw new DomainError(
      `expert weights: give a positive weight to at least one available indicator (${codes.filter((_, i) => available[i]).join(', ')})`,
    );
  return raw.map((w) => w / sum);
}

/**
 * (3) Frequency of inconsistencies (note Table 3): over the non-compliant operators, A_i = number of 1s of indicator i,
 * ## = Σ A_i, share_i = A_i / ##; indicators with share_i > tolerance are kept and their weights renormalised
 * (A_i / Σ kept A_j).
 */
export function frequencyWeights(
  codes: string[],
  available: boolean[],
  patterns: Pattern[],
  tolerance: number,
): { weights: number[]; table3: Table3 } {
  const ones = codes.map(() => 0);
  let operators = 0;
  for (const p of patterns) {
    if (p.noncompliant === 0) continue;
    operators += p.noncompliant;
    for (let i = 0; i < codes.length; i++) if (available[i] && bit(p.flags, i)) ones[i] += p.noncompliant;
  }
  const total = ones.reduce((a, b) => a + b, 0);
  const share = ones.map((a) => (total > 0 ? a / total : 0));
  const significant = share.map((s, i) => available[i] && s > tolerance);
  const keptTotal = ones.reduce((a, b, i) => a + (significant[i] ? b : 0), 0);
  const weights = ones.map((a, i) => (significant[i] && keptTotal > 0 ? a / keptTotal : 0));
  return {
    weights,
    table3: {
      operators,
      total,
      tolerance,
      rows: codes.map((code, i) => ({
        code,
        ones: ones[i],
        share: share[i],
        significant: significant[i],
        weight: weights[i],
      })),
    },
  };
}

export interface LearnedFit {
  method: string;
  lambda: number;
  operators: number;
  positives: number;
  intercept: { coef: number; se: number };
  coefficients: { code: string; coef: number; se: number; z: number }[];
}

/**
 * (4) Software-derived: L2-regularised logistic regression of a LATER finding on the binary indicators,
 * fitted on the pattern counts; weight_i = max(β_i, 0) / Σ max(β_j, 0) (an indicator that lowers the odds gets 0).
 */
export function learnedWeights(
  codes: string[],
  available: boolean[],
  patterns: Pattern[],
  lambda: number,
): { weights: number[]; fit: LearnedFit } {
  const cols = codes.map((_, i) => i).filter((i) => available[i]);
  const rows = patterns.map((p) => ({ x: cols.map((i) => bit(p.flags, i)), n: p.operators, y: p.outcome ?? 0 }));
  const f = fitLogistic(rows, lambda);
  const beta = codes.map(() => 0);
  const se = codes.map(() => NaN);
  cols.forEach((i, k) => {
    beta[i] = f.coef[k + 1];
    se[i] = f.se[k + 1];
  });
  const pos = beta.map((b) => Math.max(b, 0));
  const sum = pos.reduce((a, b) => a + b, 0);
  if (sum <= 0)
    throw new DomainError(
      'learned weights: no indicator raises the odds of a later finding; use another weighting method',
    );
  return {
    weights: pos.map((b) => b / sum),
    fit: {
      method: 'L2-regularised logistic regression (Newton-Raphson), SE from the inverse penalised Hessian',
      lambda,
      operators: rows.reduce((a, r) => a + r.n, 0),
      positives: rows.reduce((a, r) => a + r.y, 0),
      intercept: { coef: f.coef[0], se: f.se[0] },
      coefficients: codes.map((code, i) => ({ code, coef: beta[i], se: se[i], z: beta[i] / se[i] })),
    },
  };
}

/** Step 5: GRI = Σ P_i R_i for one flag pattern (summed in bit order, as the SQL does). */
export function gri(flags: number, weights: number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) if (bit(flags, i)) s += weights[i];
  return s;
}
