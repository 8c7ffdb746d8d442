// Measuring progress (issue #4 domain: src/measure): Box 2 KPIs with trends, treated-vs-control effect, PCA plan.
import { z } from 'zod';
import { computeKpis, PERIODS, LEVELS as KPI_LEVELS } from '../../measure/kpi/index.ts';
import { estimateEffect, EffectInputError } from '../../measure/effect/index.ts';
import { pcaPlan, PcaPlanError } from '../../measure/pca/index.ts';
import { visibleTins } from '../queries/operators.ts';
import { HttpError, readRoute, type RouteDef } from '../route-table.ts';

const json = z.record(z.string(), z.unknown());

async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof EffectInputError || e instanceof PcaPlanError || /InputError|DataError|SegmentationError/.test((e as Error).constructor?.name ?? '')) {
      throw new HttpError(400, (e as Error).message);
    }
    throw e;
  }
}

export const measureRoutes: RouteDef[] = [
  readRoute({
    method: 'GET', url: '/api/kpis', cache: true, summary: 'Box 2 indicators per period with their variation, and the operational table per compliance risk', tag: 'measure', access: 'measure.read',
    query: z.object({ period: z.enum(PERIODS).default('quarter'), level: z.enum(KPI_LEVELS).optional(), from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
    response: json,
    read: async ({ db, query, user }) =>
      db.read(async (ws) => (await domain(() => computeKpis(ws, { period: query.period, level: query.level, from: query.from ?? null, to: query.to ?? null, lang: user.language }))) as unknown as Record<string, unknown>),
  }),
  readRoute({
    method: 'GET', url: '/api/effect/treatments', cache: true, summary: 'Treatments applied to operators (candidates for effect measurement), with counts', tag: 'measure', access: 'measure.read',
    response: z.array(z.object({ treatment: z.string(), operators: z.number(), first_start: z.string().nullable() })),
    read: async ({ db }) =>
      db.read((ws) => ws.all<{ treatment: string; operators: number; first_start: string | null }>(
        `SELECT treatment, count(DISTINCT operator_id)::BIGINT AS operators, min(start_date)::VARCHAR AS first_start FROM treatments_applied GROUP BY treatment ORDER BY operators DESC, treatment`,
      )),
  }),
  readRoute({
    method: 'GET', url: '/api/effect', cache: true, summary: 'Treated vs matched controls: difference in differences with bootstrap confidence intervals, placebo and quarterly trends', tag: 'measure', access: 'measure.read',
    query: z.object({ treatment: z.string().min(1).max(200), pre_months: z.coerce.number().int().min(1).max(60).optional(), post_months: z.coerce.number().int().min(1).max(60).optional() }),
    response: json,
    read: async ({ db, query }) =>
      db.read(async (ws) => (await domain(() => estimateEffect(ws, { treatment: query.treatment, preMonths: query.pre_months, postMonths: query.post_months }))) as unknown as Record<string, unknown>),
  }),
  readRoute({
    method: 'GET', url: '/api/pca', cache: true, summary: 'Annual post-clearance-audit plan: ranked candidates (GRI, value at risk, no recent control); limited to the user\'s unit', tag: 'measure', access: 'taxpayer.read',
    query: z.object({ capacity: z.coerce.number().int().min(1).max(100_000).default(100), min_level: z.enum(['low', 'medium', 'high']).optional() }),
    response: json,
    read: async ({ db, query, user }) =>
      db.read(async (ws) => {
        const plan = await domain(() => pcaPlan(ws, { capacity: query.capacity, minLevel: query.min_level }));
        const ok = await visibleTins(ws, plan.candidates.map((c) => c.operator_id), user.offices);
        return { ...plan, candidates: plan.candidates.filter((c) => ok.has(c.operator_id)) } as unknown as Record<string, unknown>;
      }),
  }),
];
