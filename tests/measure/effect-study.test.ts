// The coverage floor of `cip effect`'s default design (issue #14, item 2; the full study, 20 seeds at the demo's
// default size, is `npm run bench effect`): on demo workspaces whose treated were picked for their past record —
// at random among repeat offenders, or the top past finding rates of two directorates — the 95 % interval of the
// relative effect covers the generator's truth in at least 85 % of runs, and excludes 0 when the effect is −50 %.
import { describe, expect, it } from 'vitest';
import { coverage, effectStudy } from '../../src/demo/studies/effect.ts';

describe('effect simulation study (small)', () => {
  it('the default design covers the truth under selection on the record', async () => {
    const runs = await effectStudy({
      seeds: [1, 2],
      effects: [0, -0.5],
      rules: ['stratum', 'top'],
      rows: 150_000,
      effect: { reps: 400 },
    });
    for (const r of runs)
      console.log(
        `${r.rule} seed ${r.seed} effect ${r.effect}: truth ${r.truth.toFixed(3)}, estimate ${r.estimate?.toFixed(3)} [${r.low?.toFixed(3)}, ${r.high?.toFixed(3)}]`,
      );
    expect(runs.every((r) => r.design === 'posterior')).toBe(true);
    expect(coverage(runs)).toBeGreaterThanOrEqual(0.85);
    expect(runs.filter((r) => r.effect === -0.5).every((r) => r.excludesZero)).toBe(true);
  }, 300_000);
});
