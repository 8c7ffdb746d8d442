// The shape of an effect report: the zod schemas are the API's answer (/api/effect), the types the domain's.
import { z } from 'zod';
import { MessageSchema } from '../../i18n/messages.ts';
import { EFFECT_DESIGNS } from './design.ts';

export const EffectWindowsSchema = z.object({
  /** treatment start = first day of the post-period */
  start: z.string(),
  pre_start: z.string(),
  /** splits the pre-period in two halves (placebo test) */
  mid: z.string(),
  /** exclusive */
  post_end: z.string(),
  seg_start: z.string(),
});
export type Windows = z.infer<typeof EffectWindowsSchema>;

export const TrendRowSchema = z.object({
  quarter: z.string(),
  /** mixed: the quarter holding the start date */
  phase: z.enum(['pre', 'post', 'mixed']),
  treated_inspected: z.number(),
  treated_rate: z.number().nullable(),
  control_inspected: z.number(),
  /** Matched controls' rate reweighted to the treated's strata. */
  control_rate: z.number().nullable(),
});
export type TrendRow = z.infer<typeof TrendRowSchema>;

export const OutcomeEffectSchema = z.object({
  outcome: z.enum(['finding_rate', 'reassessed_per_line']),
  description: z.string(),
  treated_pre: z.number(),
  treated_post: z.number(),
  control_pre: z.number(),
  control_post: z.number(),
  /** (treated_post − treated_pre) − (control_post − control_pre). */
  did: z.number(),
  ci_low: z.number(),
  ci_high: z.number(),
  se: z.number(),
  /** did / (treated_post − did): change against the treated group's counterfactual level. */
  relative: z.number().nullable(),
  rel_ci_low: z.number().nullable(),
  rel_ci_high: z.number().nullable(),
});
export type OutcomeEffect = z.infer<typeof OutcomeEffectSchema>;

export const EffectReportSchema = z.object({
  treatment: z.string(),
  windows: EffectWindowsSchema.extend({ pre_end: z.string() }),
  /** Which design was used and why, for people. */
  design: z.object({ name: z.enum(EFFECT_DESIGNS), explanation: MessageSchema }),
  /** Which inspections the outcomes counted (EffectOptions.inspections). */
  inspections: z.enum(['all', 'random']),
  matching: z.object({
    on: z.array(z.string()),
    bands: z.array(z.number()),
    design: z.enum(EFFECT_DESIGNS),
    weighting: z.enum(['operators', 'lines']),
    segmentation: z.string(),
  }),
  groups: z.object({
    treated_total: z.number(),
    treated_eligible: z.number(),
    treated_matched: z.number(),
    treated_unmatched: z.number(),
    controls_eligible: z.number(),
    controls_matched: z.number(),
    controls_excluded_other_treatment: z.number(),
    strata: z.number(),
    /** Raw finding rate of inspected lines over the whole record before the start (selection diagnostic). */
    treated_past_rate: z.number().nullable(),
    controls_past_rate: z.number().nullable(),
  }),
  outcomes: z.array(OutcomeEffectSchema),
  placebo: z
    .object({ did: z.number(), ci_low: z.number(), ci_high: z.number(), treated: z.number(), controls: z.number() })
    .nullable(),
  /** Matched treated, and matched controls reweighted to the treated's strata, per quarter. */
  trends: z.array(TrendRowSchema),
  bootstrap: z.object({ reps: z.number(), seed: z.number(), level: z.number(), unit: z.string() }),
  warnings: z.array(MessageSchema),
});
export type EffectReport = z.infer<typeof EffectReportSchema>;
