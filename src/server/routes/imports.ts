// Import in the browser: upload a file (streamed to disk), get the suggested mapping (as `cip mapping suggest`),
// preview the rows as they would be stored and the rejected ones, save mappings by name, then import as a job
// (POST /api/jobs, kind 'import'). The list of imports is GET /api/data/imports; rejects of one as CSV here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { IMPORT_KINDS, KINDS, SELECTION_REASONS } from '../../ingest/fields.ts';
import { MappingSchema } from '../../ingest/mapping.ts';
import { previewImport, sampleValues, suggestForFile } from '../../ingest/preview.ts';
import { exportRejects } from '../../ingest/quality.ts';
import { listMappings, MAPPING_NAME, saveMapping } from '../../ingest/saved-mappings.ts';
import { DomainError } from '../../errors/index.ts';
import { MessageSchema } from '../../i18n/messages.ts';
import { changeRoute, fileRoute, readRoute, type RouteDef } from '../route-table.ts';
import { receiveUpload, uploadPath } from '../uploads.ts';

const kind = z.enum(IMPORT_KINDS);
const uploadId = z.string().max(64);

export const UploadSchema = z.object({
  uploadId: z.string(),
  fileName: z.string(),
  bytes: z.number(),
  format: z.enum(['csv', 'parquet', 'xlsx']),
});

export const ImportFieldsSchema = z.array(
  z.object({
    kind,
    fields: z.array(
      z.object({
        name: z.string(),
        type: z.enum(['string', 'date', 'number', 'integer', 'boolean', 'channel', 'selection', 'hs']),
        required: z.boolean(),
      }),
    ),
    /** Canonical values a `map` may give, for the field types that have them. */
    values: z.object({ channel: z.array(z.string()), selection: z.array(z.string()), boolean: z.array(z.boolean()) }),
  }),
);

export const SuggestionSchema = z.object({
  kind,
  /** The file's columns, in order. */
  columns: z.array(z.string()),
  /** Up to 12 distinct values per column from the first 500 rows (for value maps). */
  samples: z.record(z.string(), z.array(z.string())),
  mapping: MappingSchema,
  placements: z.array(z.object({ field: z.string(), column: z.string(), score: z.number(), why: z.string() })),
  missing: z.array(z.string()),
  unmapped: z.array(z.string()),
});

const previewValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const PreviewSchema = z.object({
  fields: z.array(z.string()),
  rows: z.array(z.object({ sourceRow: z.number(), values: z.record(z.string(), previewValue) })),
  rejected: z.array(
    z.object({
      sourceRow: z.number(),
      column: z.string().nullable(),
      value: z.string().nullable(),
      /** The problem's code, as in the rejects CSV (e.g. unparseable_date). */
      code: z.string(),
      /** What was expected, in the reader's language (the sentence the import stores with the reject). */
      message: MessageSchema,
    }),
  ),
  scanned: z.number(),
  accepted: z.number(),
});

export const SavedMappingSchema = z.object({
  name: z.string(),
  kind,
  mapping: MappingSchema,
  saved_by: z.string(),
  saved_at: z.string(),
});

export const importRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/imports/fields',
    cache: true,
    summary: 'The canonical fields of each kind of file (type, required) and the values a value map may give',
    tag: 'data',
    access: 'data.read',
    response: ImportFieldsSchema,
    read: async () =>
      IMPORT_KINDS.map((k) => ({
        kind: k,
        fields: KINDS[k].fields.map((f) => ({ name: f.name, type: f.type, required: !!f.required })),
        values: {
          channel: ['green', 'yellow', 'red', 'blue'],
          selection: [...SELECTION_REASONS],
          boolean: [true, false],
        },
      })),
  }),
  // Multipart: one file, streamed to <workspace>/.uploads (limit: cip serve --upload-limit).
  readRoute({
    method: 'POST',
    url: '/api/imports/uploads',
    summary: 'Upload a CSV, Parquet or XLSX file for import (multipart/form-data, one file)',
    tag: 'data',
    access: 'data.write',
    response: UploadSchema,
    read: async ({ db, req }) => receiveUpload(req, db),
  }),
  readRoute({
    method: 'POST',
    url: '/api/imports/suggest',
    summary: "The mapping 'cip mapping suggest' proposes for an upload, with its columns and sample values",
    tag: 'data',
    access: 'data.write',
    body: z.object({ uploadId, kind }),
    response: SuggestionSchema,
    read: async ({ db, body }) => {
      const file = uploadPath(db, body.uploadId);
      const { suggestion, columns, sample } = await suggestForFile(file, body.kind);
      return { ...suggestion, columns, samples: sampleValues(columns, sample) };
    },
  }),
  readRoute({
    method: 'POST',
    url: '/api/imports/preview',
    summary:
      'The first rows of an upload as they would be stored through a mapping, and the rows that would be rejected',
    tag: 'data',
    access: 'data.write',
    body: z.object({ uploadId, kind, mapping: z.unknown() }),
    response: PreviewSchema,
    read: async ({ db, body, user }) =>
      previewImport(uploadPath(db, body.uploadId), body.kind, body.mapping, { lang: user.language }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/imports/mappings',
    summary: 'Mappings saved by name (cip import --mapping NAME uses them too)',
    tag: 'data',
    access: 'data.read',
    response: z.array(SavedMappingSchema),
    read: async ({ db }) => db.read((ws) => listMappings(ws)),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/imports/mappings/:name',
    summary: 'Save a mapping under a name (replaces one of that name)',
    tag: 'data',
    access: 'data.write',
    audit: { action: 'mapping.save', entityType: 'mapping' },
    params: z.object({ name: MAPPING_NAME }),
    body: z.object({ kind, mapping: z.unknown() }),
    response: SavedMappingSchema,
    change: async ({ params, body, user }, ws) => {
      const saved = await saveMapping(ws, params.name, body.kind, body.mapping, user.username);
      return { result: saved, change: { entityId: saved.name, after: saved.mapping } };
    },
  }),
  fileRoute({
    method: 'GET',
    url: '/api/imports/:id/rejects.csv',
    summary: 'The rejected rows of one import with their reasons (as cip quality --rejects --import ID)',
    tag: 'data',
    access: 'data.read',
    params: z.object({ id: z.coerce.number().int().min(1) }),
    file: async ({ db, params }) => {
      const dir = mkdtempSync(join(tmpdir(), 'cip-rejects-'));
      try {
        const out = join(dir, 'rejects.csv');
        await db.read(async (ws) => {
          if (!(await ws.one('SELECT 1 FROM imports WHERE import_id = $id', { id: params.id })))
            throw new DomainError(`no import #${params.id}`, 'not_found');
          await exportRejects(ws, out, params.id);
        });
        return {
          filename: `import-${params.id}-rejects.csv`,
          contentType: 'text/csv; charset=utf-8',
          data: readFileSync(out),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  }),
];

export type Upload = z.infer<typeof UploadSchema>;
export type ImportFields = z.infer<typeof ImportFieldsSchema>;
export type SuggestionAnswer = z.infer<typeof SuggestionSchema>;
export type PreviewAnswer = z.infer<typeof PreviewSchema>;
export type SavedMappingAnswer = z.infer<typeof SavedMappingSchema>;
