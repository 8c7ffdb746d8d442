// The shape of a KPI report (Box 2): the zod schemas are the API's answer (/api/kpis), the types the domain's.
import { z } from 'zod';
import { kpiUnitSchema, LEVELS } from './catalogue.ts';
import { PERIODS } from './period.ts';

export const KpiPointSchema = z.object({
  /** label, e.g. 2024-Q1 */
  period: z.string(),
  period_start: z.string(),
  dimension: z.string().nullable(),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  /** (x_t − x_{t−1}) / x_{t−1}; null when the previous period is missing or 0. */
  variation: z.number().nullable(),
  /** x_t − x_{t−1}. */
  change: z.number().nullable(),
});
export type KpiPoint = z.infer<typeof KpiPointSchema>;

export const KpiSeriesSchema = z.object({
  code: z.string(),
  level: z.enum(LEVELS),
  name: z.string(),
  unit: kpiUnitSchema,
  dimension: z.string().nullable(),
  formula: z.string(),
  points: z.array(KpiPointSchema),
});
export type KpiSeries = z.infer<typeof KpiSeriesSchema>;

export const KpiNotComputedSchema = z.object({
  code: z.string(),
  level: z.enum(LEVELS),
  name: z.string(),
  needs: z.string(),
});
export type KpiNotComputed = z.infer<typeof KpiNotComputedSchema>;

/** A row of the operational table: per compliance risk, source and period, with variation rates. */
export const OperationalRowSchema = z.object({
  compliance_risk: z.string(),
  name: z.string(),
  source: z.enum(['clearance', 'pca', 'total']),
  period: z.string(),
  cases: z.number(),
  cases_variation: z.number().nullable(),
  reassessed: z.number(),
  reassessed_variation: z.number().nullable(),
  collected: z.number(),
  collected_variation: z.number().nullable(),
});
export type OperationalRow = z.infer<typeof OperationalRowSchema>;
export type OperationalSource = OperationalRow['source'];

export const KpiReportSchema = z.object({
  period: z.enum(PERIODS),
  periods: z.array(z.string()),
  from: z.string().nullable(),
  to: z.string().nullable(),
  kpis: z.array(KpiSeriesSchema),
  not_computed: z.array(KpiNotComputedSchema),
  operational: z
    .object({ sources: z.array(z.enum(['clearance', 'pca'])), rows: z.array(OperationalRowSchema) })
    .nullable(),
});
export type KpiReport = z.infer<typeof KpiReportSchema>;
