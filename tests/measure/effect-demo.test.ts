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
  it('includes 0 when the generator has no effect', async () => {
    expect(truthNone.truth.trueEffect).toBe(0);
    const o = (await effect(none, truthNone.treatment)).outcomes[0];
    expect(o.ci_low).toBeLessThan(0);
    expect(o.ci_high).toBeGreaterThan(0);
  });
});
