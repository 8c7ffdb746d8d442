// `cip explain OPERATOR`: why an operator has its GRI — every indicator with value, threshold, flag, weight,
// contribution and evidence (or why it is unavailable).
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';
import { requireRun, SegmentationError, type Run } from './pipeline.ts';
import { operatorTable, storedThreshold } from './evidence.ts';
import { builtinIndicator } from './catalogue.ts';
import type { ActiveIndicator } from './indicators.ts';
import { measureInputs, measureValue } from './measures.ts';
import { evidenceText } from './evidence-text.ts';
import { SEGMENTATION_TEXT } from './notes.ts';
import { asLang } from '../i18n/messages.ts';

export const ExplainedIndicatorSchema = z.object({
  code: z.string(),
  name: z.string(),
  family: z.string(),
  available: z.boolean(),
  missingData: z.array(z.string()),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  flag: z.boolean(),
  weight: z.number(),
  contribution: z.number(),
  evidence: z.string(),
});
export type ExplainedIndicator = z.infer<typeof ExplainedIndicatorSchema>;

/** Why an operator has its GRI (the operator page's answer). */
export const ExplanationSchema = z.object({
  operatorId: z.string(),
  risk: z.string(),
  configId: z.string(),
  sizeSegment: z.string(),
  totalValue: z.number(),
  lines: z.number(),
  gri: z.number(),
  riskLevel: z.string(),
  bars: z.object({ medium: z.number(), high: z.number() }),
  rank: z.number(),
  operators: z.number(),
  repeatOffender: z.boolean(),
  controlled: z.boolean(),
  indicators: z.array(ExplainedIndicatorSchema),
});
export type Explanation = z.infer<typeof ExplanationSchema>;

interface Prepared {
  runAt: string;
  run: Run;
  lookup: string;
  /** Per flag pattern of the last scoring: GRI, level and rank (1 + operators of patterns with a higher GRI). */
  patterns: Map<number, { gri: number; level: string; rank: number }>;
  statements: WeakMap<DuckDBConnection, Map<string, Statement>>;
}
/** Per database file and risk: the stored run, its scored patterns and queries, until the run changes (computed_at). */
const cache = new Map<string, Prepared>();

async function prepare(ws: Workspace, risk: string): Promise<Prepared> {
  const row = await ws.one<{ run_json: string; run_at: string }>(
    `SELECT run_json, computed_at::VARCHAR AS run_at FROM seg_runs WHERE risk = $risk`,
    { risk },
  );
  if (!row) await requireRun(ws, risk); // throws the usual "no GRI computed yet"
  const run = JSON.parse(row!.run_json) as Run;
  if (run.indicators.some((ind) => ind.method === undefined))
    throw new SegmentationError(
      `the stored GRI run of '${risk}' predates this version: recompute it (cip gri compute)`,
    );
  const scored = await ws.all<{ flags: number; gri: number; level: string; operators: number }>(
    `SELECT flags::DOUBLE AS flags, gri, risk_level AS level, operators FROM seg_pattern_scores WHERE risk = $risk ORDER BY gri DESC`,
    { risk },
  );
  const patterns = new Map<number, { gri: number; level: string; rank: number }>();
  let higher = 0;
  for (let k = 0; k < scored.length;) {
    let j = k;
    for (; j < scored.length && scored[j].gri === scored[k].gri; j++)
      patterns.set(scored[j].flags, { gri: scored[j].gri, level: scored[j].level, rank: 1 + higher });
    for (; k < j; k++) higher += scored[k].operators;
  }
  // An index on operator_id turns the lookups into index probes (~1 ms instead of a row-group scan). Built on the
  // first explanation after a run (the run's table is replaced, index included, by the next run), not by the
  // pipeline; a read-only or concurrent caller simply goes without it.
  await ws
    .run(`CREATE INDEX IF NOT EXISTS ${operatorTable(risk)}_id ON ${operatorTable(risk)} (operator_id)`)
    .catch(() => undefined);
  // The operator's stored row by an index probe; run_at tells whether the cached run is still the stored one.
  // Values are evaluated in JS from the row (measureValue): value expressions in the query would cost more to plan
  // on every call than the probe itself.
  // Only the columns the page reads (turning a whole row of the run's table into JS costs as much as the probe).
  const cols = new Set(['flags', 'size_segment', 'total_value', 'basis_lines', 'repeat_offender', 'controlled']);
  run.indicators.forEach((ind, i) => {
    if (!ind.available) return;
    if (ind.expr !== undefined) cols.add(`c${i}`);
    else for (const c of measureInputs(builtinIndicator(ind.code)!.measure)) cols.add(c);
    if (storedThreshold(ind)) cols.add(`t${i}`);
  });
  const lookup = `SELECT ${[...cols].join(', ')}, (SELECT computed_at::VARCHAR FROM seg_runs WHERE risk = $risk) AS run_at FROM ${operatorTable(risk)} WHERE operator_id = $op`;
  const p: Prepared = {
    runAt: row!.run_at,
    run,
    lookup,
    patterns,
    statements: new WeakMap(),
  };
  cache.set(`${ws.dbPath}\u0000${risk}`, p);
  return p;
}

interface Statement {
  st: DuckDBPreparedStatement;
  /** bind + run must not interleave between concurrent calls on one connection */
  tail: Promise<unknown>;
}

/** Runs one of a run's queries as a statement prepared once per connection (planning costs more than the lookup). */
async function query(
  ws: Workspace,
  p: Prepared,
  sql: string,
  params: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  let byConn = p.statements.get(ws.conn);
  if (!byConn) p.statements.set(ws.conn, (byConn = new Map()));
  let s = byConn.get(sql);
  if (!s) {
    if (byConn.size >= 200) byConn.clear(); // bounded (one statement per query text)
    s = { st: await ws.conn.prepare(sql), tail: Promise.resolve() };
    byConn.set(sql, s);
  }
  const { st } = s;
  const run = s.tail.then(async () => {
    st.bind(params);
    return (await st.runAndReadAll()).getRowObjectsJS()[0] as Record<string, unknown> | undefined;
  });
  s.tail = run.catch(() => undefined);
  return run;
}

async function lookup(
  ws: Workspace,
  risk: string,
  op: string,
): Promise<{ p: Prepared; b: Record<string, unknown> | undefined }> {
  const cached = cache.get(`${ws.dbPath}\u0000${risk}`);
  if (cached) {
    const b = await query(ws, cached, cached.lookup, { risk, op }).catch(() => undefined);
    if (b && b.run_at === cached.runAt && cached.patterns.has(Number(b.flags))) return { p: cached, b };
    if (
      !b &&
      (await ws.scalar(`SELECT computed_at::VARCHAR FROM seg_runs WHERE risk = $risk`, { risk })) === cached.runAt
    )
      return { p: cached, b };
  }
  const p = await prepare(ws, risk);
  try {
    return { p, b: await query(ws, p, p.lookup, { risk, op }) };
  } catch (err) {
    if (/Catalog Error/.test(String(err)))
      throw new SegmentationError(
        `the stored GRI run of '${risk}' predates this version: recompute it (cip gri compute)`,
      );
    throw err;
  }
}

/** The explanation, its names and sentences in `lang` (the reader's; the run's language when not given). */
export async function explainOperator(
  ws: Workspace,
  operatorId: string,
  risk = 'general',
  lang?: string,
): Promise<Explanation> {
  const { p, b } = await lookup(ws, risk, operatorId);
  const run = p.run;
  if (!b)
    throw new SegmentationError(
      `operator ${operatorId} has no lines in the window ${run.window.first} .. ${run.window.end} (or is unknown)`,
      'not_found',
    );
  const flags = Number(b.flags);
  const score = p.patterns.get(flags);
  if (!score)
    throw new SegmentationError(
      `operator ${operatorId}: its flag pattern has no score; recompute the GRI (cip gri compute)`,
    );
  const weights = new Map(run.scoring.weights.map((w) => [w.code, w.weight]));
  const indicators = run.indicators.map((ind, i): ExplainedIndicator => {
    const flag = Math.floor(flags / 2 ** i) % 2 === 1;
    const value = valueOf(ind, i, b);
    const t = ind.available ? ind.threshold : null;
    const threshold = !t ? null : t.type === 'absolute' ? t.value : ((b[`t${i}`] as number | null) ?? null);
    const weight = weights.get(ind.code) ?? 0;
    const say = (key: string, params: Record<string, string | number> = {}) =>
      SEGMENTATION_TEXT.message(key, params, lang ?? 'en').text;
    let evidence = '';
    if (!ind.available) evidence = say('explain.unavailable', { columns: ind.missing.join(', ') });
    else if (!flag)
      evidence =
        value === null
          ? say('explain.no_data')
          : threshold === null
            ? say('explain.not_raised', { value: round(value) })
            : say('explain.not_raised_threshold', { value: round(value), threshold: round(threshold) });
    else evidence = evidenceText(ind, i, b, lang);
    const def = lang === undefined ? undefined : builtinIndicator(ind.code);
    return {
      code: ind.code,
      name: def ? def.names[asLang(lang)] : ind.name,
      family: ind.family,
      available: ind.available,
      missingData: ind.missing,
      value,
      threshold,
      flag,
      weight,
      contribution: flag ? weight : 0,
      evidence,
    };
  });
  return {
    operatorId,
    risk,
    configId: run.configId,
    sizeSegment: b.size_segment as string,
    totalValue: b.total_value as number,
    lines: Number(b.basis_lines),
    gri: score.gri,
    riskLevel: score.level,
    bars: run.scoring.bars,
    rank: score.rank,
    operators: run.operators,
    repeatOffender: b.repeat_offender as boolean,
    controlled: b.controlled as boolean,
    indicators,
  };
}

/** An indicator's value for one operator, from its stored row (custom indicators store theirs as c<i>). */
function valueOf(ind: ActiveIndicator, i: number, row: Record<string, unknown>): number | null {
  if (!ind.available) return null;
  const v = ind.expr !== undefined ? row[`c${i}`] : measureValue(builtinIndicator(ind.code)!.measure, row);
  return v === null || v === undefined ? null : Number(v);
}

/** Whole from 100 up, else three decimals (the sentence writes it in the reader's language). */
const round = (x: number) => (Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 1000) / 1000);
