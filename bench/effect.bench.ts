// `npm run bench effect`: the simulation study of `cip effect` (issue #14, item 2). Demo workspaces at the default
// size, 20 seeds × true effects {0, −25 %, −50 %} × two selection rules a committee uses (random within a high-risk
// stratum; top past finding rate), each estimated with the default design. Targets: the 95 % interval covers the
// truth in ≥ 90 % of runs, and excludes 0 in every run with an effect of −25 % or larger.
// BENCH_EFFECT_SEEDS=1,...,20 (default), BENCH_EFFECT_ROWS (default: the demo's default size).
import { DEFAULT_ROWS } from '../src/demo/index.ts';
import { coverage, effectStudy, type EffectRun } from '../src/demo/studies/effect.ts';

export async function main(): Promise<void> {
  const seeds = (process.env.BENCH_EFFECT_SEEDS ?? Array.from({ length: 20 }, (_, i) => i + 1).join(','))
    .split(',')
    .map(Number);
  const rows = Number(process.env.BENCH_EFFECT_ROWS ?? DEFAULT_ROWS);
  const effects = [0, -0.25, -0.5];
  const rules = ['stratum', 'top'] as const;
  const t0 = Date.now();
  console.log(
    `Effect study: demo ${rows.toLocaleString('en')} lines, ${seeds.length} seeds × effects ${effects.join(', ')} × rules ${rules.join(', ')}`,
  );
  const pct = (x: number | null) => (x === null ? '   n/a' : `${(100 * x).toFixed(1).padStart(6)}%`);
  const runs = await effectStudy({
    seeds,
    effects,
    rules: [...rules],
    rows,
    onRun: (r) =>
      console.log(
        `  seed ${String(r.seed).padStart(2)} ${r.rule.padEnd(7)} effect ${pct(r.effect)}  treated ${String(r.treated).padStart(4)}  ` +
          `truth ${pct(r.truth)}  estimate ${pct(r.estimate)} [${pct(r.low)}, ${pct(r.high)}]  ${r.covered ? 'covers' : 'MISSES'}`,
      ),
  });
  const line = (name: string, rs: EffectRun[]) =>
    console.log(
      `  ${name.padEnd(24)} coverage ${coverage(rs).toFixed(3)} (${rs.filter((r) => r.covered).length}/${rs.length})` +
        `  excludes 0: ${rs.filter((r) => r.excludesZero).length}/${rs.length}`,
    );
  console.log(`design ${runs[0]?.design}; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  line('all runs', runs);
  for (const rule of rules)
    for (const e of effects)
      line(
        `${rule}, effect ${e}`,
        runs.filter((r) => r.rule === rule && r.effect === e),
      );
  const strong = runs.filter((r) => r.effect <= -0.25);
  const ok = coverage(runs) >= 0.9 && strong.every((r) => r.excludesZero);
  console.log(`  targets (coverage ≥ 0.90, 0 excluded at −25 % and −50 %): ${ok ? 'met' : 'NOT MET'}`);
}
