// GRI configuration: validated with zod, stored in the workspace as versions (seg_configs), every change
// recorded in the shared history in the same transaction. One configuration per risk ('general' or a
// compliance risk for a risk-specific GRI).
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';
import { recordChange } from '../history/history.ts';
import { LANGS, builtinIndicators, thresholdSchema } from './catalogue.ts';
import { checkExpression, ExprError } from './custom.ts';
import { exprBudget, expressionCost } from './expr/budget.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const code = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'upper-case code like TRX_BROKER');
const riskName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "lower-case name like 'general' or 'valuation'");
/** Names and codes never hold control characters (a NUL in a risky-list code broke every later run). */
const plain = z.string().regex(/^[^\u0000-\u001f\u007f]*$/, 'control characters are not allowed');
const codeList = z.array(plain.min(1).max(100)).max(10_000).optional();

/** auto (the default): the weighting that ranks operators best on a held-out period (weight-choice.ts). */
export const WEIGHT_METHODS = ['auto', 'equal', 'expert', 'frequency', 'learned'] as const;
export type WeightMethod = (typeof WEIGHT_METHODS)[number];

export const configSchema = z
  .object({
    risk: riskName.default('general'),
    /** Findings that count for this GRI (frequency subsample, risky lists, learned outcome). null = all. */
    complianceRisk: z.string().min(1).nullable().default(null),
    language: z.enum(LANGS).default('en'),
    window: z
      .object({ months: z.number().int().min(1).max(120).default(24), end: isoDate.nullable().default(null) })
      .prefault({}),
    value: z.object({ basis: z.enum(['cif', 'fob', 'both']).default('both') }).prefault({}),
    size: z
      .object({ large: z.number().positive().default(500_000), medium: z.number().positive().default(100_000) })
      .prefault({})
      .refine((s) => s.large > s.medium, { message: 'size.large must be greater than size.medium' }),
    riskyLists: z
      .object({
        minSupport: z.number().int().min(1).default(30),
        minLift: z.number().min(1).default(1.5),
        given: z.object({ brokers: codeList, hs: codeList, origins: codeList, suppliers: codeList }).prefault({}),
      })
      .prefault({}),
    growthMonths: z.number().int().min(1).max(60).default(12),
    indicators: z
      .array(z.object({ code, enabled: z.boolean().default(true), threshold: thresholdSchema.optional() }))
      .optional(),
    custom: z
      .array(
        z.object({
          code,
          name: plain.min(1).max(200),
          expr: z.string().min(1).max(2000),
          format: z.enum(['pct', 'pp', 'int', 'num']).default('num'),
          enabled: z.boolean().default(true),
        }),
      )
      .default([]),
    weights: z
      .object({
        method: z.enum(WEIGHT_METHODS).default('auto'),
        expert: z.record(z.string(), z.number().min(0)).default({}),
        tolerance: z.number().min(0).max(1).default(0.05),
        learned: z
          .object({ lambda: z.number().min(0).default(1), horizonMonths: z.number().int().min(1).max(36).default(12) })
          .prefault({}),
      })
      .prefault({}),
    levels: z
      .object({
        method: z.enum(['manual', 'quantile', 'meanSd']).default('manual'),
        manual: z.object({ medium: z.number().min(0).default(0.1), high: z.number().min(0).default(0.3) }).prefault({}),
        quantile: z
          .object({ medium: z.number().min(0).max(1).default(0.7), high: z.number().min(0).max(1).default(0.9) })
          .prefault({}),
        meanSd: z.object({ medium: z.number().default(0.5), high: z.number().default(1.5) }).prefault({}),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    const known = new Set(builtinIndicators().map((d) => d.code));
    const seen = new Set<string>();
    (c.indicators ?? []).forEach((i, n) => {
      if (!known.has(i.code))
        ctx.addIssue({
          code: 'custom',
          path: ['indicators', n, 'code'],
          message: `unknown indicator ${i.code}; built-ins are ${[...known].join(', ')}`,
        });
      if (seen.has(i.code))
        ctx.addIssue({ code: 'custom', path: ['indicators', n, 'code'], message: `indicator ${i.code} listed twice` });
      seen.add(i.code);
    });
    const budget = exprBudget();
    if (c.custom.length > budget.max_custom)
      ctx.addIssue({
        code: 'custom',
        path: ['custom'],
        message: `${c.custom.length} custom indicators; at most ${budget.max_custom} (src/segmentation/expr/budget.yaml)`,
      });
    let total = 0;
    c.custom.forEach((i, n) => {
      if (known.has(i.code) || seen.has(i.code))
        ctx.addIssue({ code: 'custom', path: ['custom', n, 'code'], message: `code ${i.code} is already used` });
      seen.add(i.code);
      try {
        checkExpression(i.expr);
        const cost = expressionCost(i.expr, budget);
        total += cost;
        if (cost > budget.max_cost)
          ctx.addIssue({
            code: 'custom',
            path: ['custom', n, 'expr'],
            message: `${i.code} costs ${cost}; an expression may cost at most ${budget.max_cost} (each aggregate 1, distinct ${budget.cost.distinct}, ×${budget.cost.period_factor} inside growth/recent/previous)`,
          });
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        ctx.addIssue({ code: 'custom', path: ['custom', n, 'expr'], message: e.message });
      }
    });
    if (total > budget.max_total_cost)
      ctx.addIssue({
        code: 'custom',
        path: ['custom'],
        message: `the custom indicators cost ${total} together; at most ${budget.max_total_cost} (src/segmentation/expr/budget.yaml)`,
      });
    for (const k of Object.keys(c.weights.expert))
      if (!seen.has(k) && !known.has(k))
        ctx.addIssue({ code: 'custom', path: ['weights', 'expert', k], message: `weight for unknown indicator ${k}` });
    for (const m of ['manual', 'quantile', 'meanSd'] as const)
      if (c.levels[m].high < c.levels[m].medium)
        ctx.addIssue({ code: 'custom', path: ['levels', m], message: 'the high bar must not be below the medium bar' });
  });

export type GriConfig = z.infer<typeof configSchema>;
export type GriConfigInput = z.input<typeof configSchema>;

export function parseConfig(input: unknown): GriConfig {
  return configSchema.parse(input);
}

/** The default configuration of a risk: all built-ins, weights chosen from the data; a risk-specific GRI counts its own findings. */
export function defaultConfig(risk = 'general'): GriConfig {
  return parseConfig({ risk, complianceRisk: risk === 'general' ? null : risk });
}

export interface StoredConfig {
  configId: string;
  version: number;
  config: GriConfig;
  createdAt: string | null;
  createdBy: string | null;
  comment: string | null;
}

export const configId = (risk: string, version: number) => `${risk}@v${version}`;

export async function getConfig(ws: Workspace, risk = 'general'): Promise<StoredConfig> {
  riskName.parse(risk);
  const row = await ws.one<{
    version: number;
    config_json: string;
    created_at: string;
    created_by: string;
    comment: string | null;
  }>(
    `SELECT version, config_json, created_at, created_by, comment FROM seg_configs WHERE risk = $risk ORDER BY version DESC LIMIT 1`,
    { risk },
  );
  if (!row)
    return {
      configId: configId(risk, 0),
      version: 0,
      config: defaultConfig(risk),
      createdAt: null,
      createdBy: null,
      comment: 'default',
    };
  return {
    configId: configId(risk, row.version),
    version: row.version,
    config: parseConfig(JSON.parse(row.config_json)),
    createdAt: row.created_at,
    createdBy: row.created_by,
    comment: row.comment,
  };
}

/** Deep merge of a partial configuration onto the current one (arrays and lists are replaced whole). */
export function mergeConfig(base: GriConfigInput, patch: Record<string, unknown>): GriConfigInput {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? mergeConfig(cur as GriConfigInput, v as Record<string, unknown>)
        : v;
  }
  return out as GriConfigInput;
}

/** Saves a new version (validated) and records the change; returns the stored version. No-op when unchanged. */
export async function setConfig(
  ws: Workspace,
  input: unknown,
  actor: string,
  comment: string | null = null,
): Promise<StoredConfig> {
  const config = parseConfig(input);
  return ws.transaction(async () => {
    const before = await getConfig(ws, config.risk);
    if (before.version > 0 && JSON.stringify(before.config) === JSON.stringify(config)) return before;
    const version = before.version + 1;
    await ws.run(`INSERT INTO seg_configs VALUES ($risk, $version, $json, now()::TIMESTAMP, $actor, $comment)`, {
      risk: config.risk,
      version,
      json: JSON.stringify(config),
      actor,
      comment,
    });
    await recordChange(ws, {
      actor,
      action: 'gri.config.set',
      entityType: 'gri_config',
      entityId: configId(config.risk, version),
      before: before.version > 0 ? before.config : null,
      after: config,
    });
    return getConfig(ws, config.risk);
  });
}

export async function configHistory(ws: Workspace, risk = 'general'): Promise<StoredConfig[]> {
  const rows = await ws.all<{
    version: number;
    created_at: string;
    created_by: string;
    comment: string | null;
    config_json: string;
  }>(
    `SELECT version, created_at, created_by, comment, config_json FROM seg_configs WHERE risk = $risk ORDER BY version DESC`,
    { risk },
  );
  return rows.map((r) => ({
    configId: configId(risk, r.version),
    version: r.version,
    createdAt: r.created_at,
    createdBy: r.created_by,
    comment: r.comment,
    config: JSON.parse(r.config_json) as GriConfig,
  }));
}

export async function listRisks(ws: Workspace): Promise<string[]> {
  const rows = await ws.all<{ risk: string }>(`SELECT DISTINCT risk FROM seg_configs ORDER BY risk`);
  return rows.map((r) => r.risk);
}
