// Periodic variation of a KPI series.
//
// variation rate v_t = (x_t − x_{t−1}) / x_{t−1}, where t−1 is the calendar period just before t
// (not the previous row that happens to have data). v_t is null when x_{t−1} is missing (no data,
// or t is the first period) or x_{t−1} = 0, or when x_t is missing. A negative x_{t−1} divides as is.
// change c_t = x_t − x_{t−1} (absolute; for ratios this is the change in percentage points / 100),
// null when either value is missing.

export function variationRate(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  if (!Number.isFinite(current) || !Number.isFinite(previous)) return null;
  return (current - previous) / previous;
}

export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null) return null;
  return current - previous;
}

export interface SeriesPoint {
  period: string; // period start, YYYY-MM-DD
  value: number | null;
}

export interface VariedPoint extends SeriesPoint {
  variation: number | null;
  change: number | null;
}

/**
 * Lays a series on the full period spine and adds variation and change. Periods of the spine missing
 * from `points` get `emptyValue` (0 for counts and sums, null for ratios and averages).
 */
export function withVariation(spine: string[], points: SeriesPoint[], emptyValue: 0 | null): VariedPoint[] {
  const byPeriod = new Map(points.map((p) => [p.period, p.value]));
  let prev: number | null = null;
  return spine.map((period) => {
    const value = byPeriod.has(period) ? (byPeriod.get(period) ?? null) : emptyValue;
    const out = { period, value, variation: variationRate(value, prev), change: change(value, prev) };
    prev = value;
    return out;
  });
}
