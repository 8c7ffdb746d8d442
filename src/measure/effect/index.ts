// Effect of a treatment: difference-in-differences of treated operators against matched untreated ones, with a
// stratified bootstrap confidence interval over operators, quarterly trends of the matched groups and a placebo
// pre-trend test. The default design (posterior baseline, design.ts) stays right when the treated were picked for
// their recorded findings; `full` and `split` are the alternatives. Refused when the lines do not say which were
// inspected. The API shared by `cip effect`, the server and the UI.
import { engineFor } from '../../engine/engine.ts';
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { MessageCatalogue, type Message } from '../../i18n/messages.ts';
import { effectDefaults, type EffectConfig } from './config.ts';
import { bootstrapAtt, didEstimate, type BootstrapResult, type Unit } from './did.ts';
import { designUnits, EFFECT_DESIGNS, type EffectDesign } from './design.ts';
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
} from './data.ts';
import type { EffectReport, OutcomeEffect } from './report.ts';

export { EffectReportSchema, type EffectReport, type OutcomeEffect } from './report.ts';

export { didEstimate, bootstrapAtt, seededRandom, quantileSorted, bandOf, type Unit, type DidEstimate } from './did.ts';
export { effectDefaults, type EffectConfig } from './config.ts';
export { EFFECT_DESIGNS, fitBetaPrior, posteriorMean, type EffectDesign } from './design.ts';

/** The effect context's sentences (messages.yaml). */
export const EFFECT_TEXT = new MessageCatalogue(new URL('./messages.yaml', import.meta.url));

export class EffectInputError extends DomainError {}

export interface EffectOptions {
  treatment: string;
  /** Overrides the treatment start (default: earliest start_date of the treated). */
  start?: string;
  preMonths?: number;
  postMonths?: number;
  reps?: number;
  seed?: number;
  /** What the treated are compared on (default in matching.yaml: posterior). */
  design?: EffectDesign;
  /** @deprecated the design full or split (before designs had a name). */
  preRate?: 'full' | 'split';
  /** How operators are weighted (default in matching.yaml). */
  weighting?: 'operators' | 'lines';
  /** Language of the sentences (design, outcomes, warnings); default English. */
  lang?: string;
  /**
   * Which inspections the outcomes count: all (default) or only those selected at random (selection_reason = random):
   * their finding rate is the operators' compliance itself, unaffected by how targeting treated the two groups.
   */
  inspections?: 'all' | 'random';
}

export async function estimateEffect(ws: Workspace, opts: EffectOptions): Promise<EffectReport> {
  const cfg: EffectConfig = effectDefaults();
  const lang = opts.lang ?? 'en';
  const say = (key: string, params: Record<string, string | number> = {}) => EFFECT_TEXT.message(key, params, lang);
  const win = {
    ...cfg.windows,
    pre_months: opts.preMonths ?? cfg.windows.pre_months,
    post_months: opts.postMonths ?? cfg.windows.post_months,
  };
  const reps = opts.reps ?? cfg.bootstrap.reps;
  const seed = opts.seed ?? cfg.bootstrap.seed;
  const level = cfg.bootstrap.level;
  const design: EffectDesign = opts.design ?? opts.preRate ?? cfg.matching.design;
  if (!(EFFECT_DESIGNS as readonly string[]).includes(design))
    throw new EffectInputError(`unknown design '${design}'; expected one of ${EFFECT_DESIGNS.join(', ')}`);
  const warnings: Message[] = [];
  await assertOutcomesKnown(ws);
  const inspections = opts.inspections ?? 'all';
  const randomOnly = inspections === 'random';
  if (randomOnly) {
    const [r] = await (
      await engineFor(ws)
    ).rows<{ n: number }>(`SELECT count(*) AS n FROM declaration_lines WHERE selection_reason = 'random'`);
    const n = Number(r.n);
    if (n === 0)
      throw new EffectInputError(
        'no declaration line was inspected at random (selection_reason = random): map selection_reason in the import, or count all inspections',
      );
  }

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
  if (!opts.start && spread > cfg.warnings.staggered_days)
    warnings.push(say('warning.staggered', { days: spread, first: starts[0], last: starts.at(-1)! }));
  const w = await windows(ws, start, win);
  const range = await dataRange(ws);
  if (range.first && range.first > w.pre_start)
    warnings.push(say('warning.data_start', { first: range.first, pre_start: w.pre_start, months: win.pre_months }));
  if (range.last && range.last < dayBefore(w.post_end))
    warnings.push(
      say('warning.data_end', { last: range.last, post_end: dayBefore(w.post_end), months: win.post_months }),
    );

  try {
    const split = design === 'split';
    // The GRI's risk levels are used only when computed before the start (no post-treatment leakage) and
    // when matching on the full record (split mode keeps the baseline half out of every matching variable).
    const griEnd = split ? null : await griSegmentsBefore(ws, w.start);
    if (!griEnd) await preTreatmentSegments(ws, w, cfg.matching, split);
    const { rows, excludedOtherTreatment } = await operatorOutcomes(
      ws,
      opts.treatment,
      w,
      cfg.eligibility,
      split,
      design === 'posterior',
      randomOnly,
    );
    const weighting = opts.weighting ?? cfg.matching.weighting;
    const bands = design === 'posterior' ? cfg.matching.posterior_bands : cfg.matching.pre_rate_bands;
    const units = designUnits(
      rows,
      design,
      { pre_rate: cfg.matching.pre_rate_bands, posterior: cfg.matching.posterior_bands },
      weighting,
    );

    const est = didEstimate(units.rate);
    const eligibleT = rows.filter((r) => r.treated).length;
    const eligibleC = rows.length - eligibleT;
    if (!est) {
      throw new EffectInputError(
        `no treated operator has a comparable untreated operator: ${eligibleT} treated and ${eligibleC} untreated operators have at least ` +
          `${cfg.eligibility.min_inspected_pre} inspected lines before ${w.start} and ${cfg.eligibility.min_inspected_post} from it on, but no stratum (size × risk level × rate band) holds both`,
      );
    }
    const outcomes: OutcomeEffect[] = [];
    for (const [outcome, us] of [
      ['finding_rate', units.rate],
      ['reassessed_per_line', units.amount],
    ] as const) {
      const e = didEstimate(us)!;
      const b = bootstrapAtt(us, reps, seed, level)!;
      outcomes.push({
        outcome,
        description: say(`outcome.${outcome}`).text,
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

    // Placebo: the same comparison between the two halves of the pre-period; should be ≈ 0.
    const pe = didEstimate(units.placebo);
    const pb: BootstrapResult | null = pe ? bootstrapAtt(units.placebo, reps, seed + 1, level) : null;
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
    if (!placebo) warnings.push(say('warning.no_placebo'));
    else if (placebo.ci_low > 0 || placebo.ci_high < 0)
      warnings.push(
        say('warning.pretrend', {
          did: pp(placebo.did),
          level: Math.round(level * 100),
          low: pp(placebo.ci_low),
          high: pp(placebo.ci_high),
        }),
      );
    if (est.treated_matched < cfg.warnings.min_group || est.controls_matched < cfg.warnings.min_group)
      warnings.push(
        say('warning.small_groups', {
          treated: est.treated_matched,
          controls: est.controls_matched,
          min: cfg.warnings.min_group,
        }),
      );
    const unmatched = eligibleT - est.treated_matched;
    if (unmatched > 0) warnings.push(say('warning.unmatched', { n: unmatched }));
    if (treated.length > eligibleT) warnings.push(say('warning.few_inspected', { n: treated.length - eligibleT }));

    // Selection diagnostic: the raw record of the eligible treated against the eligible untreated.
    const pastRate = (t: boolean) => {
      const g = rows.filter((r) => r.treated === t);
      const n = g.reduce((a, r) => a + r.past_n, 0);
      return n > 0 ? g.reduce((a, r) => a + r.past_f, 0) / n : null;
    };
    const tRate = pastRate(true);
    const cRate = pastRate(false);
    const rateText = (x: number | null) => (x === null ? '—' : x);
    const picked = tRate !== null && cRate !== null && tRate > 1.25 * cRate;
    const selection =
      design === 'posterior'
        ? say(picked ? 'selection.record' : 'selection.similar', {
            treated_rate: rateText(tRate),
            control_rate: rateText(cRate),
          }).text
        : '';
    const explanation = say(`design.${design}`, {
      seg_start: w.seg_start,
      pre_months: win.pre_months,
      selection,
    });

    const trends = await quarterlyTrends(ws, matchedWithWeights(units.rate), w, randomOnly);
    return {
      treatment: opts.treatment,
      windows: { ...w, pre_end: dayBefore(w.start) },
      design: { name: design, explanation },
      inspections,
      matching: {
        on: ['size_segment', 'risk_level', design === 'posterior' ? 'expected_rate_band' : 'pre_rate_band'],
        bands,
        design,
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
        treated_past_rate: tRate,
        controls_past_rate: cRate,
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

/**
 * The lines must say which were inspected and what was found: otherwise the only "inspected" lines would be those
 * with a finding and every finding rate would read 100 % (or 0). Refused, naming the field to map.
 */
async function assertOutcomesKnown(ws: Workspace): Promise<void> {
  const [c] = await (
    await engineFor(ws)
  ).rows<{ lines: number; inspected: number; finding: number }>(
    `SELECT count(*) AS lines, count(inspected) AS inspected, count(finding) AS finding FROM declaration_lines`,
  );
  if (Number(c.lines) === 0) throw new EffectInputError('no declaration lines: import declarations first');
  if (Number(c.inspected) === 0)
    throw new EffectInputError(
      'the declaration lines do not say which were inspected (field inspected is empty in every line), so no finding ' +
        'rate can be measured: map inspected in the mapping, or derive it from the channel ' +
        '(inspected: { derive: from_channel }), and import the declarations again',
    );
  if (Number(c.finding) === 0)
    throw new EffectInputError(
      'the declaration lines do not say what inspections found (field finding is empty in every line): map finding ' +
        'in the mapping (cip mapping suggest FILE --kind declarations) and import the declarations again',
    );
}

/** Matched units with, for each, the treated weight of its stratum (controls are reweighted to it in the trends). */
function matchedWithWeights(units: Unit[]): { operator_id: string; treated: boolean; stratum: string; tw: number }[] {
  const tw = new Map<string, number>();
  for (const u of units) if (u.treated) tw.set(u.stratum, (tw.get(u.stratum) ?? 0) + (u.w ?? 1));
  const withControls = new Set(units.filter((u) => !u.treated && tw.has(u.stratum)).map((u) => u.stratum));
  return units
    .filter((u) => withControls.has(u.stratum))
    .map((u) => ({ operator_id: u.id, treated: u.treated, stratum: u.stratum, tw: tw.get(u.stratum)! }));
}

function dayBefore(iso: string): string {
  return new Date(Date.parse(iso) - 86_400_000).toISOString().slice(0, 10);
}

/** A difference of shares in percentage points, one decimal (the sentence names the unit). */
const pp = (x: number) => Math.round(x * 1000) / 10;
