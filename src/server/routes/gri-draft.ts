// The GRI configuration as a draft (issue #12): read the version in force with everything an editor needs,
// preview a draft by re-scoring (nothing saved), check an indicator expression, publish the draft as one version
// or one approval proposal. Domain: src/segmentation/publish.ts (also behind `cip gri config publish`).
import { z } from 'zod';
import { approvalRequired } from '../../governance/approvals.ts';
import { builtinIndicators, thresholdSchema } from '../../segmentation/catalogue.ts';
import { configSchema, getConfig, WEIGHT_METHODS } from '../../segmentation/config.ts';
import { checkExpression, ExprError, LIST_NAMES } from '../../segmentation/custom.ts';
import { DECLARATION_LINE_COLUMNS } from '../../segmentation/expr/index.ts';
import { previewDraft, publishConfig } from '../../segmentation/publish.ts';
import { changeRoute, readRoute, type RouteDef } from '../route-table.ts';
import { ChangeOut } from './governance-schemas.ts';

const risk = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'a risk code such as general or valuation')
  .default('general');
const names = z.record(z.string(), z.string());
const bars = z.object({ medium: z.number(), high: z.number() });

export const DraftOut = z.object({
  risk: z.string(),
  configId: z.string(),
  version: z.number(),
  createdBy: z.string().nullable(),
  createdAt: z.string().nullable(),
  config: configSchema,
  catalogue: z.array(
    z.object({
      code: z.string(),
      family: z.string(),
      names,
      format: z.string(),
      direction: z.enum(['above', 'below']),
      threshold: thresholdSchema,
    }),
  ),
  approvalRequired: z.boolean(),
  weightMethods: z.array(z.enum(WEIGHT_METHODS)),
  /** what an expression may name: the columns of `lines` and the risky lists */
  expression: z.object({ columns: z.array(z.string()), lists: z.array(z.string()) }),
});

export const PreviewOut = z.object({
  baseVersion: z.number(),
  changes: z.array(ChangeOut),
  needsFullRun: z.boolean(),
  approvalRequired: z.boolean(),
  scoring: z
    .object({
      method: z.string(),
      weights: z.array(z.object({ code: z.string(), weight: z.number() })),
      bars,
      levels: z.record(z.string(), z.number()),
      histogram: z.object({
        bins: z.array(z.object({ from: z.number(), to: z.number(), operators: z.number() })),
        bars,
        mean: z.number(),
        sd: z.number(),
      }),
    })
    .nullable(),
  table4: z
    .array(
      z.object({
        size: z.string(),
        level: z.string().nullable(),
        operators: z.number(),
        pctOperators: z.number(),
        value: z.number(),
        pctValue: z.number(),
      }),
    )
    .nullable(),
  problem: z.string().nullable(),
});

export const ExpressionOut = z.object({
  valid: z.boolean(),
  /** the whole message, with the expression and a caret under the offending token */
  message: z.string().nullable(),
  reason: z.string().nullable(),
  position: z.number().nullable(),
  token: z.string().nullable(),
});

export const PublishOut = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('version'),
    configId: z.string(),
    version: z.number(),
    changes: z.array(ChangeOut),
    recomputed: z.enum(['rescore', 'full', 'none']),
  }),
  z.object({ outcome: z.literal('proposal'), proposalId: z.string(), changes: z.array(ChangeOut) }),
]);

export type GriDraft = z.infer<typeof DraftOut>;
export type GriPreview = z.infer<typeof PreviewOut>;
export type GriPublished = z.infer<typeof PublishOut>;
export type ExpressionCheck = z.infer<typeof ExpressionOut>;

const draftBody = z.object({ risk, config: z.record(z.string(), z.unknown()) });

export const griDraftRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/gri/draft',
    summary: 'The GRI configuration in force, as the starting point of a draft, with the indicator catalogue',
    tag: 'gri',
    access: 'segments.read',
    query: z.object({ risk }),
    response: DraftOut,
    read: async ({ db, query }) =>
      db.read(async (ws) => {
        const s = await getConfig(ws, query.risk);
        return {
          risk: query.risk,
          configId: s.configId,
          version: s.version,
          createdBy: s.createdBy,
          createdAt: s.createdAt,
          config: s.config,
          catalogue: builtinIndicators().map((d) => ({
            code: d.code,
            family: d.family,
            names: d.names,
            format: d.format,
            direction: d.direction,
            threshold: d.threshold,
          })),
          approvalRequired: await approvalRequired(ws, 'gri_config'),
          weightMethods: [...WEIGHT_METHODS],
          expression: { columns: Object.keys(DECLARATION_LINE_COLUMNS), lists: Object.keys(LIST_NAMES) },
        };
      }),
  }),
  readRoute({
    method: 'POST',
    url: '/api/gri/preview',
    summary:
      'Preview a draft configuration: its differences from the version in force and its weights, bars, levels and Table 4 re-scored from the last run (nothing is saved)',
    tag: 'gri',
    access: 'segments.read',
    body: draftBody,
    response: PreviewOut,
    read: async ({ db, body }) => db.read((ws) => previewDraft(ws, body.risk, body.config)),
  }),
  readRoute({
    method: 'POST',
    url: '/api/gri/expression',
    summary: 'Check a custom indicator expression: valid, or the problem with the position of the offending token',
    tag: 'gri',
    access: 'segments.read',
    body: z.object({ expr: z.string().max(2000) }),
    response: ExpressionOut,
    read: async ({ body }) => {
      try {
        checkExpression(body.expr);
        return { valid: true, message: null, reason: null, position: null, token: null };
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        return { valid: false, message: e.message, reason: e.reason, position: e.position, token: e.token };
      }
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/gri/publish',
    summary:
      'Publish a draft: one new configuration version (then re-scored, or re-run when indicators or thresholds changed), or one approval proposal while the committee requires approval',
    tag: 'gri',
    access: 'gri.write',
    audit: { action: 'gri.config.set', entityType: 'gri_config' },
    body: draftBody.extend({
      baseVersion: z.number().int().min(0),
      comment: z.string().max(500).nullable().optional(),
      summary: z.string().max(500).nullable().optional(),
    }),
    response: PublishOut,
    change: async ({ body, user }, ws) => {
      const r = await publishConfig(ws, user.username, body);
      return {
        result: r,
        // the domain recorded the version (gri_config) or the proposal (proposal) itself
        change: { unchanged: true, entityId: r.outcome === 'version' ? r.configId : r.proposalId },
      };
    },
  }),
];
