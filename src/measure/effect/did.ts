// Difference-in-differences with coarsened exact matching, and its bootstrap over operators.
// Pure functions over small per-operator summaries (the heavy aggregation happens in SQL, data.ts).
//
// Each operator i has a stratum s(i) (size × risk level × pre-rate band), a weight w_i (1, or its
// inspected lines) and an outcome before (y0) and after (y1) the treatment start. For treated i with at
// least one control in its stratum:
//   Δ_i = y1_i − y0_i,   Δ̄_C,s = w-weighted mean of Δ over the stratum's controls,
//   ATT = Σ_i w_i (Δ_i − Δ̄_C,s(i)) / Σ_i w_i   over matched treated i.
// Controls are weighted to the treated composition, so ATT = (T_post − T_pre) − (C_post − C_pre) with
// C_pre, C_post the stratum-weighted control means. relative = ATT / (T_post − ATT): the change against
// the treated group's counterfactual post-period level.

export interface Unit {
  id: string;
  treated: boolean;
  stratum: string;
  y0: number;
  y1: number;
  /** Weight of the operator (default 1). */
  w?: number;
}

export interface DidEstimate {
  att: number;
  /** att / counterfactual treated post level; null when that level is 0. */
  relative: number | null;
  treated_pre: number;
  treated_post: number;
  control_pre: number;
  control_post: number;
  treated_matched: number;
  controls_matched: number;
  strata: number;
}

interface StratumSums {
  nt: number;
  wt: number;
  t0: number;
  t1: number; // t0, t1: weighted sums
  nc: number;
  wc: number;
  c0: number;
  c1: number;
}

function strataSums(units: Unit[]): Map<string, StratumSums> {
  const m = new Map<string, StratumSums>();
  for (const u of units) {
    let s = m.get(u.stratum);
    if (!s) m.set(u.stratum, (s = { nt: 0, wt: 0, t0: 0, t1: 0, nc: 0, wc: 0, c0: 0, c1: 0 }));
    add(s, u);
  }
  return m;
}

function add(s: StratumSums, u: Unit): void {
  const w = u.w ?? 1;
  if (u.treated) {
    s.nt++;
    s.wt += w;
    s.t0 += w * u.y0;
    s.t1 += w * u.y1;
  } else {
    s.nc++;
    s.wc += w;
    s.c0 += w * u.y0;
    s.c1 += w * u.y1;
  }
}

/** The matched estimate; null when no treated unit has a control in its stratum. */
export function didEstimate(units: Unit[]): DidEstimate | null {
  return fromSums(strataSums(units));
}

function fromSums(m: Map<string, StratumSums>): DidEstimate | null {
  let nt = 0,
    nc = 0,
    wt = 0,
    strata = 0,
    t0 = 0,
    t1 = 0,
    c0 = 0,
    c1 = 0;
  for (const s of m.values()) {
    if (s.nt === 0 || s.nc === 0 || s.wt === 0 || s.wc === 0) continue;
    strata++;
    nt += s.nt;
    nc += s.nc;
    wt += s.wt;
    t0 += s.t0;
    t1 += s.t1;
    // control means weighted by the stratum's treated weight
    c0 += (s.c0 / s.wc) * s.wt;
    c1 += (s.c1 / s.wc) * s.wt;
  }
  if (nt === 0) return null;
  const r = { treated_pre: t0 / wt, treated_post: t1 / wt, control_pre: c0 / wt, control_post: c1 / wt };
  const att = r.treated_post - r.treated_pre - (r.control_post - r.control_pre);
  const cf = r.treated_post - att;
  return { att, relative: cf !== 0 ? att / cf : null, ...r, treated_matched: nt, controls_matched: nc, strata };
}

/** mulberry32: a small, fast, seeded PRNG, so the bootstrap is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapResult {
  reps: number;
  seed: number;
  level: number;
  ci_low: number;
  ci_high: number;
  se: number;
  /** Interval of the relative effect (replicates with a 0 counterfactual left out). */
  rel_low: number | null;
  rel_high: number | null;
}

/**
 * Bootstrap over operators: each replicate resamples the treated and the untreated operators with
 * replacement (each group keeps its size), redoes the matching (a stratum left without controls drops
 * its treated) and recomputes the ATT. Resampling the whole matching, rather than within fixed strata,
 * keeps the uncertainty of strata with few controls. Percentile interval.
 */
export function bootstrapAtt(units: Unit[], reps: number, seed: number, level: number): BootstrapResult | null {
  const matchedStrata = new Set<string>();
  const tStrata = new Set(units.filter((u) => u.treated).map((u) => u.stratum));
  for (const u of units) if (!u.treated && tStrata.has(u.stratum)) matchedStrata.add(u.stratum);
  // Only treated with a potential match and controls in a treated stratum can ever enter an estimate.
  const t = units.filter((u) => u.treated && matchedStrata.has(u.stratum));
  const c = units.filter((u) => !u.treated && matchedStrata.has(u.stratum));
  if (t.length === 0 || c.length === 0) return null;
  const rnd = seededRandom(seed);
  const draws: number[] = [];
  const rel: number[] = [];
  for (let b = 0; b < reps; b++) {
    const m = new Map<string, StratumSums>();
    const put = (u: Unit) => {
      let s = m.get(u.stratum);
      if (!s) m.set(u.stratum, (s = { nt: 0, wt: 0, t0: 0, t1: 0, nc: 0, wc: 0, c0: 0, c1: 0 }));
      add(s, u);
    };
    for (let i = 0; i < t.length; i++) put(t[Math.floor(rnd() * t.length)]);
    for (let i = 0; i < c.length; i++) put(c[Math.floor(rnd() * c.length)]);
    const e = fromSums(m);
    if (!e) continue; // no stratum kept both groups in this replicate
    draws.push(e.att);
    if (e.relative !== null) rel.push(e.relative);
  }
  if (draws.length === 0) return null;
  draws.sort((a, b) => a - b);
  rel.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  const se = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, draws.length - 1));
  return {
    reps,
    seed,
    level,
    se,
    ci_low: quantileSorted(draws, alpha),
    ci_high: quantileSorted(draws, 1 - alpha),
    rel_low: rel.length ? quantileSorted(rel, alpha) : null,
    rel_high: rel.length ? quantileSorted(rel, 1 - alpha) : null,
  };
}

/** Linear-interpolated quantile (type 7, as R's default and DuckDB's quantile_cont) of a sorted array. */
export function quantileSorted(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Band index of a pre-period rate given ascending lower bounds. */
export function bandOf(rate: number, lowerBounds: number[]): number {
  let k = 0;
  for (let i = 0; i < lowerBounds.length; i++) if (rate >= lowerBounds[i]) k = i;
  return k;
}
