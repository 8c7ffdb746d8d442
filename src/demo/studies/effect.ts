// Simulation study of `cip effect` on the demo generator: for each seed × true effect × selection rule, a demo
// workspace is generated and the effect estimated; the truth is the generator's relative change of the treated's
// finding rate against their own counterfactual (demo_truth: true_effect / counterfactual_finding_rate, exactly
// the effect given when the cap is not reached). Used by bench/effect.bench.ts and tests/measure/effect-study.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../workspace/workspace.ts';
import { generateDemo } from '../index.ts';
import type { SelectionRule } from '../selection.ts';
import { estimateEffect, type EffectOptions } from '../../measure/effect/index.ts';

export interface EffectRun {
  seed: number;
  effect: number;
  rule: SelectionRule;
  design: string;
  treated: number;
  /** The truth: relative change of the treated's finding rate (inspected lines, post period). */
  truth: number;
  estimate: number | null;
  low: number | null;
  high: number | null;
  covered: boolean;
  excludesZero: boolean;
}

export interface EffectStudyOptions {
  seeds: number[];
  effects: number[];
  rules: SelectionRule[];
  rows?: number;
  /** Effect options other than the treatment (design, reps ...); the defaults when omitted. */
  effect?: Omit<EffectOptions, 'treatment'>;
  onRun?: (r: EffectRun) => void;
}

export async function effectStudy(o: EffectStudyOptions): Promise<EffectRun[]> {
  const out: EffectRun[] = [];
  for (const seed of o.seeds)
    for (const rule of o.rules)
      for (const effect of o.effects) {
        const dir = mkdtempSync(join(tmpdir(), 'cip-effect-study-'));
        const ws = await Workspace.open(dir, { create: true });
        try {
          const demo = await generateDemo(ws, { rows: o.rows, seed, effect, selection: rule });
          const truth =
            demo.truth.counterfactualFindingRate > 0 ? demo.truth.trueEffect / demo.truth.counterfactualFindingRate : 0;
          const r = await estimateEffect(ws, { ...o.effect, treatment: demo.treatment });
          const fr = r.outcomes.find((x) => x.outcome === 'finding_rate')!;
          const run: EffectRun = {
            seed,
            effect,
            rule,
            design: r.design.name,
            treated: r.groups.treated_matched,
            truth,
            estimate: fr.relative,
            low: fr.rel_ci_low,
            high: fr.rel_ci_high,
            covered:
              fr.rel_ci_low !== null && fr.rel_ci_high !== null && fr.rel_ci_low <= truth && truth <= fr.rel_ci_high,
            excludesZero: fr.ci_high < 0 || fr.ci_low > 0,
          };
          out.push(run);
          o.onRun?.(run);
        } finally {
          ws.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }
  return out;
}

/** Share of runs whose interval covers the truth. */
export const coverage = (runs: EffectRun[]) => runs.filter((r) => r.covered).length / Math.max(1, runs.length);
