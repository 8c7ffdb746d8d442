// The overview page: what the workspace holds.
import { z } from 'zod';
import { dataSummary } from '../../workspace/summary.ts';
import { outcomeReport, OutcomeReportSchema } from '../../ingest/outcomes.ts';
import { readRoute, type RouteDef } from '../route-table.ts';

export const overviewRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/overview',
    cache: true,
    summary:
      'Workspace summary: rows per table, period covered, imports, schema version, and which outcomes the lines hold (analyses off, field to map)',
    tag: 'overview',
    access: 'overview.read',
    response: z.object({
      schema: z.object({ count: z.number(), latest: z.string().nullable() }),
      tables: z.array(z.object({ table: z.string(), rows: z.number() })),
      declarations: z.object({
        lines: z.number(),
        operators: z.number(),
        hsCodes: z.number(),
        firstDate: z.string().nullable(),
        lastDate: z.string().nullable(),
        totalValue: z.number(),
      }),
      imports: z.number(),
      outcomes: OutcomeReportSchema,
    }),
    read: async ({ db, user }) =>
      db.read(async (ws) => ({ ...(await dataSummary(ws)), outcomes: await outcomeReport(ws, user.language) })),
  }),
];
