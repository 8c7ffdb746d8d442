// Programmatic API of the ingest context (used by the CLI; the server can reuse it).
export { importFile, sha256File, ImportError } from './importer.ts';
export type { ImportOptions, ImportResult, ImportSummary } from './importer.ts';
export { suggestMapping } from './suggest.ts';
export type { Suggestion, Placement } from './suggest.ts';
export { loadMappingFile, validateMapping, mappingToYaml, MappingError, MappingSchema } from './mapping.ts';
export type { Mapping } from './mapping.ts';
export { openSource, sampleRows, SourceError } from './source.ts';
export { qualityReport, exportRejects, storedRejectIssues } from './quality.ts';
export type { QualityIssue, QualityReport, IssueExample } from './quality.ts';
export { IMPORT_KINDS, KINDS, kindDef } from './fields.ts';
export type { ImportKind } from './fields.ts';
export { plainProgress, silentProgress } from './progress.ts';
export type { ProgressReporter } from './progress.ts';
