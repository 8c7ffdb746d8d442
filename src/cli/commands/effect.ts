// cip effect: difference-in-differences of a treatment's effect on the finding rate, with bootstrap CI.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { EFFECT_DESIGNS, estimateEffect, EffectInputError, type EffectReport } from '../../measure/effect/index.ts';
import { workspaceMessageLang } from '../../i18n/messages.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';

interface EffectCliOptions {
  workspace?: string;
  json?: boolean;
  treatment: string;
  start?: string;
  preMonths?: string;
  postMonths?: string;
  reps?: string;
  seed?: string;
  preRate?: string;
  design?: string;
  weighting?: string;
  inspections?: string;
}

const int = (flag: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UserError(`${flag}: expected an integer ≥ ${min}, got '${v}'`);
  return Number(v);
};

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('effect')
      .description(
        'effect of a treatment: treated vs matched untreated operators (difference-in-differences, bootstrap CI)',
      ),
  )
    .requiredOption('--treatment <name>', 'treatment name as in treatments_applied')
    .option('--start <date>', 'treatment start (default: earliest start_date of the treated)')
    .option('--pre-months <n>', 'months before the start compared (default 12)')
    .option('--post-months <n>', 'months from the start compared (default 12)')
    .option('--reps <n>', 'bootstrap replicates (default 1000)')
    .option('--seed <n>', 'bootstrap seed (default in src/measure/effect/matching.yaml)')
    .option(
      '--design <design>',
      'posterior (default): baseline = expected rate given the whole pre-treatment record, right also when the treated were picked for their record; full: raw pre-period rate; split: match on one half of the pre-period, baseline from the other (treated picked on latent risk)',
    )
    .option('--pre-rate <source>', 'older name of --design full|split')
    .option('--weighting <w>', 'lines (harmonic mean of inspected lines before/after) | operators (one each)')
    .option(
      '--inspections <which>',
      'which inspections the outcomes count: all (default) | random (only those selected at random, selection_reason = random: the unbiased control)',
    )
    .action(async (opts: EffectCliOptions) => {
      if (opts.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.start))
        throw new UserError(`--start: expected a date YYYY-MM-DD, got '${opts.start}'`);
      if (opts.preRate !== undefined && !['full', 'split'].includes(opts.preRate))
        throw new UserError(`--pre-rate: expected full or split, got '${opts.preRate}'`);
      if (opts.design !== undefined && !(EFFECT_DESIGNS as readonly string[]).includes(opts.design))
        throw new UserError(`--design: expected one of ${EFFECT_DESIGNS.join(', ')}, got '${opts.design}'`);
      if (opts.weighting !== undefined && !['lines', 'operators'].includes(opts.weighting))
        throw new UserError(`--weighting: expected lines or operators, got '${opts.weighting}'`);
      if (opts.inspections !== undefined && !['all', 'random'].includes(opts.inspections))
        throw new UserError(`--inspections: expected all or random, got '${opts.inspections}'`);
      const o = {
        inspections: opts.inspections as 'all' | 'random' | undefined,
        design: (opts.design ?? opts.preRate) as (typeof EFFECT_DESIGNS)[number] | undefined,
        weighting: opts.weighting as 'lines' | 'operators' | undefined,
        treatment: opts.treatment,
        start: opts.start,
        preMonths: int('--pre-months', opts.preMonths, 2),
        postMonths: int('--post-months', opts.postMonths, 1),
        reps: int('--reps', opts.reps, 100),
        seed: int('--seed', opts.seed, 0),
      };
      await withWorkspace(opts.workspace, async (ws) => {
        let r: EffectReport;
        try {
          r = await estimateEffect(ws, { ...o, lang: await workspaceMessageLang(ws) });
        } catch (err) {
          if (err instanceof EffectInputError) throw new UserError(err.message);
          throw err;
        }
        if (opts.json) return printJson(r);
        console.log(renderEffect(r));
      });
    });
}

const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(2)}%`);
const pp = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pp`;
const amt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function renderEffect(r: EffectReport): string {
  const g = r.groups;
  const out = [
    `Effect of '${r.treatment}' (start ${r.windows.start}): pre ${r.windows.pre_start}..${r.windows.pre_end}, post ${r.windows.start}..${r.windows.post_end} (exclusive)`,
    `Treated: ${g.treated_total} in treatments_applied, ${g.treated_eligible} with enough inspected lines, ${g.treated_matched} matched; ` +
      `controls: ${g.controls_eligible} eligible, ${g.controls_matched} matched to them, in ${g.strata} strata (${r.matching.on.join(' × ')})`,
    '',
    r.design.explanation.text,
    '',
  ];
  const rows = r.outcomes.map((o) =>
    o.outcome === 'finding_rate'
      ? [
          o.description,
          pct(o.treated_pre),
          pct(o.treated_post),
          pct(o.control_pre),
          pct(o.control_post),
          pp(o.did),
          `${pp(o.ci_low)} .. ${pp(o.ci_high)}`,
        ]
      : [
          o.description,
          amt(o.treated_pre),
          amt(o.treated_post),
          amt(o.control_pre),
          amt(o.control_post),
          amt(o.did),
          `${amt(o.ci_low)} .. ${amt(o.ci_high)}`,
        ],
  );
  out.push(
    formatTable(
      [
        'outcome',
        'treated pre',
        'treated post',
        'control pre',
        'control post',
        'DiD',
        `${Math.round(r.bootstrap.level * 100)}% CI`,
      ],
      rows,
    ),
  );
  const fr = r.outcomes.find((o) => o.outcome === 'finding_rate');
  if (fr?.relative != null) {
    const rel = (v: number | null) => (v === null ? '?' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
    out.push(
      `Relative to the treated group's counterfactual finding rate: ${rel(fr.relative)} (CI ${rel(fr.rel_ci_low)} .. ${rel(fr.rel_ci_high)})`,
    );
  }
  if (r.placebo)
    out.push(
      '',
      `Pre-trend placebo (2nd vs 1st half of the pre-period): ${pp(r.placebo.did)} (CI ${pp(r.placebo.ci_low)} .. ${pp(r.placebo.ci_high)})`,
    );
  out.push('', 'Finding rate of inspected lines per quarter (matched treated; matched controls reweighted to them):');
  out.push(
    formatTable(
      ['quarter', 'phase', 'treated', 'inspected', 'matched controls', 'inspected'],
      r.trends.map((t) => [
        t.quarter,
        t.phase,
        pct(t.treated_rate),
        t.treated_inspected,
        pct(t.control_rate),
        t.control_inspected,
      ]),
    ),
  );
  out.push(
    '',
    `Design ${r.design.name}, operators weighted by ${r.matching.weighting === 'lines' ? 'inspected lines' : 'one each'}; ${r.matching.segmentation}.`,
  );
  if (r.inspections === 'random') out.push('Outcomes count only the inspections selected at random.');
  out.push(`Bootstrap: ${r.bootstrap.reps} replicates over operators (${r.bootstrap.unit}), seed ${r.bootstrap.seed}.`);
  for (const w of r.warnings) out.push(`warning: ${w.text}`);
  return out.join('\n');
}
