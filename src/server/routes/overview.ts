// The overview page: what the workspace holds.
import { z } from 'zod';
import { dataSummary } from '../../workspace/summary.ts';
import { readRoute, type RouteDef } from '../route-table.ts';

export const overviewRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/overview',
    cache: true,
    summary: 'Workspace summary: rows per table, period covered, imports, schema version',
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
    }),
    read: async ({ db }) => db.read((ws) => dataSummary(ws)),
  }),
];
