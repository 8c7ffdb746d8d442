// Segmentation and the GRI (issue #3 domain: src/segmentation). Aggregates for every analyst role;
// operator-level data (TINs) only with taxpayer.read, and only inside the user's unit.
import { DomainError } from '../../errors/index.ts';
import { z } from 'zod';
import {
  builtinIndicators,
  computeSegmentation,
  explainOperator,
  extendedTable,
  getConfig,
  hsTable,
  lastRun,
  links,
  listRisks,
  mergeConfig,
  rescore,
  SegmentationError,
  setConfig,
  table1,
  table4,
  WEIGHT_METHODS,
  parseConfig,
  SEGMENTATION_TEXT,
  type GriConfig,
  configSchema,
  ExplanationSchema,
  WindowSchema,
  WindowSpanSchema,
} from '../../segmentation/index.ts';
import { listOperators, OPERATOR_SORTS, operatorInScope, visibleTins } from '../queries/operators.ts';
import { changeRoute, fileRoute, readRoute, type RouteDef } from '../route-table.ts';
import {
  writeOperatorList,
  LEVELS,
  operatorList,
  OperatorListSchema,
  SIZES,
} from '../../segmentation/operator-list.ts';
import { assertDirectChangeAllowed } from '../../governance/approvals.ts';
import { operatorUnitId } from '../units.ts';
import { MessageSchema } from '../../i18n/messages.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const risk = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'a risk code such as general or valuation')
  .default('general');
const RiskQ = z.object({ risk });
const OperatorListQuery = z.object({
  risk,
  level: z.enum(LEVELS).optional(),
  size: z.enum(SIZES).optional(),
  unit: z.string().min(1).max(100).optional(),
});
/** A partial GRI configuration: merged with the one in force, then validated whole by the domain's schema (parseConfig). */
const configPatch = z.record(z.string(), z.unknown());
/** Counts inside DuckDB structs and lists arrive as bigint. */
const count = z.union([z.number(), z.bigint()]).transform((v) => Number(v));

const Table1Out = z.object({
  window: WindowSpanSchema,
  basis: z.string(),
  thresholds: z.object({ large: z.number(), medium: z.number() }),
  rows: z.array(
    z.object({
      size: z.string(),
      operators: z.number(),
      pctOperators: z.number(),
      value: z.number(),
      pctValue: z.number(),
    }),
  ),
});
const Table4Out = z.object({
  risk: z.string(),
  configId: z.string(),
  computedAt: z.string(),
  rows: z.array(
    z.object({
      size: z.string(),
      level: z.string().nullable(),
      operators: z.number(),
      pctOperators: z.number(),
      value: z.number(),
      pctValue: z.number(),
      vat: z.number().optional(),
      duty: z.number().optional(),
      excise: z.number().optional(),
      repeatOffenders: z.number().optional(),
      withoutControl: z.number().optional(),
    }),
  ),
});
const OperatorRowOut = z.object({
  operator_id: z.string(),
  name: z.string().nullable(),
  office: z.string().nullable(),
  region: z.string().nullable(),
  size_segment: z.string(),
  risk_level: z.string(),
  gri: z.number(),
  total_value: z.number(),
  lines: z.number(),
});

/** Table 5: importers of a sensitive HS code by size × level, with TINs and GRIs. */
const Table5Out = z.object({
  hsCode: z.string(),
  window: WindowSpanSchema,
  importers: z.number(),
  cells: z.array(
    z.object({
      size: z.string(),
      level: z.string(),
      importers: z.number(),
      operators: z.array(z.object({ tin: z.string(), gri: z.number(), lines: count, value: z.number() })),
    }),
  ),
});

/** A broker or supplier shared by importers of the HS code, with those importers. */
const LinkOut = z.object({
  id: z.string(),
  operators: z.number(),
  highRiskOperators: z.number(),
  lines: z.number(),
  value: z.number(),
  members: z.array(z.object({ tin: z.string(), gri: z.number(), level: z.string(), lines: count })),
});

/** Brokers and suppliers shared by the importers of a sensitive HS code. */
const LinksOut = z.object({ hsCode: z.string(), brokers: z.array(LinkOut), suppliers: z.array(LinkOut) });

export type Table1 = z.infer<typeof Table1Out>;
export type Table4 = z.infer<typeof Table4Out>;
export type Table4Row = Table4['rows'][number];
export type OperatorRow = z.infer<typeof OperatorRowOut>;
export type Table5 = z.infer<typeof Table5Out>;
export type HsLinks = z.infer<typeof LinksOut>;

/** One operator: registry details, its unit and its GRI explained (the operator page). */
const OperatorOut = z.object({
  details: z.object({
    operator_id: z.string(),
    name: z.string().nullable(),
    office: z.string().nullable(),
    region: z.string().nullable(),
    isic_sector: z.string().nullable(),
    aeo_status: z.boolean().nullable(),
    registration_date: z.string().nullable(),
  }),
  unit: z.string(),
  explanation: ExplanationSchema,
});
export type OperatorView = z.infer<typeof OperatorOut>;

/** What the GRI workbench needs: configuration in force, last run's indicators, weights, bars, histogram. */
async function workbench(ws: Parameters<typeof getConfig>[0], r: string, lang: string) {
  const stored = await getConfig(ws, r);
  const run = await lastRun(ws, r);
  return {
    risk: r,
    configId: stored.configId,
    version: stored.version,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt,
    config: stored.config,
    catalogue: builtinIndicators().map((d) => ({
      code: d.code,
      family: d.family,
      names: d.names as Record<string, string>,
    })),
    run: run && {
      configId: run.configId,
      computedAt: run.computedAt,
      window: run.window,
      lines: run.lines,
      operators: run.operators,
      indicators: run.indicators.map((i) => ({
        code: i.code,
        family: i.family,
        names: i.names as Record<string, string>,
        available: i.available,
        missing: i.missing,
        flagged: i.flagged ?? null,
      })),
      notes: (run.notes ?? []).map((n) => SEGMENTATION_TEXT.render(n, lang)),
      scoring: {
        method: run.scoring.method,
        weights: run.scoring.weights,
        bars: run.scoring.bars,
        levels: run.scoring.levels,
        histogram: run.scoring.histogram,
      },
    },
  };
}

export const WorkbenchOut = z.object({
  risk: z.string(),
  configId: z.string(),
  version: z.number(),
  createdBy: z.string().nullable(),
  createdAt: z.string().nullable(),
  config: configSchema,
  catalogue: z.array(z.object({ code: z.string(), family: z.string(), names: z.record(z.string(), z.string()) })),
  run: z
    .object({
      configId: z.string(),
      computedAt: z.string(),
      window: WindowSchema,
      lines: z.number(),
      operators: z.number(),
      notes: z.array(MessageSchema),
      indicators: z.array(
        z.object({
          code: z.string(),
          family: z.string(),
          names: z.record(z.string(), z.string()),
          available: z.boolean(),
          missing: z.array(z.string()),
          flagged: z.number().nullable(),
        }),
      ),
      scoring: z.object({
        method: z.string(),
        weights: z.array(z.object({ code: z.string(), weight: z.number() })),
        bars: z.object({ medium: z.number(), high: z.number() }),
        levels: z.record(z.string(), z.number()),
        histogram: z.object({
          bins: z.array(z.object({ from: z.number(), to: z.number(), operators: z.number() })),
          bars: z.object({ medium: z.number(), high: z.number() }),
          mean: z.number(),
          sd: z.number(),
        }),
      }),
    })
    .nullable(),
});

const LevelsPatch = z.object({
  method: z.enum(['manual', 'quantile', 'meanSd']).optional(),
  manual: z
    .object({ medium: z.number().min(0), high: z.number().min(0) })
    .partial()
    .optional(),
  quantile: z
    .object({ medium: z.number().min(0).max(1), high: z.number().min(0).max(1) })
    .partial()
    .optional(),
  meanSd: z.object({ medium: z.number(), high: z.number() }).partial().optional(),
});
const WeightsPatch = z.object({
  method: z.enum(WEIGHT_METHODS).optional(),
  expert: z.record(z.string(), z.number().min(0)).optional(),
  tolerance: z.number().min(0).max(1).optional(),
});

export const segmentationRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/segmentation/risks',
    cache: true,
    summary: 'Risks with a GRI configuration (general and risk-specific)',
    tag: 'segmentation',
    access: 'segments.read',
    response: z.array(z.string()),
    read: async ({ db }) => db.read(async (ws) => [...new Set(['general', ...(await listRisks(ws))])]),
  }),
  readRoute({
    method: 'GET',
    url: '/api/segmentation/table1',
    cache: true,
    summary: 'Table 1: operators and value by size',
    tag: 'segmentation',
    access: 'segments.read',
    query: RiskQ,
    response: Table1Out,
    read: async ({ db, query }) => db.read((ws) => table1(ws, query.risk)),
  }),
  readRoute({
    method: 'GET',
    url: '/api/segmentation/table4',
    cache: true,
    summary:
      'Table 4: size × risk level (operators, value); extended=true adds VAT, duty, excise, repeat offenders, never controlled',
    tag: 'segmentation',
    access: 'segments.read',
    query: z.object({ risk, extended: z.enum(['true', 'false']).default('false') }),
    response: Table4Out,
    read: async ({ db, query }) =>
      db.read((ws) => (query.extended === 'true' ? extendedTable(ws, query.risk) : table4(ws, query.risk))),
  }),
  readRoute({
    method: 'GET',
    url: '/api/segmentation/operators',
    cache: true,
    summary:
      "Operators of a segment (drill-down), sorted, filtered and paged on the server; limited to the user's unit",
    tag: 'segmentation',
    access: 'taxpayer.read',
    query: z.object({
      risk,
      size: z.enum(['large', 'medium', 'small']).optional(),
      level: z.enum(['high', 'medium', 'low']).optional(),
      q: z.string().max(100).optional(),
      sort: z.enum(OPERATOR_SORTS).default('gri'),
      dir: z.enum(['asc', 'desc']).default('desc'),
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    response: z.object({ rows: z.array(OperatorRowOut), total: z.number() }),
    read: async ({ db, query, user }) => db.read((ws) => listOperators(ws, { ...query, offices: user.offices })),
  }),
  readRoute({
    method: 'GET',
    url: '/api/operators/:id',
    cache: true,
    summary: 'One operator: registry details and its GRI explained indicator by indicator',
    tag: 'segmentation',
    access: 'taxpayer.read',
    params: z.object({ id: z.string().min(1).max(64) }),
    query: RiskQ,
    response: OperatorOut,
    read: async ({ db, params, query, user }) =>
      db.read(async (ws) => {
        const details = await operatorInScope(ws, params.id, user.offices);
        if (!details) throw new DomainError(`no operator ${params.id} in your unit (${user.unit_id})`, 'not_found');
        const explanation = await explainOperator(ws, params.id, query.risk, user.language);
        return {
          details,
          unit: operatorUnitId(details.office),
          explanation,
        };
      }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/segmentation/hs/:code',
    cache: true,
    summary:
      "Table 5: operators trading a sensitive HS code, by size × level, with TINs and GRIs (limited to the user's unit)",
    tag: 'segmentation',
    access: 'taxpayer.read',
    params: z.object({ code: z.string().max(20) }),
    query: z.object({ risk, limit: z.coerce.number().int().min(1).max(200).default(20) }),
    response: Table5Out,
    read: async ({ db, params, query, user }) =>
      db.read(async (ws) => {
        const t = await hsTable(ws, params.code, { risk: query.risk, limit: query.limit });
        const ok = await visibleTins(
          ws,
          t.cells.flatMap((c) => c.operators.map((o) => o.tin)),
          user.offices,
        );
        return { ...t, cells: t.cells.map((c) => ({ ...c, operators: c.operators.filter((o) => ok.has(o.tin)) })) };
      }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/segmentation/hs/:code/links',
    cache: true,
    summary:
      "Brokers and suppliers shared by operators trading a sensitive HS code (members limited to the user's unit)",
    tag: 'segmentation',
    access: 'taxpayer.read',
    params: z.object({ code: z.string().max(20) }),
    query: z.object({ risk, limit: z.coerce.number().int().min(1).max(100).default(20) }),
    response: LinksOut,
    read: async ({ db, params, query, user }) =>
      db.read(async (ws) => {
        const l = await links(ws, params.code, { risk: query.risk, limit: query.limit });
        const ok = await visibleTins(
          ws,
          [...l.brokers, ...l.suppliers].flatMap((h) => h.members.map((m) => m.tin)),
          user.offices,
        );
        const trim = (hs: typeof l.brokers) =>
          hs.map((h) => ({ ...h, members: h.members.filter((m) => ok.has(m.tin)) }));
        return { hsCode: l.hsCode, brokers: trim(l.brokers), suppliers: trim(l.suppliers) };
      }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/gri/operators',
    cache: true,
    summary:
      "Every operator of the last GRI run: size, GRI, level, raised flags and main reason, filtered by level, size and unit, highest GRI first (limited to the user's unit)",
    tag: 'gri',
    access: 'taxpayer.read',
    query: OperatorListQuery.extend({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    response: OperatorListSchema,
    read: async ({ db, query, user }) =>
      db.read((ws) =>
        operatorList(
          ws,
          {
            risk: query.risk,
            level: query.level,
            size: query.size,
            unit: query.unit,
            offices: user.offices,
            lang: user.language,
          },
          { offset: query.offset, limit: query.limit },
        ),
      ),
  }),
  ...(['csv', 'xlsx'] as const).map((format) =>
    fileRoute({
      method: 'GET',
      url: `/api/gri/operators.${format}`,
      summary: `The operator list (same filters) as ${format.toUpperCase()}; text cells that could run as formulas are neutralised`,
      tag: 'gri',
      access: 'taxpayer.read',
      query: OperatorListQuery,
      file: async ({ db, query, user }) =>
        db.read(async (ws) => {
          const dir = mkdtempSync(join(tmpdir(), 'cip-operators-'));
          let data: Buffer;
          try {
            const file = join(dir, `operators.${format}`);
            await writeOperatorList(
              ws,
              {
                risk: query.risk,
                level: query.level,
                size: query.size,
                unit: query.unit,
                offices: user.offices,
                lang: user.language,
              },
              format,
              file,
            );
            data = readFileSync(file);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
          return {
            filename: `gri-operators-${query.risk}.${format}`,
            contentType:
              format === 'csv'
                ? 'text/csv; charset=utf-8'
                : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            data,
          };
        }),
    }),
  ),
  readRoute({
    method: 'GET',
    url: '/api/gri',
    cache: true,
    summary: 'GRI workbench: configuration in force, indicators, weights, bars, histogram of the last run',
    tag: 'gri',
    access: 'segments.read',
    query: RiskQ,
    response: WorkbenchOut,
    read: async ({ db, query, user }) => db.read((ws) => workbench(ws, query.risk, user.language)),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/gri/rescore',
    summary: 'New weights or risk bars, re-scored at once from the stored flags (saves a configuration version)',
    tag: 'gri',
    access: 'gri.write',
    audit: { action: 'gri.config.set', entityType: 'gri_config' },
    body: z.object({
      risk,
      weights: WeightsPatch.optional(),
      levels: LevelsPatch.optional(),
      comment: z.string().max(500).optional(),
    }),
    response: WorkbenchOut,
    change: async ({ body, user }, ws) => {
      await assertDirectChangeAllowed(ws, 'gri_config');
      const before = await getConfig(ws, body.risk);
      await rescore(
        ws,
        body.risk,
        { weights: body.weights, levels: body.levels } as never,
        user.username,
        body.comment ?? null,
      );
      const out = await workbench(ws, body.risk, user.language);
      return {
        result: out,
        change: {
          unchanged: out.configId === before.configId,
          entityId: out.configId,
          before: before.config,
          after: out.config,
        },
      };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/gri/compute',
    summary:
      'Full GRI run (Steps 1–6), optionally with a configuration change first (indicators on/off, thresholds, size bands)',
    tag: 'gri',
    access: 'gri.write',
    audit: { action: 'gri.compute', entityType: 'gri_run' },
    body: z.object({ risk, config: configPatch.optional(), comment: z.string().max(500).optional() }),
    response: WorkbenchOut,
    change: async ({ body, user }, ws) => {
      let config: GriConfig | undefined;
      if (body.config) {
        await assertDirectChangeAllowed(ws, 'gri_config');
        const cur = await getConfig(ws, body.risk);
        config = parseConfig(mergeConfig(cur.config, { ...body.config, risk: body.risk }));
      }
      // A configuration change is saved with the run: a refused run saves no version.
      const run = await computeSegmentation(ws, {
        risk: body.risk,
        ...(config ? { config, save: { actor: user.username, comment: body.comment ?? null } } : {}),
      });
      const out = await workbench(ws, body.risk, user.language);
      return {
        result: out,
        change: {
          entityId: run.configId,
          after: {
            configId: run.configId,
            operators: run.operators,
            lines: run.lines,
            levels: run.scoring.levels,
            bars: run.scoring.bars,
          },
        },
      };
    },
  }),
];

export type GriWorkbench = z.infer<typeof WorkbenchOut>;
