// Response shapes of the plan endpoints (OpenAPI, and the web client's types through z.infer). The shapes of the
// domain's records live next to their types in src/plan; this file names them for the routes and the web app.
import { z } from 'zod';
import { registerScalesSchema } from '../../plan/config.ts';
import { IndicatorSchema } from '../../plan/measures/indicators.ts';
import { MeasureSchema, MeasureWithScheduleSchema } from '../../plan/measures/store.ts';
import { VulnerabilitySchema } from '../../plan/register/store.ts';
import { RiskCipSchema } from '../../plan/risk/annex3.ts';
import { TreatmentCellSchema } from '../../plan/treatments/matrix.ts';

export const MeasureOut = MeasureSchema;
export const ScheduledMeasureOut = MeasureWithScheduleSchema;
export const IndicatorOut = IndicatorSchema;
export const VulnerabilityOut = VulnerabilitySchema;
export { RiskCipSchema as RiskCipOut, TreatmentCellSchema as TreatmentCellOut, registerScalesSchema as ScalesOut };

export const TreatmentMatrixOut = z.object({
  matrix: z.string(),
  interventions: z.array(z.string()),
  cells: z.array(TreatmentCellSchema),
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

export type Measure = z.infer<typeof ScheduledMeasureOut>;
export type ProgressIndicator = z.infer<typeof IndicatorOut>;
export type Applied = z.infer<typeof ApplyOut>;
export type VulnerabilityView = z.infer<typeof VulnerabilityOut>;
export type TreatmentCell = z.infer<typeof TreatmentCellSchema>;
export type TreatmentMatrix = z.infer<typeof TreatmentMatrixOut>;
export type RiskCip = z.infer<typeof RiskCipSchema>;
export type RegisterScales = z.output<typeof registerScalesSchema>;
