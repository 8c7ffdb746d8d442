// Before an import: the suggested mapping of a file (what `cip mapping suggest` prints) and a preview of the first
// rows as they would be stored, with the rows that would be rejected and why. Both read the file with a throw-away
// in-memory DuckDB: nothing touches the workspace.
import { basename } from 'node:path';
import { kindDef, type ImportKind } from './fields.ts';
import { validateMapping, type Mapping } from './mapping.ts';
import { compileMapping } from './compile.ts';
import { INGEST_TEXT } from './outcomes.ts';
import type { Message } from '../i18n/messages.ts';
import { describeReadError, memoryReader, openSource, sampleRows, type SourceReader } from './source.ts';
import { suggestMapping, type Suggestion } from './suggest.ts';

/** The mapping `cip mapping suggest FILE --kind KIND` proposes, with the file's columns. */
export async function suggestForFile(
  file: string,
  kind: ImportKind,
  sample = 500,
): Promise<{ suggestion: Suggestion; columns: string[]; sample: Record<string, string | null>[] }> {
  const reader = await memoryReader();
  try {
    const src = await openSource(reader, file);
    try {
      const columns = src.columns.map((c) => c.name);
      const rows = await sampleRows(reader, src, sample);
      return { suggestion: suggestMapping(kind, columns, rows), columns, sample: rows };
    } finally {
      src.cleanup();
    }
  } finally {
    reader.close();
  }
}

/** Distinct values of each column in a sample, at most `max` each (to build value maps from). */
export function sampleValues(
  columns: string[],
  sample: Record<string, string | null>[],
  max = 12,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of columns) {
    const seen = new Set<string>();
    for (const r of sample) {
      const v = r[c];
      if (v !== null && v !== undefined && v.trim() !== '') seen.add(v);
      if (seen.size >= max) break;
    }
    out[c] = [...seen];
  }
  return out;
}

export type PreviewValue = string | number | boolean | null;

export interface ImportPreview {
  /** Canonical fields, in the order of the kind's definition. */
  fields: string[];
  /** The first rows that would be stored, their values as stored (dates YYYY-MM-DD). */
  rows: { sourceRow: number; values: Record<string, PreviewValue> }[];
  /**
   * Problems of the rows that would be rejected (one per problem), first ones first: the problem's code and its
   * sentence, the message the import stores with the reject (import_rejects.detail), in the reader's language.
   */
  rejected: { sourceRow: number; column: string | null; value: string | null; code: string; message: Message }[];
  /** Rows of the file's beginning the preview looked at, and how many of them would be stored. */
  scanned: number;
  accepted: number;
}

function plain(v: unknown): PreviewValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return String(v);
}

/**
 * The first `scan` rows of a file through a mapping: the first `rows` that would be stored and the first
 * `rejects` problems, exactly as the import would find them (the same compiled mapping). Repeated keys are
 * only found by the import itself.
 */
export async function previewImport(
  file: string,
  kind: ImportKind,
  rawMapping: unknown,
  opts: { rows?: number; rejects?: number; scan?: number; lang?: string } = {},
): Promise<ImportPreview> {
  const def = kindDef(kind);
  const mapping: Mapping = validateMapping(rawMapping, kind, '(preview)');
  const reader = await memoryReader();
  try {
    const src = await openSource(reader, file, mapping.source ?? {});
    try {
      const scan = Math.floor(opts.scan ?? 10_000);
      const limited = { ...src, relation: `(SELECT * FROM ${src.relation} LIMIT ${scan})` };
      const compiled = compileMapping(def, mapping, limited);
      const fields = def.fields.map((f) => f.name);
      const q = async <T>(sql: string): Promise<T[]> => {
        try {
          return await (reader as SourceReader).all<T>(sql, compiled.params);
        } catch (err) {
          throw describeReadError(basename(file), err);
        }
      };
      const rows = await q<Record<string, unknown>>(
        `SELECT source_row, ${fields.map((f) => `f_${f}`).join(', ')} FROM (${compiled.select}) WHERE ok
         ORDER BY source_row LIMIT ${Math.floor(opts.rows ?? 20)}`,
      );
      const rejected = await q<{
        source_row: unknown;
        column: string | null;
        value: string | null;
        reason: string;
        detail: string;
      }>(
        `SELECT source_row, e.column AS "column", e.value AS value, e.reason AS reason, e.detail AS detail
         FROM (SELECT source_row, unnest(errs) AS e FROM (${compiled.select}) WHERE errs IS NOT NULL)
         ORDER BY source_row LIMIT ${Math.floor(opts.rejects ?? 50)}`,
      );
      const counts = await q<{ scanned: unknown; accepted: unknown }>(
        `SELECT count(*) AS scanned, count(*) FILTER (WHERE ok) AS accepted FROM (${compiled.select})`,
      );
      return {
        fields,
        rows: rows.map((r) => ({
          sourceRow: Number(r.source_row),
          values: Object.fromEntries(fields.map((f) => [f, plain(r[`f_${f}`])])),
        })),
        rejected: rejected.map((r) => ({
          sourceRow: Number(r.source_row),
          column: r.column,
          value: r.value,
          code: r.reason.split(':', 1)[0],
          message: INGEST_TEXT.render(JSON.parse(r.detail) as Pick<Message, 'key' | 'params'>, opts.lang ?? 'en'),
        })),
        scanned: Number(counts[0].scanned),
        accepted: Number(counts[0].accepted),
      };
    } finally {
      src.cleanup();
    }
  } finally {
    reader.close();
  }
}
