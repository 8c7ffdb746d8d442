// What differs between two GRI configurations, setting by setting: shown before publishing a draft and on
// a proposal awaiting approval. Indicators and custom indicators are keyed by code, so a change reads
// "indicators.XC_ISIC.enabled: true → false" rather than a position in a list.
import { builtinIndicators } from './catalogue.ts';
import type { GriConfig } from './config.ts';

export interface ConfigChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** The configuration as a flat map of leaf settings; no indicator list means every built-in, switched on. */
function flatten(c: GriConfig): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (v: unknown, path: string) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path ? `${path}.${k}` : k);
    } else out.set(path, v ?? null);
  };
  const { indicators, custom, ...rest } = c;
  walk(rest, '');
  const inds = indicators ?? builtinIndicators().map((d) => ({ code: d.code, enabled: true }));
  for (const i of inds) {
    out.set(`indicators.${i.code}.enabled`, i.enabled);
    // a threshold is one setting (null: the catalogue's default)
    out.set(`indicators.${i.code}.threshold`, ('threshold' in i ? i.threshold : null) ?? null);
  }
  for (const i of custom)
    walk({ name: i.name, expr: i.expr, format: i.format, enabled: i.enabled }, `custom.${i.code}`);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Settings of `after` that differ from `before` (absent on one side: null), in a stable order. */
export function configDiff(before: GriConfig, after: GriConfig): ConfigChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...b.keys(), ...a.keys()])];
  return paths
    .filter((p) => !same(a.get(p) ?? null, b.get(p) ?? null))
    .map((p) => ({ path: p, before: a.get(p) ?? null, after: b.get(p) ?? null }));
}

/** Sections whose change is applied by re-scoring the stored flags; anything else needs a full run. */
export const SCORING_SECTIONS = ['weights', 'levels'] as const;

export function needsFullRun(changes: ConfigChange[]): boolean {
  return changes.some(
    (c) => !SCORING_SECTIONS.some((s) => c.path.startsWith(`${s}.`)) || c.path.startsWith('weights.learned.'),
  );
}

/** The smallest patch (whole top-level sections) that turns `before` into `after` when merged (mergeConfig). */
export function sectionPatch(before: GriConfig, after: GriConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (!same((before as Record<string, unknown>)[k], v)) out[k] = v;
  }
  return out;
}
