// L2-regularised logistic regression on aggregated binomial rows (a pattern x with n trials and y successes),
// by Newton-Raphson; standard errors from the inverse of the penalised Hessian. The intercept is not penalised.

export interface BinomialRow {
  x: number[];
  n: number;
  y: number;
}

export function fitLogistic(
  rows: BinomialRow[],
  lambda: number,
  maxIter = 50,
): { coef: number[]; se: number[]; iterations: number } {
  const p = (rows[0]?.x.length ?? 0) + 1;
  let beta = new Array(p).fill(0);
  const total = rows.reduce((a, r) => a + r.n, 0);
  const pos = rows.reduce((a, r) => a + r.y, 0);
  if (total === 0 || pos === 0 || pos === total)
    throw new Error(`learned weights need both operators with and without a later finding (got ${pos} of ${total})`);
  beta[0] = Math.log(pos / (total - pos));
  let H: number[][] = [];
  let it = 0;
  for (; it < maxIter; it++) {
    const g = new Array(p).fill(0);
    H = Array.from({ length: p }, () => new Array(p).fill(0));
    for (const r of rows) {
      const xi = [1, ...r.x];
      const eta = xi.reduce((a, v, k) => a + v * beta[k], 0);
      const mu = 1 / (1 + Math.exp(-eta));
      const w = r.n * mu * (1 - mu);
      for (let a = 0; a < p; a++) {
        g[a] += xi[a] * (r.y - r.n * mu);
        for (let b = 0; b < p; b++) H[a][b] += w * xi[a] * xi[b];
      }
    }
    for (let a = 1; a < p; a++) {
      g[a] -= lambda * beta[a];
      H[a][a] += lambda;
    }
    const step = solve(H, g);
    beta = beta.map((b, k) => b + step[k]);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  const inv = invert(H);
  return { coef: beta, se: inv.map((row, k) => Math.sqrt(Math.max(row[k], 0))), iterations: it + 1 };
}

/** Gaussian elimination with partial pivoting; tiny systems (one row per indicator). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    const d = M[c][c] || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / d;
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((r, i) => r[n] / (M[i][i] || 1e-12));
}

function invert(A: number[][]): number[][] {
  const n = A.length;
  return Array.from({ length: n }, (_, j) =>
    solve(
      A,
      A.map((_, i) => (i === j ? 1 : 0)),
    ),
  ).reduce<number[][]>(
    (acc, col, j) => {
      col.forEach((v, i) => (acc[i][j] = v));
      return acc;
    },
    Array.from({ length: n }, () => new Array(n).fill(0)),
  );
}
