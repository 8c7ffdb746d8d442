// Response shapes of the plan endpoints (OpenAPI, and the web client's types through z.infer).
import { z } from 'zod';

export const MeasureOut = z.object({
  id: z.string(),
  version: z.number(),
  vulnId: z.string(),
  description: z.string(),
  responsibleUnit: z.string(),
  supportingUnits: z.array(z.string()),
  expectedDate: z.string().nullable(),
  expectedComment: z.string().nullable(),
  dependsOn: z.array(z.string()),
  status: z.enum(['planned', 'done']),
  completedOn: z.string().nullable(),
  changedBy: z.string(),
});

export const ScheduledMeasureOut = MeasureOut.extend({
  schedule: z.object({
    id: z.string(),
    expectedDate: z.string().nullable(),
    forecastDate: z.string().nullable(),
    late: z.boolean(),
    delayedBy: z.array(z.string()),
    pushesBack: z.array(z.string()),
  }),
});

export const IndicatorOut = z.object({
  id: z.string(),
  version: z.number(),
  vulnId: z.string(),
  measureId: z.string().nullable(),
  name: z.string(),
  numeratorLabel: z.string(),
  denominatorLabel: z.string(),
  goal: z.number().nullable(),
  values: z.array(
    z.object({
      period: z.string(),
      numerator: z.number(),
      denominator: z.number(),
      value: z.number().nullable(),
      recordedBy: z.string(),
    }),
  ),
  change: z.number().nullable(),
});

export const ApplyOut = z.object({
  matrix: z.string(),
  segment: z.string(),
  treatment: z.string(),
  startDate: z.string(),
  operatorsInSegment: z.number(),
  recorded: z.number(),
  alreadyRecorded: z.number(),
  dryRun: z.boolean(),
});

export const VulnerabilityOut = z.object({
  id: z.string(),
  version: z.number(),
  processCode: z.string(),
  description: z.string(),
  institutionalRisk: z.string(),
  complianceRisks: z.array(z.string()),
  effects: z.record(z.string(), z.string()),
  occurrence: z.array(z.tuple([z.string(), z.enum(['Y', 'N'])])),
  changedBy: z.string(),
  changedAt: z.string(),
  score: z.object({
    expectedEffect: z.number(),
    probability: z.number(),
    periods: z.number(),
    priority: z.number().nullable(),
    priorityLevel: z.string().nullable(),
    probabilityLevel: z.string().nullable(),
    maxPriority: z.number().nullable(),
  }),
});

export type Measure = z.infer<typeof ScheduledMeasureOut>;
export type ProgressIndicator = z.infer<typeof IndicatorOut>;
export type Applied = z.infer<typeof ApplyOut>;
export type VulnerabilityView = z.infer<typeof VulnerabilityOut>;
