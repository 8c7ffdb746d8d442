// The data page: imports done and the data-quality report (ingest context).
import { z } from 'zod';
import { qualityReport } from '../../ingest/index.ts';
import { QualityReportSchema } from '../../ingest/quality.ts';
import { readRoute, type RouteDef } from '../route-table.ts';

export const ImportRowSchema = z.object({
  import_id: z.number(),
  kind: z.string(),
  file_name: z.string(),
  imported_by: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string(),
  rows_read: z.number(),
  rows_imported: z.number(),
  rows_rejected: z.number(),
  rows_duplicate: z.number(),
});
export type ImportRow = z.infer<typeof ImportRowSchema>;
export type QualityAnswer = z.infer<typeof QualityReportSchema>;

export const dataRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/data/imports',
    summary: 'Imports done: file, kind, rows read, imported, rejected, duplicates, who and when',
    tag: 'data',
    access: 'data.read',
    response: z.array(ImportRowSchema),
    read: async ({ db }) =>
      db.read((ws) =>
        ws.all(`SELECT import_id, kind, file_name, imported_by, started_at, finished_at, rows_read, rows_imported, rows_rejected, rows_duplicate
                               FROM imports ORDER BY import_id DESC LIMIT 500`),
      ),
  }),
  readRoute({
    method: 'GET',
    url: '/api/data/quality',
    summary: 'Data-quality report: errors and warnings with file, column, count and examples',
    tag: 'data',
    access: 'data.read',
    response: QualityReportSchema,
    read: async ({ db, user }) => db.read((ws) => qualityReport(ws, user.language)),
  }),
];
