// Treatment effect: the matched difference-in-differences on hand-made units (exact numbers), its
// bootstrap, and recovery of a known effect on a simulated workspace (tests/measure/effect-fixture.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { cip } from '../helpers/cli.ts';
import {
  bootstrapAtt,
  didEstimate,
  bandOf,
  estimateEffect,
  quantileSorted,
  seededRandom,
  type Unit,
  type EffectOptions,
} from '../../src/measure/effect/index.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import type { EffectReport } from '../../src/measure/effect/index.ts';
import { buildEffectWorkspace } from './effect-fixture.ts';

const U = (id: string, treated: boolean, stratum: string, y0: number, y1: number): Unit => ({
  id,
  treated,
  stratum,
  y0,
  y1,
});
const units: Unit[] = [
  U('t1', true, 'A', 0.2, 0.1),
  U('t2', true, 'A', 0.4, 0.2),
  U('c1', false, 'A', 0.2, 0.25),
  U('c2', false, 'A', 0.3, 0.25),
  U('t3', true, 'B', 0.1, 0.1),
  U('c3', false, 'B', 0.1, 0.2),
  U('t4', true, 'C', 0.5, 0.0), // no control in C: left out
  U('c4', false, 'D', 0.9, 0.0), // no treated in D: left out
];

describe('matched difference-in-differences', () => {
  it('weights each stratum by its treated and compares with the stratum controls', () => {
    const e = didEstimate(units)!;
    expect(e.att).toBeCloseTo(-0.4 / 3, 12);
    expect(e.treated_pre).toBeCloseTo(0.7 / 3, 12);
    expect(e.treated_post).toBeCloseTo(0.4 / 3, 12);
    expect(e.control_pre).toBeCloseTo(0.2, 12);
    expect(e.control_post).toBeCloseTo(0.7 / 3, 12);
    expect(e.relative).toBeCloseTo(-0.5, 12);
    expect([e.treated_matched, e.controls_matched, e.strata]).toEqual([3, 3, 2]);
  });
  it('uses operator weights when given', () => {
    const w = units.map((u) => ({ ...u, w: u.id === 't2' ? 3 : 1 }));
    // stratum A treated: (−0.1·1 − 0.2·3)/4 = −0.175 with weight 4; B: −0.1 with weight 1
    expect(didEstimate(w)!.att).toBeCloseTo((4 * -0.175 + 1 * -0.1) / 5, 12);
  });
  it('is null when no stratum holds both groups', () => {
    expect(didEstimate([U('t', true, 'A', 0, 1), U('c', false, 'B', 0, 1)])).toBeNull();
  });
  it('bootstrap is reproducible with a seed and brackets the estimate', () => {
    const a = bootstrapAtt(units, 500, 7, 0.95)!;
    const b = bootstrapAtt(units, 500, 7, 0.95)!;
    expect(a).toEqual(b);
    expect(a.ci_low).toBeLessThanOrEqual(-0.4 / 3);
    expect(a.ci_high).toBeGreaterThanOrEqual(-0.4 / 3);
    expect(bootstrapAtt(units, 500, 8, 0.95)).not.toEqual(a);
  });
  it('bootstrap interval collapses when every operator of a group changes alike', () => {
    const same = [
      U('t1', true, 'A', 0.3, 0.1),
      U('t2', true, 'A', 0.2, 0.0),
      U('c1', false, 'A', 0.3, 0.3),
      U('c2', false, 'A', 0.1, 0.1),
    ];
    const b = bootstrapAtt(same, 200, 1, 0.95)!;
    expect(b.ci_low).toBeCloseTo(-0.2, 12);
    expect(b.ci_high).toBeCloseTo(-0.2, 12);
  });
  it('helpers: bands, type-7 quantiles, seeded uniform draws', () => {
    expect([0, 0.019, 0.02, 0.07, 0.9].map((r) => bandOf(r, [0, 0.02, 0.05, 0.1]))).toEqual([0, 0, 1, 2, 3]);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    const r = seededRandom(42);
    const xs = Array.from({ length: 10000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});

async function effect(dir: string, o: Omit<EffectOptions, 'treatment'> = {}): Promise<EffectReport> {
  const ws = await Workspace.open(dir);
  try {
    return await estimateEffect(ws, { treatment: 'visit', reps: 300, preRate: 'split', ...o });
  } finally {
    ws.close();
  }
}

// The simulation assigns the treatment on latent risk, so matching uses the split pre-period rate.
describe('effect on simulated workspaces with a known effect', () => {
  const root = tmpDir();
  const big = join(root, 'big'),
    none = join(root, 'none'),
    trend = join(root, 'trend'),
    small = join(root, 'small');
  beforeAll(async () => {
    await buildEffectWorkspace(big, { operators: 400, linesPerMonth: 5, effect: -0.08 });
    await buildEffectWorkspace(none, { operators: 400, linesPerMonth: 5, effect: 0 });
    await buildEffectWorkspace(trend, { operators: 400, linesPerMonth: 5, effect: 0, preTrend: 0.08 });
    await buildEffectWorkspace(small, { operators: 40, linesPerMonth: 5, effect: -0.08 });
  });

  it('recovers a −8 pp effect inside its 95% interval, which excludes 0', async () => {
    const r = await effect(big);
    const o = r.outcomes.find((x) => x.outcome === 'finding_rate')!;
    expect(o.ci_low).toBeLessThan(-0.08);
    expect(o.ci_high).toBeGreaterThan(-0.08);
    expect(o.ci_high).toBeLessThan(0);
    expect(r.groups.treated_matched).toBeGreaterThan(100);
    expect(r.trends.filter((t) => t.phase === 'pre')).toHaveLength(4);
    expect(r.warnings.filter((w) => /pretrend|small_groups/.test(w.key))).toEqual([]);
  });
  it('includes 0 when there is no effect', async () => {
    const o = (await effect(none)).outcomes[0];
    expect(o.ci_low).toBeLessThan(0);
    expect(o.ci_high).toBeGreaterThan(0);
  });
  it('warns when the treated already diverged before the start', async () => {
    const r = await effect(trend);
    expect(r.placebo!.ci_low).toBeGreaterThan(0);
    expect(r.warnings.some((w) => w.text.startsWith('pre-treatment trends diverge'))).toBe(true);
  });
  it('warns when groups are too small; same seed, same interval', async () => {
    const a = await effect(small, { seed: 3 });
    expect(a.warnings.some((w) => w.text.startsWith('groups too small'))).toBe(true);
    expect((await effect(small, { seed: 3 })).outcomes).toEqual(a.outcomes);
  });
  it('uses the GRI risk levels only when the GRI window ended before the start', async () => {
    const ws = await Workspace.open(small);
    const run = (end: string) =>
      ws.run(`INSERT OR REPLACE INTO seg_runs VALUES ('general', 'c1', now(), $j)`, {
        j: JSON.stringify({ window: { end } }),
      });
    try {
      await ws.run(
        `INSERT INTO operator_segments SELECT operator_id, 'medium', 1, 1, 0.5, 'high', 'c1', now() FROM (SELECT DISTINCT operator_id FROM declaration_lines)`,
      );
      await run('2022-12-31');
      const before = await estimateEffect(ws, { treatment: 'visit', reps: 100 });
      expect(before.matching.segmentation).toBe(
        'size segment and risk level of the latest GRI run (window ending 2022-12-31, before the start)',
      );
      await run('2023-06-30');
      const after = await estimateEffect(ws, { treatment: 'visit', reps: 100 });
      expect(after.matching.segmentation).toBe('pre-treatment: value and offences in [2021-01-01, 2023-01-01)');
    } finally {
      await ws.run(`DELETE FROM operator_segments`);
      await ws.run(`DELETE FROM seg_runs`);
      ws.close();
    }
  });
  it('names the treatments there when the one asked for is unknown', () => {
    const bad = cip(['effect', '-w', small, '--treatment', 'audit']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "error: treatment 'audit' not found in treatments_applied; treatments there: 'visit' (",
    );
  });
});
