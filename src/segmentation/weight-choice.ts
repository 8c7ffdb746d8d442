// The default weighting, chosen from the data (weights.method: auto): the weighting whose GRI, computed on a
// training window, best ranks operators by a finding in the held-out period after it. Each candidate is judged by
// 5-fold cross-validation over operators (weights fitted on four folds' operators, AUC on the fifth), so learned
// weights are never judged on the operators they were fitted to. Pure functions over flag patterns.
import { equalWeights, frequencyWeights, gri, learnedWeights, type Pattern } from './weights.ts';

export const CHOICE_METHODS = ['equal', 'frequency', 'learned'] as const;
export type ChoiceMethod = (typeof CHOICE_METHODS)[number];
export const FOLDS = 5;

/** A training-window flag pattern of one fold of operators, with their later outcome. */
export interface FoldPattern extends Pattern {
  fold: number;
  outcome: number;
}

export interface WeightChoice {
  method: ChoiceMethod;
  /** Why: judged on the held-out period, or the fallback when it could not be. */
  basis: 'held_out' | 'no_outcomes' | 'no_history';
  heldOut: { trainEnd: string; end: string; operators: number; positives: number } | null;
  /** Mean cross-validated AUC of each candidate (null when it could not be fitted). */
  candidates: { method: ChoiceMethod; auc: number | null }[];
}

/** AUC of the score gri(flags, weights) against the outcome, ties counted half, over operator counts. */
export function patternAuc(patterns: { flags: number; operators: number; outcome?: number }[], weights: number[]) {
  const byScore = new Map<number, { pos: number; neg: number }>();
  let P = 0;
  let N = 0;
  for (const p of patterns) {
    const s = gri(p.flags, weights);
    const pos = p.outcome ?? 0;
    const neg = p.operators - pos;
    const cell = byScore.get(s) ?? { pos: 0, neg: 0 };
    cell.pos += pos;
    cell.neg += neg;
    byScore.set(s, cell);
    P += pos;
    N += neg;
  }
  if (P === 0 || N === 0) return null;
  let negBelow = 0;
  let sum = 0;
  for (const [, c] of [...byScore.entries()].sort((a, b) => a[0] - b[0])) {
    sum += c.pos * (negBelow + c.neg / 2);
    negBelow += c.neg;
  }
  return sum / (P * N);
}

/** Patterns summed over folds (all operators, or all but one fold). */
export function mergeFolds(patterns: FoldPattern[], keep: (fold: number) => boolean = () => true): Pattern[] {
  const m = new Map<number, Pattern>();
  for (const p of patterns) {
    if (!keep(p.fold)) continue;
    const q = m.get(p.flags) ?? { flags: p.flags, operators: 0, noncompliant: 0, outcome: 0 };
    q.operators += p.operators;
    q.noncompliant += p.noncompliant;
    q.outcome = (q.outcome ?? 0) + p.outcome;
    m.set(p.flags, q);
  }
  return [...m.values()].sort((a, b) => a.flags - b.flags);
}

/** Weights of a candidate fitted on training patterns; indicators that flag no training operator weigh nothing. */
export function candidateWeights(
  method: ChoiceMethod,
  codes: string[],
  available: boolean[],
  train: Pattern[],
  tolerance: number,
  lambda: number,
): number[] | null {
  const raised = codes.map((_, i) => train.some((p) => p.operators > 0 && Math.floor(p.flags / 2 ** i) % 2 === 1));
  const avail = available.map((a, i) => a && raised[i]);
  switch (method) {
    case 'equal':
      return equalWeights(codes, avail);
    case 'frequency': {
      const w = frequencyWeights(codes, avail, train, tolerance).weights;
      return w.some((x) => x > 0) ? w : null;
    }
    case 'learned':
      try {
        return learnedWeights(codes, avail, train, lambda).weights;
      } catch {
        return null; // no indicator raises the odds of a later finding
      }
  }
}

/** Mean cross-validated AUC of each candidate on the held-out period. */
export function crossValidate(
  codes: string[],
  available: boolean[],
  patterns: FoldPattern[],
  tolerance: number,
  lambda: number,
): WeightChoice['candidates'] {
  return CHOICE_METHODS.map((method) => {
    const aucs: number[] = [];
    for (let k = 0; k < FOLDS; k++) {
      const w = candidateWeights(
        method,
        codes,
        available,
        mergeFolds(patterns, (f) => f !== k),
        tolerance,
        lambda,
      );
      if (!w) continue;
      const a = patternAuc(
        mergeFolds(patterns, (f) => f === k),
        w,
      );
      if (a !== null) aucs.push(a);
    }
    return { method, auc: aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null };
  });
}

/** The best candidate; on equal AUCs (to 3 decimals) the simpler one: equal, then frequency, then learned. */
export function bestCandidate(candidates: WeightChoice['candidates']): ChoiceMethod | null {
  let best: { method: ChoiceMethod; auc: number } | null = null;
  for (const c of candidates) {
    if (c.auc === null) continue;
    if (!best || Math.round(c.auc * 1000) > Math.round(best.auc * 1000)) best = { method: c.method, auc: c.auc };
  }
  return best?.method ?? null;
}
