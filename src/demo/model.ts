// The demo generator's statistical model: deterministic pseudo-random numbers and the one formula for the
// probability that a declaration line is non-compliant. Both the line generator (lines.ts) and the truth
// computation (truth.ts) build their SQL from these functions, so the truth is exactly what generated the data.

/** 2^-64: maps a UBIGINT hash to [0, 1). */
const INV_2_64 = '5.421010862427522e-20';
/** 2^-32: maps one half of a hash to [0, 1). */
const INV_2_32 = '2.3283064365386963e-10';

/**
 * A uniform number in [0, 1) drawn from hash(key, stream, seed). `key` is an SQL expression (a line, declaration
 * or operator index), `stream` a distinct integer per use, so draws are independent and reproducible.
 * `$seed` must be bound by the statement.
 */
export function u(key: string, stream: number): string {
  return `(hash((${key})::BIGINT, ${stream}::INTEGER, $seed::BIGINT)::DOUBLE * ${INV_2_64})`;
}

/** The hash itself, to be split into two uniforms with hi()/lo() (halves the hashing cost). */
export function h(key: string, stream: number): string {
  return `hash((${key})::BIGINT, ${stream}::INTEGER, $seed::BIGINT)`;
}
export const hi = (hashCol: string): string => `((${hashCol} >> 32)::DOUBLE * ${INV_2_32})`;
export const lo = (hashCol: string): string => `((${hashCol} & 4294967295::UBIGINT)::DOUBLE * ${INV_2_32})`;

/** A standard normal from two independent uniforms (Box–Muller). */
export function normal(u1: string, u2: string): string {
  return `(sqrt(-2.0 * ln(${u1} + 1e-12::DOUBLE)) * cos(6.283185307179586::DOUBLE * ${u2}))`;
}

/**
 * A cheap bell-shaped draw with mean 0 and variance 1 from one uniform: the logistic distribution
 * (slightly heavier tails than the normal, which suits values and durations). Used per line, where speed counts.
 */
export function bell(u1: string): string {
  return `(0.5513288954217921 * ln((${u1} + 1e-9::DOUBLE) / (1.0 - ${u1} + 1e-9::DOUBLE)))`;
}

export const sigmoid = (x: string): string => `(1.0 / (1.0 + exp(-(${x}))))`;

/** Inputs of the non-compliance probability of one declaration line, as SQL expressions. */
export interface NcInputs {
  /** the operator's latent propensity (demo_truth_operators.propensity) */
  propensity: string;
  /** sensitivity multiplier of the line's HS heading (demo_truth_hs_codes.sensitivity) */
  sensitivity: string;
  /** risk multiplier of the origin country (demo_truth_countries.risk) */
  countryRisk: string;
  /** risk multiplier of the declarant (demo_truth_brokers.risk; 1 for self-filed declarations) */
  brokerRisk: string;
  /** the operator is an Authorised Economic Operator */
  aeo: string;
}

/** Cap of the non-compliance probability of a line. */
export const P_NC_CAP = 0.9;
/** AEO operators' non-compliance probability is multiplied by this. */
export const AEO_FACTOR = 0.6;

/**
 * Counterfactual (untreated) probability that a line is non-compliant. Constant over time for a given
 * operator, HS heading, origin and declarant: the generator has no time trend, so treated and comparable
 * untreated operators follow parallel paths and a difference-in-differences recovers the effect.
 */
export function pNonCompliant0(x: NcInputs): string {
  return (
    `least(${P_NC_CAP}, ${x.propensity} * ${x.sensitivity} * ${x.countryRisk} * ${x.brokerRisk}` +
    ` * CASE WHEN ${x.aeo} THEN ${AEO_FACTOR} ELSE 1.0 END)`
  );
}

/** Probability under treatment: the counterfactual times (1 + effect), effect ∈ [-1, 1]; capped at 0.95. */
export function pNonCompliantTreated(p0: string, effect: string): string {
  return `least(0.95, ${p0} * (1.0 + ${effect}))`;
}

/** Probability that an inspection of the given channel detects a non-compliant line. */
export function detection(channel: string): string {
  return `CASE ${channel} WHEN 'red' THEN 0.9 WHEN 'yellow' THEN 0.6 ELSE 0.0 END`;
}

/** Calendar, as day offsets from 2023-01-01 (a Sunday). */
export const CALENDAR_START = '2023-01-01';
export const CALENDAR_DAYS = 1096; // 2023-01-01 .. 2025-12-31
export const TREATMENT_START_DAY = 731; // 2025-01-01
/** Annual growth of the number of lines (trade grows over the three years). */
export const ANNUAL_GROWTH = 0.06;

/**
 * Operators are ranked by size: operator k of n gets lines with density ∝ (x + X0)^-1.5 at x = k/n,
 * a truncated Pareto with few large traders holding most lines (and, with larger consignments, most value).
 */
export const X0 = 0.02;

/** Operators per line and bounds of the population sizes, from the number of lines. */
export function populationSizes(rows: number): { operators: number; brokers: number; riskySuppliers: number } {
  const operators = Math.max(60, Math.round(rows / 60));
  return {
    operators,
    brokers: Math.min(3000, Math.max(14, Math.round(operators / 40))),
    riskySuppliers: Math.max(5, Math.round(operators / 80)),
  };
}

/** SQL of the size-ranked position drawn by a uniform `uExpr`, in [0, n). */
export function sizeRankDraw(uExpr: string, n: string): string {
  const a = X0 ** -0.5;
  const b = (1 + X0) ** -0.5;
  const v = `(${a} - ${uExpr} * ${a - b})`;
  return `least(${n} - 1, floor(${n} * greatest(0.0, 1.0 / (${v} * ${v}) - ${X0})))::INTEGER`;
}
