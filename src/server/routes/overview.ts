// The overview page: what the workspace holds.
import { z } from 'zod';
import { dataSummary } from '../../workspace/summary.ts';
import { outcomeReport, OUTCOME_ANALYSES } from '../../ingest/outcomes.ts';
import { MessageSchema } from '../../i18n/messages.ts';
import { readRoute, type RouteDef } from '../route-table.ts';

const OutcomesOut = z.object({
  lines: z.number(),
  inspected: z.number(),
  inspectedTrue: z.number(),
  finding: z.number(),
  findingTrue: z.number(),
  channel: z.number(),
  off: z.array(z.object({ analysis: z.enum(OUTCOME_ANALYSES), field: z.enum(['inspected', 'finding']) })),
  kpisOff: z.array(z.string()),
  statements: z.array(MessageSchema),
  warning: z.boolean(),
});

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
      outcomes: OutcomesOut,
    }),
    read: async ({ db, user }) =>
      db.read(async (ws) => ({ ...(await dataSummary(ws)), outcomes: await outcomeReport(ws, user.language) })),
  }),
];
