// Step 6: risk bars (manual, quantiles of the GRI distribution, or mean + k·sd) and the level of a GRI.
// Computed from the distribution of GRI values with their operator counts (one entry per flag pattern).
import type { GriConfig } from './config.ts';

export type RiskLevel = 'high' | 'medium' | 'low';
export interface Bars {
  medium: number;
  high: number;
}
export interface GriMass {
  gri: number;
  operators: number;
}

/** An operator is high when GRI ≥ high bar, medium when ≥ medium bar, else low; a GRI of 0 is always low. */
export function levelOf(g: number, bars: Bars): RiskLevel {
  if (g <= 0) return 'low';
  if (g >= bars.high) return 'high';
  if (g >= bars.medium) return 'medium';
  return 'low';
}

/**
 * Quantile bar: the smallest GRI value g such that the share of operators with GRI < g is at least q, so that at
 * most (1 − q) of operators are at or above it (GRI values are discrete; ties are never split). Infinity if none.
 */
export function quantileBar(dist: GriMass[], q: number): number {
  const sorted = [...dist].sort((a, b) => a.gri - b.gri);
  const total = sorted.reduce((a, d) => a + d.operators, 0);
  let below = 0;
  for (const d of sorted) {
    if (total > 0 && below / total >= q) return d.gri;
    below += d.operators;
  }
  return Infinity;
}

export function meanSd(dist: GriMass[]): { mean: number; sd: number } {
  const n = dist.reduce((a, d) => a + d.operators, 0);
  if (n === 0) return { mean: 0, sd: 0 };
  const mean = dist.reduce((a, d) => a + d.gri * d.operators, 0) / n;
  const v = n > 1 ? dist.reduce((a, d) => a + d.operators * (d.gri - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, sd: Math.sqrt(v) };
}

export function computeBars(levels: GriConfig['levels'], dist: GriMass[]): Bars {
  switch (levels.method) {
    case 'manual':
      return { ...levels.manual };
    case 'quantile':
      return { medium: quantileBar(dist, levels.quantile.medium), high: quantileBar(dist, levels.quantile.high) };
    case 'meanSd': {
      const { mean, sd } = meanSd(dist);
      return { medium: mean + levels.meanSd.medium * sd, high: mean + levels.meanSd.high * sd };
    }
  }
}

export interface Histogram {
  bins: { from: number; to: number; operators: number }[];
  bars: Bars;
  mean: number;
  sd: number;
}

/** Histogram data of the GRI distribution with the bars, for the chart with threshold handles. */
export function histogram(dist: GriMass[], bars: Bars, nBins = 20): Histogram {
  const max = Math.max(1, ...dist.map((d) => d.gri));
  const width = max / nBins;
  const bins = Array.from({ length: nBins }, (_, k) => ({ from: k * width, to: (k + 1) * width, operators: 0 }));
  for (const d of dist) bins[Math.min(nBins - 1, Math.floor(d.gri / width))].operators += d.operators;
  return { bins, bars, ...meanSd(dist) };
}
