// Measuring progress (issue #4 domain: src/measure): Box 2 KPIs with trends, treated-vs-control effect, PCA plan,
// backtest of the selectivity score.
import { DomainError } from '../../errors/index.ts';
import { z } from 'zod';
import { computeKpis, KpiReportSchema, PERIODS, LEVELS as KPI_LEVELS } from '../../measure/kpi/index.ts';
import { EFFECT_DESIGNS, EffectReportSchema, estimateEffect, EffectInputError } from '../../measure/effect/index.ts';
import { pcaPlan, PcaPlanError, PcaPlanSchema } from '../../measure/pca/index.ts';
import { visibleTins } from '../queries/operators.ts';
import { readRoute, type RouteDef } from '../route-table.ts';
import {
  BacktestError,
  checkPeriods,
  runBacktest,
  type BacktestOptions,
  type BacktestProgress,
} from '../../measure/backtest/backtest.ts';
import { loadSelectivityConfig, type Lang } from '../../measure/selectivity/index.ts';
import { LABELLED } from '../../measure/selectivity/profiles.ts';
import type { Workspace } from '../../workspace/workspace.ts';

// ---- Backtest of the selectivity score (domain: src/measure/backtest; CLI: cip backtest) ----

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The same calendar day `months` earlier, clamped to the month's last day (2025-05-31 − 3 → 2025-02-28). */
function monthsBefore(date: string, months: number): number {
  const [y, m, d] = date.split('-').map(Number);
  const first = Date.UTC(y, m - 1 - months, 1);
  const last = new Date(Date.UTC(y, m - months, 0)).getUTCDate();
  return first + (Math.min(d, last) - 1) * DAY;
}

export interface ProposedPeriods {
  train_until: string;
  test_from: string;
  test_until: string;
}

/**
 * The split offered to a first-time user, from the first and last dates of lines with a known outcome.
 * With a year or more: test = the last 3 months with outcomes; training = everything up to 6 months before
 * the end. The 3-month gap stands for the delay with which findings (post-clearance audits, cases) become
 * known: when the score is put in service, the latest months' outcomes are not yet available to learn from.
 * With less than a year: test = the last quarter of the span, training = all before it (no gap to spare).
 * Null when there are not two distinct days with outcomes.
 */
export function proposePeriods(first: string, last: string): ProposedPeriods | null {
  if (first >= last) return null;
  if (monthsBefore(last, 12) >= Date.parse(first)) {
    return { train_until: iso(monthsBefore(last, 6)), test_from: iso(monthsBefore(last, 3) + DAY), test_until: last };
  }
  const days = Math.round((Date.parse(last) - Date.parse(first)) / DAY);
  const testFrom = Date.parse(last) - Math.max(0, Math.ceil(days / 4) - 1) * DAY;
  return { train_until: iso(testFrom - DAY), test_from: iso(testFrom), test_until: last };
}

const range = z.object({ first: z.string().nullable(), last: z.string().nullable(), count: z.number() });
export const backtestPeriodsSchema = z.object({
  lines: range,
  /** Lines with a known outcome (inspected, with a finding value): the only ones learned from or evaluated. */
  labelled: range,
  proposal: z.object({ train_until: z.string(), test_from: z.string(), test_until: z.string() }).nullable(),
});

async function backtestPeriods(ws: Workspace): Promise<z.infer<typeof backtestPeriodsSchema>> {
  const r = await ws.one<Record<string, string | number | bigint | null>>(
    `SELECT min(d.date)::VARCHAR AS lf, max(d.date)::VARCHAR AS ll, count(*) AS ln,
            min(d.date) FILTER (WHERE ${LABELLED})::VARCHAR AS yf, max(d.date) FILTER (WHERE ${LABELLED})::VARCHAR AS yl,
            count(*) FILTER (WHERE ${LABELLED}) AS yn
     FROM declaration_lines d`,
  );
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const labelled = { first: s(r?.yf), last: s(r?.yl), count: Number(r?.yn ?? 0) };
  return {
    lines: { first: s(r?.lf), last: s(r?.ll), count: Number(r?.ln ?? 0) },
    labelled,
    proposal: labelled.first && labelled.last ? proposePeriods(labelled.first, labelled.last) : null,
  };
}

const date = z.string().max(40).describe('YYYY-MM-DD');
export const backtestQuery = z.object({
  train_from: date.optional(),
  train_until: date,
  valid_from: date.optional(),
  valid_until: date.optional(),
  test_from: date,
  test_until: date,
  /** Which test lines the metrics read: every inspected line, or only those inspected at random (unbiased control). */
  evaluate: z.enum(['inspected', 'random']).optional(),
});
/** checkPeriods names the CLI options; the API answers with its own parameter names. */
const apiNames = (msg: string) => msg.replace(/--(train|valid|test)-(from|until)/g, '$1_$2');

const ranking = z.object({
  rows: z.number(),
  findings: z.number(),
  baseRate: z.number(),
  /** Amount reassessed over the evaluated rows (null: the data holds none). */
  amount: z.number().nullable(),
  auc: z.number().nullable(),
  top: z.array(
    z.object({
      share: z.number(),
      selected: z.number(),
      findings: z.number(),
      precision: z.number(),
      recall: z.number(),
      lift: z.number(),
      /** Amount reassessed found in the top share, and its share of all (revenue captured). */
      amount: z.number().nullable(),
      amountShare: z.number().nullable(),
    }),
  ),
  byLevel: z.array(z.object({ level: z.string(), rows: z.number(), findings: z.number(), rate: z.number() })),
  lift: z.array(
    z.object({
      decile: z.number(),
      rows: z.number(),
      findings: z.number(),
      rate: z.number(),
      lift: z.number(),
      cumulativeRecall: z.number(),
      minScore: z.number(),
      maxScore: z.number(),
    }),
  ),
});
export const backtestResponse = z.object({
  periods: z.object({
    train: z.object({ from: z.string().nullable(), until: z.string() }),
    validation: z.object({ from: z.string(), until: z.string() }).nullable(),
    test: z.object({ from: z.string(), until: z.string(), lines: z.number(), labelled: z.number() }),
  }),
  evaluated: z.object({ on: z.enum(['inspected', 'random']), random: z.number() }),
  history: z.object({ until: z.string(), lines: z.number(), findings: z.number() }),
  fit: z.object({
    on: z.enum(['history-out-of-fold', 'validation', 'fixed']),
    lines: z.number(),
    findings: z.number(),
  }),
  model: z.object({
    intercept: z.number(),
    priorRate: z.number(),
    thresholds: z.object({ high: z.number(), medium: z.number() }),
    levels: z.object({ high: z.number(), medium: z.number() }),
  }),
  /** The factors of the score in the configuration's order, labelled in the user's language. */
  factors: z.array(z.object({ id: z.string(), label: z.string(), keys: z.array(z.string()), weight: z.number() })),
  lines: ranking,
  operators: ranking,
});

/** A treatment applied to operators: a candidate for effect measurement. */
const EffectTreatmentOut = z.object({
  treatment: z.string(),
  operators: z.number(),
  first_start: z.string().nullable(),
});
export type EffectTreatment = z.infer<typeof EffectTreatmentOut>;
export type BacktestPeriods = z.infer<typeof backtestPeriodsSchema>;
export type BacktestRanking = z.infer<typeof ranking>;
export type BacktestResult = z.infer<typeof backtestResponse>;

/** The periods of a backtest request, checked (the refusal names the API's parameters). */
export function checkBacktestQuery(q: z.infer<typeof backtestQuery>): BacktestOptions {
  const o: BacktestOptions = {
    trainFrom: q.train_from,
    trainUntil: q.train_until,
    validFrom: q.valid_from,
    validUntil: q.valid_until,
    testFrom: q.test_from,
    testUntil: q.test_until,
    evaluate: q.evaluate,
  };
  try {
    checkPeriods(o);
  } catch (e) {
    throw new DomainError(apiNames((e as Error).message), 'invalid');
  }
  return o;
}

export async function backtestForApi(
  ws: Workspace,
  q: z.infer<typeof backtestQuery>,
  lang: Lang,
  progress?: BacktestProgress,
): Promise<z.infer<typeof backtestResponse>> {
  const o = checkBacktestQuery(q);
  if (o.validFrom && o.validUntil) {
    // fitModel would fail with a plain error; say which period is empty instead.
    const n = Number(
      await ws.scalar(
        `SELECT count(*) FROM declaration_lines d WHERE ${LABELLED} AND d.date BETWEEN CAST($f AS DATE) AND CAST($u AS DATE)`,
        { f: o.validFrom, u: o.validUntil },
      ),
    );
    if (n === 0)
      throw new DomainError(
        `no labelled declaration lines (inspected, with a finding value) between valid_from ${o.validFrom} and valid_until ${o.validUntil}: nothing to fit the weights on`,
        'invalid',
      );
  }
  const cfg = loadSelectivityConfig();
  const r = await runBacktest(ws, cfg, o, progress);
  return {
    periods: r.periods,
    evaluated: r.evaluated,
    history: r.history,
    fit: r.fit,
    model: {
      intercept: r.model.intercept,
      priorRate: r.model.priorRate,
      thresholds: r.model.thresholds,
      levels: cfg.levels,
    },
    factors: cfg.factors.map((f) => ({
      id: f.id,
      label: f.label[lang] ?? f.label.en,
      keys: f.keys,
      weight: r.model.weights[f.id] ?? 0,
    })),
    lines: r.lines,
    operators: r.operators,
  };
}

export const measureRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/kpis',
    cache: true,
    summary: 'Box 2 indicators per period with their variation, and the operational table per compliance risk',
    tag: 'measure',
    access: 'measure.read',
    query: z.object({
      period: z.enum(PERIODS).default('quarter'),
      level: z.enum(KPI_LEVELS).optional(),
      from: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
      to: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
    }),
    response: KpiReportSchema,
    read: async ({ db, query, user }) =>
      db.read(
        async (ws) =>
          await computeKpis(ws, {
            period: query.period,
            level: query.level,
            from: query.from ?? null,
            to: query.to ?? null,
            lang: user.language,
          }),
      ),
  }),
  readRoute({
    method: 'GET',
    url: '/api/effect/treatments',
    cache: true,
    summary: 'Treatments applied to operators (candidates for effect measurement), with counts',
    tag: 'measure',
    access: 'measure.read',
    response: z.array(EffectTreatmentOut),
    read: async ({ db }) =>
      db.read((ws) =>
        ws.all<{ treatment: string; operators: number; first_start: string | null }>(
          `SELECT treatment, count(DISTINCT operator_id)::BIGINT AS operators, min(start_date)::VARCHAR AS first_start FROM treatments_applied GROUP BY treatment ORDER BY operators DESC, treatment`,
        ),
      ),
  }),
  readRoute({
    method: 'GET',
    url: '/api/effect',
    cache: true,
    summary:
      'Treated vs matched controls: difference in differences with bootstrap confidence intervals, placebo and quarterly trends',
    tag: 'measure',
    access: 'measure.read',
    query: z.object({
      treatment: z.string().min(1).max(200),
      pre_months: z.coerce.number().int().min(1).max(60).optional(),
      post_months: z.coerce.number().int().min(1).max(60).optional(),
      design: z.enum(EFFECT_DESIGNS).optional(),
      /** Which inspections the outcomes count: all, or only those selected at random (the unbiased control). */
      inspections: z.enum(['all', 'random']).optional(),
    }),
    response: EffectReportSchema,
    read: async ({ db, query, user }) =>
      db.read(
        async (ws) =>
          await estimateEffect(ws, {
            treatment: query.treatment,
            preMonths: query.pre_months,
            postMonths: query.post_months,
            design: query.design,
            inspections: query.inspections,
            lang: user.language,
          }),
      ),
  }),
  readRoute({
    method: 'GET',
    url: '/api/pca',
    cache: true,
    summary:
      "Annual post-clearance-audit plan: ranked candidates (GRI, value at risk, no recent control); limited to the user's unit",
    tag: 'measure',
    access: 'taxpayer.read',
    query: z.object({
      capacity: z.coerce.number().int().min(1).max(100_000).default(100),
      min_level: z.enum(['low', 'medium', 'high']).optional(),
    }),
    response: PcaPlanSchema,
    read: async ({ db, query, user }) =>
      db.read(async (ws) => {
        const plan = await pcaPlan(ws, { capacity: query.capacity, minLevel: query.min_level });
        const ok = await visibleTins(
          ws,
          plan.candidates.map((c) => c.operator_id),
          user.offices,
        );
        return { ...plan, candidates: plan.candidates.filter((c) => ok.has(c.operator_id)) };
      }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/backtest/periods',
    cache: true,
    summary:
      'Date range of the declaration lines and of those with a known outcome, and a proposed training / test split for the backtest',
    tag: 'measure',
    access: 'measure.read',
    response: backtestPeriodsSchema,
    read: async ({ db }) => db.read((ws) => backtestPeriods(ws)),
  }),
  readRoute({
    // A read: it fits on temp tables of a read connection and stores nothing. The result is a pure function of the
    // workspace data, the periods and the factor file, so the answer is cached until the next change.
    method: 'GET',
    url: '/api/backtest',
    cache: true,
    summary:
      'Backtest of the selectivity score: fitted on the training (and validation) period only, its ranking of a later test period evaluated for lines and operators',
    tag: 'measure',
    access: 'measure.read',
    query: backtestQuery,
    response: backtestResponse,
    read: async ({ db, query, user }) => db.read((ws) => backtestForApi(ws, query, user.language)),
  }),
];
