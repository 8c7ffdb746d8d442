// The segmentation API shared by the CLI, the HTTP API and the UI (issue #3).
export {
  computeSegmentation,
  rescore,
  lastRun,
  requireRun,
  SegmentationError,
  type Run,
  type RescorePatch,
  type ComputeOptions,
} from './pipeline.ts';
export {
  table1,
  table4,
  extendedTable,
  hsTable,
  links,
  normaliseHs,
  type Table1,
  type Table4,
  type Table4Row,
  type Table5Cell,
  type LinkHub,
} from './tables.ts';
export { explainOperator, ExplanationSchema, type Explanation } from './explain.ts';
export { WindowSchema, WindowSpanSchema, type Window } from './aggregate.ts';
export {
  getConfig,
  setConfig,
  configHistory,
  listRisks,
  mergeConfig,
  parseConfig,
  defaultConfig,
  configSchema,
  WEIGHT_METHODS,
  type GriConfig,
  type GriConfigInput,
  type StoredConfig,
  type WeightMethod,
} from './config.ts';
export { builtinIndicators, type IndicatorDef } from './catalogue.ts';
export { levelOf, computeBars, quantileBar, histogram, type Bars, type RiskLevel } from './levels.ts';
export {
  equalWeights,
  expertWeights,
  frequencyWeights,
  learnedWeights,
  gri,
  type Pattern,
  type Table3,
} from './weights.ts';
export { previewRescore } from './preview.ts';
export { SEGMENTATION_TEXT } from './notes.ts';
export { knownRisks, effectiveConfig } from './pipeline.ts';
export type { WeightChoice } from './weight-choice.ts';
export { recentRuns, type LoggedRun } from './run-log.ts';
