// Effect of a treatment: difference-in-differences of treated operators against matched untreated
// ones (size segment × risk level × pre-period finding-rate band, all from pre-treatment data), with a
// stratified bootstrap confidence interval over operators, quarterly trends and a placebo pre-trend test.
// The API shared by `cip effect`, the server and the UI.
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { effectDefaults, type EffectConfig } from './config.ts';
import { bandOf, bootstrapAtt, didEstimate, type BootstrapResult, type Unit } from './did.ts';
import {
  dataRange,
  dropEffectTables,
  griSegmentsBefore,
  operatorOutcomes,
  preTreatmentSegments,
  quarterlyTrends,
  treatedOperators,
  treatmentNames,
  windows,
  type OperatorOutcomes,
  type TrendRow,
  type Windows,
} from './data.ts';

export { didEstimate, bootstrapAtt, seededRandom, quantileSorted, bandOf, type Unit, type DidEstimate } from './did.ts';
export { effectDefaults, type EffectConfig } from './config.ts';

export class EffectInputError extends DomainError {}

export interface EffectOptions {
  treatment: string;
  /** Overrides the treatment start (default: earliest start_date of the treated). */
  start?: string;
  preMonths?: number;
  postMonths?: number;
  reps?: number;
  seed?: number;
  /** Where the pre-period rate used for matching comes from (default in matching.yaml). */
  preRate?: 'full' | 'split';
  /** How operators are weighted (default in matching.yaml). */
  weighting?: 'operators' | 'lines';
}

export interface OutcomeEffect {
  outcome: 'finding_rate' | 'reassessed_per_line';
  description: string;
  treated_pre: number;
  treated_post: number;
  control_pre: number;
  control_post: number;
  /** (treated_post − treated_pre) − (control_post − control_pre). */
  did: number;
  ci_low: number;
  ci_high: number;
  se: number;
  /** did / (treated_post − did): change against the treated group's counterfactual level. */
  relative: number | null;
  rel_ci_low: number | null;
  rel_ci_high: number | null;
}

export interface EffectReport {
  treatment: string;
  windows: Windows & { pre_end: string };
  matching: {
    on: string[];
    pre_rate_bands: number[];
    pre_rate_source: 'full' | 'split';
    weighting: 'operators' | 'lines';
    segmentation: string;
  };
  groups: {
    treated_total: number;
    treated_eligible: number;
    treated_matched: number;
    treated_unmatched: number;
    controls_eligible: number;
    controls_matched: number;
    controls_excluded_other_treatment: number;
    strata: number;
  };
  outcomes: OutcomeEffect[];
  placebo: { did: number; ci_low: number; ci_high: number; treated: number; controls: number } | null;
  trends: TrendRow[];
  bootstrap: { reps: number; seed: number; level: number; unit: string };
  warnings: string[];
}

export async function estimateEffect(ws: Workspace, opts: EffectOptions): Promise<EffectReport> {
  const cfg: EffectConfig = effectDefaults();
  const win = {
    ...cfg.windows,
    pre_months: opts.preMonths ?? cfg.windows.pre_months,
    post_months: opts.postMonths ?? cfg.windows.post_months,
  };
  const reps = opts.reps ?? cfg.bootstrap.reps;
  const seed = opts.seed ?? cfg.bootstrap.seed;
  const level = cfg.bootstrap.level;
  const warnings: string[] = [];

  const treated = await treatedOperators(ws, opts.treatment);
  if (treated.length === 0) {
    const names = await treatmentNames(ws);
    throw new EffectInputError(
      `treatment '${opts.treatment}' not found in treatments_applied` +
        (names.length
          ? `; treatments there: ${names.map((n) => `'${n.treatment}' (${n.operators} operators)`).join(', ')}`
          : ' (the table is empty)'),
    );
  }
  const starts = treated.map((t) => t.start).sort();
  const start = opts.start ?? starts[0];
  const spread = (Date.parse(starts.at(-1)!) - Date.parse(starts[0])) / 86_400_000;
  if (!opts.start && spread > cfg.warnings.staggered_days) {
    warnings.push(
      `treatment starts are staggered over ${spread} days (${starts[0]} to ${starts.at(-1)}); the earliest start is used for every operator, which dilutes the effect of late starters`,
    );
  }
  const w = await windows(ws, start, win);
  const range = await dataRange(ws);
  if (range.first && range.first > w.pre_start)
    warnings.push(
      `data start on ${range.first}, after the pre-period start ${w.pre_start}: the pre-period is shorter than ${win.pre_months} months`,
    );
  if (range.last && range.last < dayBefore(w.post_end))
    warnings.push(
      `data end on ${range.last}, before the post-period end ${dayBefore(w.post_end)}: the post-period is shorter than ${win.post_months} months`,
    );

  try {
    const split = (opts.preRate ?? cfg.matching.pre_rate_source) === 'split';
    // The GRI's risk levels are used only when computed before the start (no post-treatment leakage) and
    // when matching on the full record (split mode keeps the baseline half out of every matching variable).
    const griEnd = split ? null : await griSegmentsBefore(ws, w.start);
    if (!griEnd) await preTreatmentSegments(ws, w, cfg.matching, split);
    const { rows, excludedOtherTreatment } = await operatorOutcomes(ws, opts.treatment, w, cfg.eligibility, split);
    const bands = cfg.matching.pre_rate_bands;
    const stratum = (r: OperatorOutcomes) =>
      `${r.size_segment}|${r.risk_level}|${r.match_n > 0 ? bandOf(r.match_f / r.match_n, bands) : 'none'}`;
    const weighting = opts.weighting ?? cfg.matching.weighting;
    // lines: an operator counts by the harmonic mean of its inspected lines before and after (the weight
    // that minimises the variance of its rate change); operators: each counts once.
    const weight = (r: OperatorOutcomes) => (weighting === 'lines' ? 2 / (1 / r.pre_n + 1 / r.post_n) : 1);
    const rate: Unit[] = rows.map((r) => ({
      id: r.operator_id,
      treated: r.treated,
      stratum: stratum(r),
      y0: r.pre_f / r.pre_n,
      y1: r.post_f / r.post_n,
      w: weight(r),
    }));
    const amount: Unit[] = rows.map((r) => ({
      id: r.operator_id,
      treated: r.treated,
      stratum: stratum(r),
      y0: r.pre_amt / r.pre_n,
      y1: r.post_amt / r.post_n,
      w: weight(r),
    }));

    const est = didEstimate(rate);
    const eligibleT = rows.filter((r) => r.treated).length;
    const eligibleC = rows.length - eligibleT;
    if (!est) {
      throw new EffectInputError(
        `no treated operator has a comparable untreated operator: ${eligibleT} treated and ${eligibleC} untreated operators have at least ` +
          `${cfg.eligibility.min_inspected_pre} inspected lines before ${w.start} and ${cfg.eligibility.min_inspected_post} from it on, but no stratum (size × risk level × pre-rate band) holds both`,
      );
    }
    const outcomes: OutcomeEffect[] = [];
    for (const [outcome, units, description] of [
      ['finding_rate', rate, 'share of inspected lines with a finding'],
      ['reassessed_per_line', amount, 'amount reassessed per inspected line'],
    ] as const) {
      const e = didEstimate(units)!;
      const b = bootstrapAtt(units, reps, seed, level)!;
      outcomes.push({
        outcome,
        description,
        treated_pre: e.treated_pre,
        treated_post: e.treated_post,
        control_pre: e.control_pre,
        control_post: e.control_post,
        did: e.att,
        ci_low: b.ci_low,
        ci_high: b.ci_high,
        se: b.se,
        relative: e.relative,
        rel_ci_low: b.rel_low,
        rel_ci_high: b.rel_high,
      });
    }

    // Placebo: the same estimator between the two halves of the pre-period; should be ≈ 0.
    const placeboUnits: Unit[] = rows
      .filter((r) => r.pre1_n > 0 && r.pre2_n > 0)
      .map((r) => ({
        id: r.operator_id,
        treated: r.treated,
        stratum: stratum(r),
        y0: r.pre1_f / r.pre1_n,
        y1: r.pre2_f / r.pre2_n,
        w: weighting === 'lines' ? 2 / (1 / r.pre1_n + 1 / r.pre2_n) : 1,
      }));
    const pe = didEstimate(placeboUnits);
    const pb: BootstrapResult | null = pe ? bootstrapAtt(placeboUnits, reps, seed + 1, level) : null;
    const placebo =
      pe && pb
        ? {
            did: pe.att,
            ci_low: pb.ci_low,
            ci_high: pb.ci_high,
            treated: pe.treated_matched,
            controls: pe.controls_matched,
          }
        : null;
    if (!placebo)
      warnings.push('pre-trend test not possible: too few operators inspected in both halves of the pre-period');
    else if (placebo.ci_low > 0 || placebo.ci_high < 0) {
      warnings.push(
        `pre-treatment trends diverge: between the two halves of the pre-period the treated changed by ${pp(placebo.did)} more than the controls ` +
          `(${Math.round(level * 100)}% CI ${pp(placebo.ci_low)} to ${pp(placebo.ci_high)}); the parallel-trends assumption is doubtful`,
      );
    }
    if (est.treated_matched < cfg.warnings.min_group || est.controls_matched < cfg.warnings.min_group) {
      warnings.push(
        `groups too small: ${est.treated_matched} treated and ${est.controls_matched} control operators matched (fewer than ${cfg.warnings.min_group}); the interval is unreliable`,
      );
    }
    const matchedStrata = new Set(rate.filter((u) => u.treated).map((u) => u.stratum));
    const withControls = new Set(rate.filter((u) => !u.treated && matchedStrata.has(u.stratum)).map((u) => u.stratum));
    const matchedUnits = rate.filter((u) => withControls.has(u.stratum));
    const unmatched = eligibleT - est.treated_matched;
    if (unmatched > 0)
      warnings.push(`${unmatched} eligible treated operator(s) had no comparable untreated operator and were left out`);
    if (treated.length > eligibleT)
      warnings.push(
        `${treated.length - eligibleT} treated operator(s) had too few inspected lines before or after the start and were left out`,
      );

    const trends = await quarterlyTrends(
      ws,
      matchedUnits.map((u) => ({ operator_id: u.id, treated: u.treated })),
      w,
    );
    return {
      treatment: opts.treatment,
      windows: { ...w, pre_end: dayBefore(w.start) },
      matching: {
        on: ['size_segment', 'risk_level', 'pre_rate_band'],
        pre_rate_bands: bands,
        pre_rate_source: split ? 'split' : 'full',
        weighting,
        segmentation: griEnd
          ? `size segment and risk level of the latest GRI run (window ending ${griEnd}, before the start)`
          : `pre-treatment: value and offences in [${w.seg_start}, ${w.start})${split ? '; pre-rate band and risk level from one half of the pre-period declarations, baseline from the other' : ''}`,
      },
      groups: {
        treated_total: treated.length,
        treated_eligible: eligibleT,
        treated_matched: est.treated_matched,
        treated_unmatched: unmatched,
        controls_eligible: eligibleC,
        controls_matched: est.controls_matched,
        controls_excluded_other_treatment: excludedOtherTreatment,
        strata: est.strata,
      },
      outcomes,
      placebo,
      trends,
      bootstrap: {
        reps,
        seed,
        level,
        unit: 'operator, within treated and untreated groups, matching redone in each replicate',
      },
      warnings,
    };
  } finally {
    await dropEffectTables(ws);
  }
}

function dayBefore(iso: string): string {
  return new Date(Date.parse(iso) - 86_400_000).toISOString().slice(0, 10);
}

const pp = (x: number) => `${(x * 100).toFixed(1)} pp`;
