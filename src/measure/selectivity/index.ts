// The selectivity score API shared by the CLI, the HTTP API and the UI.
export {
  loadSelectivityConfig,
  validateSelectivityConfig,
  DEFAULT_CONFIG_FILE,
  SelectivityConfigError,
  type SelectivityConfig,
  type FactorConfig,
  type Lang,
} from './config.ts';
export { fitModel, scoreLines, type SelectivityModel, type FitOptions, type ScoreTarget } from './model.ts';
export { buildFeatures, SelectivityDataError, type FeatureSpec, type FeatureStats } from './profiles.ts';
export {
  DEFAULT_RANDOM_SEED,
  DEFAULT_RANDOM_SHARE,
  exportSelectivity,
  SelectivityExportError,
  type ExportOptions,
  type ExportResult,
} from './export.ts';
export { saveModel, latestModel, type StoredModel } from './store.ts';
export { fitLogistic, type LogisticFit } from './logistic.ts';
