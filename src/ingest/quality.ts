// Data quality: problems that reject rows (errors, kept in import_rejects with their reasons) and problems
// worth a look that do not (warnings: value outliers per HS code, operators missing from the operator table).
// Every issue carries file, column, a count and the first examples with their row numbers.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';
import type { KindDef } from './fields.ts';
import { safeCellSql } from '../exports/cells.ts';
import { INGEST_TEXT, outcomeReport, OutcomeReportSchema, type OutcomeReport } from './outcomes.ts';
import { asLang, MessageRefSchema, type Message } from '../i18n/messages.ts';

export const IssueExampleSchema = z.object({
  file: z.string(),
  row: z.number(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  message: z.string(),
  /** The sentence as a message (stored with the problem); localiseIssues renders it into `message` and drops it. */
  detail: MessageRefSchema.optional(),
});
export type IssueExample = z.infer<typeof IssueExampleSchema>;

export const QualityIssueSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  file: z.string().nullable(),
  column: z.string().nullable(),
  count: z.number(),
  examples: z.array(IssueExampleSchema),
  /** Rejects only: the most frequent distinct values behind the problem, with their row counts. */
  values: z.array(z.object({ value: z.string().nullable(), rows: z.number() })).optional(),
});
export type QualityIssue = z.infer<typeof QualityIssueSchema>;

const RulesSchema = z.strictObject({
  outliers: z.strictObject({
    min_lines: z.number().int().min(2),
    iqr_factor: z.number().positive(),
    min_distance_log10: z.number().min(0),
  }),
  examples: z.number().int().min(1).max(100),
  limits: z.strictObject({
    date_min: z.iso.date(),
    days_ahead: z.number().int().min(0).max(3660),
    amount_max: z.number().positive().max(1e300),
    max_columns: z.number().int().min(1).max(10_000),
    max_line_bytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024),
  }),
});
type Rules = z.infer<typeof RulesSchema>;
let rules: Rules | undefined;
export function qualityRules(): Rules {
  rules ??= RulesSchema.parse(parse(readFileSync(new URL('./quality-rules.yaml', import.meta.url), 'utf8')));
  return rules;
}

interface GroupRow {
  file: string | null;
  code: string;
  column_name: string | null;
  n: number;
  examples: { row: number; value: string | null; reason: string; detail?: string | null }[];
}

function toIssues(rows: GroupRow[], severity: QualityIssue['severity']): QualityIssue[] {
  return rows.map((r) => ({
    code: r.code,
    severity,
    file: r.file,
    column: r.column_name,
    count: Number(r.n),
    examples: (r.examples ?? []).map((e) => ({
      file: r.file ?? '',
      row: Number(e.row),
      column: r.column_name,
      value: e.value,
      message: e.reason.replace(/^[a-z_]+: /, ''),
      ...(e.detail ? { detail: JSON.parse(e.detail) as IssueExample['detail'] } : {}),
    })),
  }));
}

/** Groups the rejects of an import being run (a temp table: source_row, column_name, value, reason). */
export async function rejectIssues(
  ws: Workspace,
  table: string,
  file: string,
  rejected: number,
): Promise<QualityIssue[]> {
  if (rejected === 0) return [];
  const rows = await ws.all<GroupRow>(
    `SELECT $file AS file, split_part(reason, ':', 1) AS code, column_name, count(*) AS n,
            list({'row': source_row, 'value': value, 'reason': reason, 'detail': detail} ORDER BY source_row)[1:$k] AS examples
     FROM ${table} GROUP BY ALL ORDER BY n DESC, code, column_name`,
    { file, k: qualityRules().examples },
  );
  const seen = await ws.all<ValuesRow>(
    `SELECT $file AS file, code, column_name, list({'value': value, 'rows': n} ORDER BY n DESC, value)[1:$k] AS vals
     FROM (SELECT split_part(reason, ':', 1) AS code, column_name, value, count(*) AS n FROM ${table} GROUP BY ALL)
     GROUP BY ALL`,
    { file, k: VALUES_SHOWN },
  );
  return withValues(toIssues(rows, 'error'), seen);
}

/** Distinct values shown per reject group ("values seen"). */
const VALUES_SHOWN = 10;
interface ValuesRow {
  file: string | null;
  code: string;
  column_name: string | null;
  vals: { value: string | null; rows: number }[];
}

function withValues(issues: QualityIssue[], seen: ValuesRow[]): QualityIssue[] {
  const key = (f: string | null, c: string, col: string | null) => `${f}\u0000${c}\u0000${col}`;
  const m = new Map(seen.map((r) => [key(r.file, r.code, r.column_name), r.vals]));
  return issues.map((i) => {
    const v = m.get(key(i.file, i.code, i.column));
    return v ? { ...i, values: v.map((x) => ({ value: x.value, rows: Number(x.rows) })) } : i;
  });
}

/** Rejects of committed imports, grouped per file, problem and column. */
export async function storedRejectIssues(ws: Workspace, importId?: number): Promise<QualityIssue[]> {
  const rows = await ws.all<GroupRow>(
    `SELECT i.file_name AS file, split_part(r.reason, ':', 1) AS code, r.column_name, count(*) AS n,
            list({'row': r.row_no, 'value': r.value, 'reason': r.reason, 'detail': r.detail} ORDER BY r.row_no)[1:$k] AS examples
     FROM import_rejects r JOIN imports i USING (import_id)
     WHERE $id IS NULL OR r.import_id = $id
     GROUP BY ALL ORDER BY file, n DESC, code, column_name`,
    { k: qualityRules().examples, id: importId ?? null },
  );
  const seen = await ws.all<ValuesRow>(
    `SELECT file, code, column_name, list({'value': value, 'rows': n} ORDER BY n DESC, value)[1:$k] AS vals
     FROM (SELECT i.file_name AS file, split_part(r.reason, ':', 1) AS code, r.column_name, r.value, count(*) AS n
           FROM import_rejects r JOIN imports i USING (import_id) WHERE $id IS NULL OR r.import_id = $id GROUP BY ALL)
     GROUP BY ALL`,
    { k: VALUES_SHOWN, id: importId ?? null },
  );
  return withValues(toIssues(rows, 'error'), seen);
}

/**
 * Value outliers per HS code: log10(value) outside [Q1 − k·IQR, Q3 + k·IQR] of the code's lines (codes with at
 * least min_lines lines). Restricted to one import's lines when importId is given; the code's statistics
 * always use every line in the workspace.
 */
export async function valueOutliers(ws: Workspace, importId?: number, valueColumn = 'value'): Promise<QualityIssue[]> {
  return toIssues(
    await ws.all<GroupRow>(VALUE_OUTLIERS, { ...outlierParams(importId, valueColumn), nofile: NO_IMPORT }),
    'warning',
  );
}

const NO_IMPORT = '(no import)';

const VALUE_OUTLIERS = `WITH big AS (
       SELECT hs_code FROM declaration_lines WHERE value > 0 GROUP BY hs_code HAVING count(*) >= $min),
     stats AS (
       SELECT hs_code, quantile_cont(log10(value), 0.25) AS q1, quantile_cont(log10(value), 0.75) AS q3
       FROM declaration_lines SEMI JOIN big USING (hs_code) WHERE value > 0 GROUP BY hs_code),
     out AS NOT MATERIALIZED (
       SELECT d.import_id, d.source_row, d.hs_code, d.value, s.q1, s.q3
       FROM declaration_lines d JOIN stats s USING (hs_code)
       WHERE ($id IS NULL OR d.import_id = $id) AND d.value > 0
         AND (log10(d.value) < s.q1 - greatest($k * (s.q3 - s.q1), $dist)
              OR log10(d.value) > s.q3 + greatest($k * (s.q3 - s.q1), $dist)))
     SELECT coalesce(i.file_name, $nofile) AS file, 'value_outlier' AS code, $vcol AS column_name, count(*) AS n,
            list({'row': o.source_row, 'value': CAST(round(o.value, 2) AS VARCHAR),
                  'reason': 'value_outlier: value ' || round(o.value, 2) || ' (as stored) is far outside the usual range of HS ' || o.hs_code ||
                            ' (quartiles ' || round(10 ^ o.q1, 2) || ' .. ' || round(10 ^ o.q3, 2) || ')',
                  'detail': json_object('key', 'warning.value_outlier', 'params', json_object('value', round(o.value, 2),
                            'hs', o.hs_code, 'q1', round(10 ^ o.q1, 2), 'q3', round(10 ^ o.q3, 2)))::VARCHAR}
                 ORDER BY o.source_row)[1:$ex] AS examples
     FROM out o LEFT JOIN imports i USING (import_id) GROUP BY ALL ORDER BY file`;

function outlierParams(importId: number | undefined, valueColumn: string): Record<string, unknown> {
  const r = qualityRules();
  return {
    min: r.outliers.min_lines,
    k: r.outliers.iqr_factor,
    dist: r.outliers.min_distance_log10,
    id: importId ?? null,
    vcol: valueColumn,
    ex: r.examples,
  };
}

/** Operators that appear in declaration lines but not in the operator table (count per file, first examples). */
export async function missingOperators(
  ws: Workspace,
  importId?: number,
  operatorColumn = 'operator_id',
): Promise<QualityIssue[]> {
  const rows = await ws.all<GroupRow>(MISSING_OPERATORS, {
    id: importId ?? null,
    ocol: operatorColumn,
    ex: qualityRules().examples,
    nofile: NO_IMPORT,
  });
  return toIssues(rows, 'warning');
}

const MISSING_OPERATORS = `WITH miss AS NOT MATERIALIZED (
       SELECT d.import_id, d.source_row, d.operator_id FROM declaration_lines d
       WHERE ($id IS NULL OR d.import_id = $id) AND d.operator_id NOT IN (SELECT operator_id FROM operators)),
     per_import AS (
       SELECT import_id, count(DISTINCT operator_id) AS n, min_by({'row': source_row, 'value': operator_id}, source_row, $ex) AS firsts
       FROM miss GROUP BY import_id)
     SELECT coalesce(i.file_name, $nofile) AS file, 'operator_not_in_operators' AS code, $ocol AS column_name, p.n,
            -- the message is made for the examples only, not for every line (half the cost of the query)
            list_transform(list_sort(p.firsts), lambda e: {'row': e.row, 'value': e.value,
              'reason': 'operator_not_in_operators: operator ' || e.value || ' is not in the operator table',
              'detail': NULL::VARCHAR}) AS examples
     FROM per_import p LEFT JOIN imports i USING (import_id) ORDER BY file`;

/**
 * The query of importWarnings (undefined when the kind has none): rows with `part` first, for warningIssues.
 * fileName names the import's lines while its row in imports is not written yet. Value outliers and missing
 * operators are one statement: inside the import's transaction its new rows are scanned by one thread per
 * scan, and the two checks' scans then run side by side (≈ 0.62 s instead of 0.52 + 0.62 s per 10M lines).
 */
export function importWarningsQuery(
  def: KindDef,
  importId: number,
  columnOfField: Record<string, string> = {},
  fileName = NO_IMPORT,
): { sql: string; params: Record<string, unknown> } | undefined {
  if (def.kind !== 'declarations') return undefined;
  return {
    sql: `SELECT 1 AS part, * FROM (${VALUE_OUTLIERS}) UNION ALL SELECT 2 AS part, * FROM (${MISSING_OPERATORS})`,
    params: {
      ...outlierParams(importId, columnOfField.value ?? 'value'),
      ocol: columnOfField.operator_id ?? 'operator_id',
      nofile: fileName,
    },
  };
}

/** The rows of importWarningsQuery, ordered by part then file, as issues. */
export function warningIssues(rows: Record<string, unknown>[]): QualityIssue[] {
  return toIssues(rows as unknown as GroupRow[], 'warning');
}

/** Warnings about the rows one import just added (declarations only): value outliers, then missing operators. */
export async function importWarnings(
  ws: Workspace,
  def: KindDef,
  importId: number,
  columnOfField: Record<string, string> = {},
): Promise<QualityIssue[]> {
  const q = importWarningsQuery(def, importId, columnOfField);
  return q ? warningIssues(await ws.all(`${q.sql} ORDER BY part, file`, q.params)) : [];
}

/** The data-quality report (zod: GET /api/data/quality's answer and the web app's type). */
export const QualityReportSchema = z.object({
  errors: z.array(QualityIssueSchema),
  warnings: z.array(QualityIssueSchema),
  totals: z.object({ rejectedRows: z.number(), outlierLines: z.number(), missingOperators: z.number() }),
  /** Which outcomes the lines hold and which analyses are off. */
  outcomes: OutcomeReportSchema,
});
export type QualityReport = z.infer<typeof QualityReportSchema>;

/**
 * The issues with their examples' messages in `lang`: the sentence made with the problem (its detail: formats
 * expected, limits, the first row of a duplicate) in that language; English keeps the sentence stored with it.
 * Problems stored without a detail (older imports) get the sentence of their code (quality.<code>) with the column and
 * value.
 */
export function localiseIssues(issues: QualityIssue[], lang: string): QualityIssue[] {
  const known = INGEST_TEXT.templates();
  const en = asLang(lang) === 'en';
  return issues.map((i) => ({
    ...i,
    examples: i.examples.map(({ detail, ...e }) => {
      if (en) return e;
      if (detail && detail.key in known) return { ...e, message: INGEST_TEXT.render(detail, lang).text };
      const params = { column: e.column ?? '', value: e.value ?? '', code: i.code };
      const key = `quality.${i.code}` in known ? `quality.${i.code}` : 'quality.other';
      return { ...e, message: INGEST_TEXT.message(key, params, lang).text };
    }),
  }));
}

/** The workspace's data-quality report: rejected rows of every import, outliers, missing operators, outcomes. */
export async function qualityReport(ws: Workspace, lang = 'en'): Promise<QualityReport> {
  const errors = localiseIssues(await storedRejectIssues(ws), lang);
  const outliers = await valueOutliers(ws);
  const missing = await missingOperators(ws);
  return {
    outcomes: await outcomeReport(ws, lang),
    errors,
    warnings: localiseIssues([...outliers, ...missing], lang),
    totals: {
      rejectedRows: Number(await ws.scalar('SELECT count(DISTINCT (import_id, row_no)) FROM import_rejects')),
      outlierLines: outliers.reduce((a, i) => a + i.count, 0),
      missingOperators: Number(
        await ws.scalar(
          'SELECT count(DISTINCT operator_id) FROM declaration_lines d WHERE NOT EXISTS (SELECT 1 FROM operators o WHERE o.operator_id = d.operator_id)',
        ),
      ),
    },
  };
}

/** Writes the stored rejects (optionally of one import) to a CSV file; returns the number of rows written. */
export async function exportRejects(ws: Workspace, outFile: string, importId?: number): Promise<number> {
  const n = Number(
    await ws.scalar('SELECT count(*) FROM import_rejects WHERE $id IS NULL OR import_id = $id', {
      id: importId ?? null,
    }),
  );
  await ws.run(
    `COPY (SELECT r.import_id, ${safeCellSql('i.file_name')} AS file, r.row_no AS row, ${safeCellSql('r.column_name')} AS "column",
                  ${safeCellSql('r.value')} AS value, split_part(r.reason, ':', 1) AS problem,
                  ${safeCellSql("trim(substr(r.reason, strpos(r.reason, ':') + 1))")} AS reason
           FROM import_rejects r JOIN imports i USING (import_id)
           WHERE $id IS NULL OR r.import_id = $id ORDER BY r.import_id, r.row_no, r.column_name)
     TO '${outFile.replace(/'/g, "''")}' (HEADER, DELIMITER ',')`,
    { id: importId ?? null },
  );
  return n;
}

/**
 * What an import leaves to look at, as messages (rendered in the reader's language where shown): each warning
 * (rows kept: value outliers, operators not in the operator table) with its file, column and count, then each
 * analysis the lines leave off (the outcome statements after the first).
 */
export function importWarningMessages(issues: QualityIssue[], outcomes?: OutcomeReport): Message[] {
  const known = INGEST_TEXT.templates();
  const warnings = issues
    .filter((i) => i.severity === 'warning')
    .map((i) => {
      const key = `import_warning.${i.code}` in known ? `import_warning.${i.code}` : 'import_warning.other';
      const params = { file: i.file ?? '-', column: i.column ?? '-', count: i.count, code: i.code };
      return INGEST_TEXT.message(key, params);
    });
  return [...warnings, ...(outcomes?.statements.slice(1) ?? [])];
}
