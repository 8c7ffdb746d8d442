// L2-regularised logistic regression for the few factor weights of the selectivity score (Newton's
// method; optional non-negative weights by an active set). Small and dense: rows × (≤ 60) features.

export interface LogisticFit {
  intercept: number;
  weights: number[];
  iterations: number;
}

export interface LogisticOptions {
  l2: number;
  nonNegative: boolean;
  maxIter?: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A x = b (A symmetric positive definite) by Cholesky; small dense systems only. */
export function solveSpd(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i][j];
      for (let k = 0; k < j; k++) sum -= L[i][k] * L[j][k];
      if (i === j) L[i][i] = Math.sqrt(Math.max(sum, 1e-12));
      else L[i][j] = sum / L[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= L[i][k] * y[k];
    y[i] = sum / L[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= L[k][i] * x[k];
    x[i] = sum / L[i][i];
  }
  return x;
}

/**
 * Unconstrained fit over the given feature columns (intercept not penalised); row r counts c[r] times. The sums run
 * over the rows in order, so a row of count 1 adds exactly what it would as a single line.
 */
function newton(
  X: number[][],
  y: number[],
  c: number[],
  cols: number[],
  l2: number,
  maxIter: number,
): { b: number; w: number[]; it: number } {
  const m = cols.length;
  const total = c.reduce((a, v) => a + v, 0);
  const mean = y.reduce((a, v, r) => a + c[r] * v, 0) / total;
  let b = Math.log(Math.max(mean, 1e-9) / Math.max(1 - mean, 1e-9));
  let w = new Array<number>(m).fill(0);
  const row = new Float64Array(m + 1);
  row[0] = 1;
  let it = 0;
  for (; it < maxIter; it++) {
    const g = new Array<number>(m + 1).fill(0);
    const H = Array.from({ length: m + 1 }, () => new Float64Array(m + 1));
    for (let r = 0; r < X.length; r++) {
      const x = X[r];
      let z = b;
      for (let j = 0; j < m; j++) z += w[j] * x[cols[j]];
      const pr = sigmoid(z);
      const e = c[r] * (pr - y[r]);
      const v = c[r] * (pr * (1 - pr));
      for (let j = 0; j < m; j++) row[j + 1] = x[cols[j]];
      for (let i = 0; i <= m; i++) {
        g[i] += e * row[i];
        const vi = v * row[i];
        const Hi = H[i];
        for (let j = 0; j <= i; j++) Hi[j] += vi * row[j];
      }
    }
    for (let i = 0; i <= m; i++) for (let j = 0; j < i; j++) H[j][i] = H[i][j];
    for (let j = 1; j <= m; j++) {
      g[j] += l2 * w[j - 1];
      H[j][j] += l2;
    }
    H[0][0] += 1e-9;
    const step = solveSpd(
      H.map((h) => Array.from(h)),
      g,
    );
    b -= step[0];
    w = w.map((wj, j) => wj - step[j + 1]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) {
      it++;
      break;
    }
  }
  return { b, w, it };
}

/**
 * Fits score = intercept + Σ w_j x_j to 0/1 outcomes; `counts` gives how many lines each row stands for (default 1:
 * identical rows collapsed with their count give the same fit). With nonNegative, features whose weight would be
 * negative are dropped (weight 0) one by one.
 */
export function fitLogistic(X: number[][], y: number[], opts: LogisticOptions, counts?: number[]): LogisticFit {
  if (X.length !== y.length) throw new Error(`fitLogistic: ${X.length} rows but ${y.length} outcomes`);
  const c = counts ?? X.map(() => 1);
  if (c.length !== X.length) throw new Error(`fitLogistic: ${X.length} rows but ${c.length} counts`);
  const p = X[0]?.length ?? 0;
  const maxIter = opts.maxIter ?? 50;
  let active = Array.from({ length: p }, (_, j) => j).filter((j) => X.some((r) => r[j] !== 0));
  let iterations = 0;
  for (;;) {
    const r = newton(X, y, c, active, opts.l2, maxIter);
    iterations += r.it;
    let worst = -1;
    if (opts.nonNegative) {
      let min = 0;
      r.w.forEach((wj, j) => {
        if (wj < min) {
          min = wj;
          worst = j;
        }
      });
    }
    if (worst < 0) {
      const weights = new Array<number>(p).fill(0);
      active.forEach((c, j) => (weights[c] = r.w[j]));
      return { intercept: r.b, weights, iterations };
    }
    active = active.filter((_, j) => j !== worst);
  }
}
