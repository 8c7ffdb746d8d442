// Must show (issue #4): on the demo workspace, whose truth is known, `cip effect` recovers the generator's
// true effect inside its 95% interval; the interval excludes 0 for a large effect and includes 0 without one.
// 120,000 lines keep generation to seconds; the coverage over more seeds and sizes is in docs/benchmarks/measure.md.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo, type DemoResult } from '../../src/demo/index.ts';
import { estimateEffect, type EffectReport } from '../../src/measure/effect/index.ts';

const root = tmpDir();
const big = join(root, 'effect-half'),
  none = join(root, 'effect-zero');
let truthBig: DemoResult, truthNone: DemoResult;

async function demo(dir: string, effect: number): Promise<DemoResult> {
  const ws = await Workspace.open(dir, { create: true });
  try {
    return await generateDemo(ws, { rows: 120_000, seed: 42, effect });
  } finally {
    ws.close();
  }
}

/** The API behind `cip effect` (the CLI adds only option parsing and rendering, tested in effect.test.ts). */
async function effect(dir: string, treatment: string): Promise<EffectReport> {
  const ws = await Workspace.open(dir);
  try {
    return await estimateEffect(ws, { treatment });
  } finally {
    ws.close();
  }
}

beforeAll(async () => {
  truthBig = await demo(big, -0.5);
  truthNone = await demo(none, 0);
});

describe('cip effect on the demo workspace', () => {
  it('recovers the true effect (−50% non-compliance) inside its interval, which excludes 0', async () => {
    const r = await effect(big, truthBig.treatment);
    const o = r.outcomes.find((x) => x.outcome === 'finding_rate')!;
    const truth = truthBig.truth.trueEffect; // line-weighted, like the estimator's default weighting
    expect(truth).toBeLessThan(-0.05);
    expect(o.ci_low).toBeLessThan(truth);
    expect(o.ci_high).toBeGreaterThan(truth);
    expect(o.ci_high).toBeLessThan(0);
    expect(r.windows.start).toBe(truthBig.treatmentStart);
    expect(r.warnings.filter((w) => /pretrend|small_groups/.test(w.key))).toEqual([]);
  });
  it('treated picked for the top past finding rates: matched controls, not the raw pool, and the design says why', async () => {
    const dir = join(root, 'effect-top');
    const ws = await Workspace.open(dir, { create: true });
    try {
      const d = await generateDemo(ws, { rows: 120_000, seed: 42, effect: -0.5, selection: 'top' });
      const r = await estimateEffect(ws, { treatment: d.treatment, reps: 300 });
      expect(r.design.name).toBe('posterior');
      expect(r.design.explanation.text).toMatch(/^Design: posterior baseline \(the default\)\./);
      expect(r.design.explanation.text).toMatch(/they look chosen for their record\.$/);
      expect(r.groups.treated_past_rate!).toBeGreaterThan(2 * r.groups.controls_past_rate!);
      // Before the start, the matched controls (reweighted to the treated) track the treated within 8 points,
      // whereas the eligible untreated as a pool sit far below them.
      for (const q of r.trends.filter((t) => t.phase === 'pre'))
        expect(Math.abs(q.treated_rate! - q.control_rate!), q.quarter).toBeLessThan(0.08);
      const fr = r.outcomes[0];
      const truth = d.truth.trueEffect / d.truth.counterfactualFindingRate;
      expect(fr.rel_ci_low!).toBeLessThan(truth);
      expect(fr.rel_ci_high!).toBeGreaterThan(truth);
    } finally {
      ws.close();
    }
  });
  it('includes 0 when the generator has no effect', async () => {
    expect(truthNone.truth.trueEffect).toBe(0);
    const o = (await effect(none, truthNone.treatment)).outcomes[0];
    expect(o.ci_low).toBeLessThan(0);
    expect(o.ci_high).toBeGreaterThan(0);
  });
});
