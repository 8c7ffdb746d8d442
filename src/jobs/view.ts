// What the API and the web app see of a job (zod: the OpenAPI response and the web client's types).
import { z } from 'zod';
import { DomainError } from '../errors/index.ts';
import { MessageSchema } from '../i18n/messages.ts';
import { INGEST_TEXT } from '../ingest/outcomes.ts';
import { localiseIssues, QualityIssueSchema, type QualityIssue } from '../ingest/quality.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Why a job did not succeed: its own error, a cancel, or a stop/crash of the server while it ran. */
export const JOB_ERROR_CODES = ['failed', 'cancelled', 'interrupted'] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

const summary = z.object({ read: z.number(), imported: z.number(), rejected: z.number(), duplicates: z.number() });

/** The result of a finished job, by what it was. */
export const JobResultSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('import'),
    importId: z.number().nullable(),
    /** Set when this exact file was imported before (nothing added). */
    alreadyImportedAs: z.number().nullable(),
    summary,
    /** Rows kept but worth a look (outliers, unknown operators) and analyses the lines leave off, in the reader's language. */
    warnings: z.array(MessageSchema),
  }),
  z.object({
    type: z.literal('gri'),
    risk: z.string(),
    configId: z.string(),
    operators: z.number(),
    lines: z.number(),
    high: z.number(),
    medium: z.number(),
    low: z.number(),
  }),
  /** The full answer is at /api/jobs/{id}/backtest. */
  z.object({ type: z.literal('backtest'), testLines: z.number(), auc: z.number().nullable() }),
  z.object({ type: z.literal('file'), name: z.string(), bytes: z.number(), rows: z.number().nullable() }),
  z.object({ type: z.literal('cli'), exitCode: z.number() }),
]);
export type JobResult = z.infer<typeof JobResultSchema>;

export const JobViewSchema = z.object({
  id: z.number(),
  kind: z.string(),
  /** What the job does, e.g. 'cip import declarations lines.csv' or 'lines.csv'; the web app words it by kind. */
  title: z.string(),
  status: z.enum(JOB_STATUSES),
  phase: z.string().nullable(),
  /** Of the current phase, 0–100; null before it starts. */
  percent: z.number().nullable(),
  rows: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  errorCode: z.enum(JOB_ERROR_CODES).nullable(),
  /** The message the CLI gives for the same failure. */
  error: z.string().nullable(),
  /** The rows a --strict import rejected (problems with their first examples), in the reader's language. */
  rejected: z.array(QualityIssueSchema).nullable(),
  result: JobResultSchema.nullable(),
  /** A download is ready at /api/jobs/{id}/download. */
  fileName: z.string().nullable(),
});
export type JobView = z.infer<typeof JobViewSchema>;

/** A job's sentences in the reader's language (they are kept as key and parameters; results of older jobs have none). */
export function jobInLanguage(v: JobView, lang: string): JobView {
  const rejected = v.rejected ? localiseIssues(v.rejected, lang) : v.rejected;
  if (v.result?.type !== 'import') return { ...v, rejected };
  const warnings = (v.result.warnings ?? []).map((m) => INGEST_TEXT.render(m, lang));
  return { ...v, rejected, result: { ...v.result, warnings } };
}

/** A job's failure with the rows it rejected (a --strict import): kept with the job, shown in the reader's language. */
export class RejectedRowsError extends DomainError {
  constructor(
    message: string,
    readonly rejected: QualityIssue[],
  ) {
    super(message);
  }
}
