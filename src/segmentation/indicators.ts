// Steps 2–3: indicator values per operator from the one-pass aggregates, thresholds (absolute or relative to
// the population), binary flags with evidence. Everything set-based in DuckDB over temp table seg_agg.
import type { Workspace } from '../workspace/workspace.ts';
import { builtinIndicator, builtinIndicators, type IndicatorDef, type Lang, type Threshold } from './catalogue.ts';
import type { GriConfig } from './config.ts';
import { measureInputs, measureSql } from './measures.ts';
import { customIndicatorInto } from './custom.ts';
import { engineFor, EngineTimeout } from '../engine/engine.ts';
import type { Window } from './aggregate.ts';
import { indicatorSql, operatorTable, publishGeneralFlags, raisedFlagsSql, storedThreshold } from './evidence.ts';
import { exprBudget } from './expr/budget.ts';
import { DomainError } from '../errors/index.ts';
import { thresholdMethod } from './evidence-text.ts';

export interface ActiveIndicator {
  code: string;
  family: IndicatorDef['family'];
  name: string;
  names: Partial<Record<Lang, string>>;
  requires: string[];
  available: boolean;
  missing: string[];
  direction: 'above' | 'below';
  format: IndicatorDef['format'];
  threshold: Threshold | null; // null for custom indicators (the rule is in the expression)
  expr?: string;
  flagged?: number;
  thresholdValue?: number | null;
  /** Evidence of a raised flag, formatted when read (evidence.ts): template in the run's language, threshold method. */
  template?: string;
  method?: string;
  /** Risky codes of the items' bits (bit i = itemNames[i]), for share measures that list them. */
  itemNames?: string[];
}

/** Aggregate columns the available built-in indicators read (the one-pass computes only these). */
export function measureColumns(inds: ActiveIndicator[]): string[] {
  const cols: string[] = [];
  for (const ind of inds) {
    const d = builtinIndicator(ind.code);
    if (!d || !ind.available) continue;
    const m = d.measure;
    if (m.kind === 'share') cols.push(m.num, m.den, ...(m.items ? [m.items] : []));
    else if (m.kind === 'growth') cols.push(m.recentNum, m.recentDen, m.prevNum, m.prevDen);
    else if (m.kind === 'count') cols.push(m.col);
    else if (m.kind === 'gap') cols.push(...m.pairs.flat());
    else cols.push('isic_peer_share');
    if (ind.threshold?.type === 'zscore' && ind.threshold.within === 'chapter') cols.push('main_chapter');
  }
  return cols;
}

/** The indicators a configuration uses, in bit order, with their data availability. */
export function activeIndicators(cfg: GriConfig, have: Set<string>): ActiveIndicator[] {
  const chosen =
    cfg.indicators ?? builtinIndicators().map((d) => ({ code: d.code, enabled: true, threshold: undefined }));
  const out: ActiveIndicator[] = [];
  for (const c of chosen) {
    if (!c.enabled) continue;
    const d = builtinIndicator(c.code)!;
    const missing = d.requires.filter((r) => !have.has(r));
    if (!have.has('declaration_lines.hs_code')) missing.unshift('declaration_lines');
    out.push({
      code: d.code,
      family: d.family,
      name: d.names[cfg.language],
      names: d.names,
      requires: d.requires,
      available: missing.length === 0,
      missing,
      direction: d.direction,
      format: d.format,
      threshold: c.threshold ?? d.threshold,
    });
  }
  for (const c of cfg.custom) {
    if (!c.enabled) continue;
    out.push({
      code: c.code,
      family: 'custom',
      name: c.name,
      names: { [cfg.language]: c.name },
      requires: [],
      available: have.has('declaration_lines.hs_code'),
      missing: have.has('declaration_lines.hs_code') ? [] : ['declaration_lines'],
      direction: 'above',
      format: c.format,
      threshold: null,
      expr: c.expr,
    });
  }
  if (out.length > 52) throw new Error(`at most 52 indicators can be active at once (got ${out.length})`);
  return out;
}

function thresholdSql(
  ind: ActiveIndicator,
  i: number,
  params: Record<string, unknown>,
  lang: string,
): { expr: string; method: string } {
  const t = ind.threshold!;
  const v = `v${i}`;
  switch (t.type) {
    case 'absolute':
      params[`t${i}`] = t.value;
      return { expr: `$t${i}::DOUBLE`, method: '' };
    case 'percentile':
      params[`t${i}`] = t.p;
      return {
        expr: `(quantile_cont(${v}, $t${i}::DOUBLE) OVER ())`,
        method: thresholdMethod(t, lang),
      };
    case 'meanSd':
      params[`t${i}`] = t.k;
      return {
        expr: `(avg(${v}) OVER () + $t${i}::DOUBLE * stddev_samp(${v}) OVER ())`,
        method: thresholdMethod(t, lang),
      };
    case 'zscore': {
      params[`t${i}`] = t.z;
      const g = t.within === 'sector' ? 'isic_sector' : 'main_chapter';
      return {
        expr: `(avg(${v}) OVER (PARTITION BY ${g}) + $t${i}::DOUBLE * stddev_samp(${v}) OVER (PARTITION BY ${g}))`,
        method: thresholdMethod(t, lang),
      };
    }
  }
}

/**
 * Base columns of the per-run operator table (seg_agg names, plus three booleans): what operator_segments, the pattern
 * cube and the operator page read. Sector and chapter are stored only where a measure reads them (zscore thresholds
 * are computed from seg_agg within the same statement).
 */
const BASE = [
  'operator_id',
  'size_segment',
  'total_value',
  'basis_lines',
  'vat',
  'duty',
  'excise',
  'offences >= 2 AS repeat_offender',
  'inspected_lines > 0 OR audits > 0 AS controlled',
  'offences > 0 OR audit_findings > 0 AS noncompliant',
];

/**
 * Values, thresholds and flags of every active indicator for every operator of seg_agg, in one pass that writes the
 * run's table (operatorTable(risk): the aggregates the values and evidence are made of, per-operator thresholds and
 * the flags bitmask; explain adds an index on operator_id; re-scoring, operator_segments and learned weights read it
 * too), then the pattern cube (operators per flag pattern and size: weights, Table 4, previews). No evidence
 * text is formatted here: the general run publishes the operator_indicator_flags view; a risk-specific run fills
 * operator_risk_indicator_flags from the same expressions (`evidence: false` skips it, for a training run).
 */
export async function computeFlags(
  ws: Workspace,
  cfg: GriConfig,
  w: Window,
  inds: ActiveIndicator[],
  opts: { evidence?: boolean } = {},
): Promise<void> {
  await stageFlags(ws, cfg, w, inds);
  await publishFlags(ws, cfg, inds, opts);
}

/** Where stageFlags writes a run's table before publishFlags renames it (not a hex name: no risk's table). */
const stagedTable = (risk: string) => `${operatorTable(risk)}_next`;

/**
 * The pass of computeFlags that writes the run's table, under a staging name. Meant to run before the run's
 * transaction: a table written inside a transaction is read by one thread until it commits, and the cube,
 * operator_segments and the flag counts read it (the pass itself reads seg_agg, also best committed).
 */
export async function stageFlags(ws: Workspace, cfg: GriConfig, w: Window, inds: ActiveIndicator[]): Promise<void> {
  const names = (await ws.one<Record<string, string[] | null>>(`SELECT * FROM seg_rk_names`)) ?? {};
  const params: Record<string, unknown> = {};
  const vals: string[] = [];
  const joins: string[] = [];
  const inputs = new Set<string>();
  const stored: string[] = [];
  const custom = inds.flatMap((ind, i) => (ind.available && ind.expr !== undefined ? [i] : []));
  // Custom indicators scan the lines (on the workspace's engine, under the budget's timeout) into temp tables first.
  if (custom.length) {
    const engine = await engineFor(ws);
    const seconds = exprBudget().evaluation_timeout_seconds;
    // DuckDB: the connection is interrupted; ClickHouse stops the statement itself (max_execution_time).
    await withTimeout(ws, engine.kind === 'duckdb' ? seconds : 0, seconds, async () => {
      for (const i of custom)
        await customIndicatorInto(
          ws,
          engine,
          inds[i].expr!,
          `c${i}`,
          w,
          `seg_custom_${i}`,
          engine.kind === 'duckdb' ? 0 : seconds,
        );
    });
  }
  for (const [i, ind] of inds.entries()) {
    if (!ind.available) continue;
    if (ind.expr !== undefined) {
      joins.push(`LEFT JOIN seg_custom_${i} x${i} USING (operator_id)`);
      vals.push(`x${i}.value::DOUBLE AS v${i}`, `coalesce(x${i}.flag, FALSE) AS cf${i}`);
      stored.push(`v${i} AS c${i}`);
      continue;
    }
    const d = builtinIndicator(ind.code)!;
    if (d.measure.kind === 'share' && d.measure.items)
      ind.itemNames = names[`${d.measure.items.replace(/_bits$/, '')}_names`] ?? [];
    vals.push(`(${measureSql(d.measure).value})::DOUBLE AS v${i}`);
    for (const c of measureInputs(d.measure)) inputs.add(c);
    ind.template = d.evidence[cfg.language];
  }

  const flags: string[] = [];
  for (const [i, ind] of inds.entries()) {
    ind.method = '';
    if (!ind.available) continue;
    let f = `cf${i}`;
    if (ind.threshold !== null) {
      const t = thresholdSql(ind, i, params, cfg.language);
      ind.method = t.method;
      f = `coalesce(v${i} ${ind.direction === 'above' ? '>=' : '<='} ${t.expr}, FALSE)`;
      if (storedThreshold(ind)) stored.push(`${t.expr} AS t${i}`);
    }
    flags.push(`(CASE WHEN ${f} THEN ${2 ** i}::UBIGINT ELSE 0::UBIGINT END)`);
  }
  const base = new Set(BASE.map((b) => b.replace(/^.* AS /, '')));
  // Cheaper types to write (≈ 13% of the pass at 1M operators): per-operator counts as INTEGER, the size as an ENUM
  // (read back as the same text; operator_segments and the cube store VARCHAR).
  const types = new Map(
    (await ws.all<{ column_name: string; column_type: string }>(`DESCRIBE seg_agg`)).map((r) => [
      r.column_name,
      r.column_type,
    ]),
  );
  const cheap = (c: string) =>
    c === 'size_segment'
      ? `size_segment::ENUM('large', 'medium', 'small') AS size_segment`
      : /^(BIGINT|HUGEINT)$/.test(types.get(c) ?? '')
        ? `${c}::INTEGER AS ${c}`
        : c;
  await ws.run(
    `CREATE OR REPLACE TABLE ${stagedTable(cfg.risk)} AS
     WITH v AS NOT MATERIALIZED (SELECT seg_agg.*${vals.map((c) => `, ${c}`).join('')} FROM seg_agg ${joins.join(' ')})
     SELECT ${[...BASE, ...[...inputs].filter((c) => !base.has(c))].map(cheap).concat(stored).join(', ')},
            ${flags.length ? flags.join(' | ') : '0::UBIGINT'} AS flags
     FROM v`,
    params,
  );
}

/**
 * Runs fn, interrupting the connection's statement after `interrupt` seconds (0: not); a timeout — that one, or an
 * engine's own (EngineTimeout) — is a clear refusal naming the budget's `seconds`.
 */
async function withTimeout(ws: Workspace, interrupt: number, seconds: number, fn: () => Promise<void>): Promise<void> {
  let fired = false;
  const timer =
    interrupt > 0
      ? setTimeout(() => {
          fired = true;
          ws.conn.interrupt();
        }, interrupt * 1000)
      : undefined;
  try {
    await fn();
  } catch (err) {
    if (fired || err instanceof EngineTimeout)
      throw new DomainError(
        `the custom indicators took more than ${seconds} s and were stopped; simplify them (src/segmentation/expr/budget.yaml)`,
        'too_large',
      );
    throw err;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * The rest of computeFlags, in the run's transaction: the staged table replaces the run's table (and its index),
 * then the pattern cube, the evidence and the counts of raised flags.
 */
export async function publishFlags(
  ws: Workspace,
  cfg: GriConfig,
  inds: ActiveIndicator[],
  opts: { evidence?: boolean } = {},
): Promise<void> {
  const table = operatorTable(cfg.risk);
  await ws.run(`DROP TABLE IF EXISTS ${table}`);
  await ws.run(`ALTER TABLE ${stagedTable(cfg.risk)} RENAME TO ${table}`);
  await ws.run(`DELETE FROM seg_pattern_cube WHERE risk = $risk`, { risk: cfg.risk });
  await ws.run(
    `INSERT INTO seg_pattern_cube
     SELECT $risk, flags, size_segment, count(*), count(*) FILTER (WHERE noncompliant), sum(total_value),
            coalesce(sum(vat), 0), coalesce(sum(duty), 0), coalesce(sum(excise), 0),
            count(*) FILTER (WHERE repeat_offender), count(*) FILTER (WHERE NOT controlled)
     FROM ${table} GROUP BY flags, size_segment`,
    { risk: cfg.risk },
  );

  if (cfg.risk === 'general') await publishGeneralFlags(ws, inds);
  else if (opts.evidence !== false) {
    await ws.run(`DELETE FROM operator_risk_indicator_flags WHERE risk = $risk`, { risk: cfg.risk });
    await ws.run(`INSERT INTO operator_risk_indicator_flags SELECT $risk, * FROM (${raisedFlagsSql(inds, cfg.risk)})`, {
      risk: cfg.risk,
    });
  }

  // Operators per raised flag from the cube (a few hundred rows); per-operator thresholds from the table, if any.
  const sel = inds.map((ind, i) => `sum(operators) FILTER (WHERE ${indicatorSql(ind, i).flag}) AS f${i}`);
  const counts =
    (await ws.one<Record<string, number | null>>(
      `SELECT sum(operators) AS n${sel.map((c) => `, ${c}`).join('')} FROM seg_pattern_cube WHERE risk = $risk`,
      { risk: cfg.risk },
    )) ?? {};
  const thr = inds.flatMap((ind, i) => (storedThreshold(ind) ? [`max(t${i}) AS t${i}, min(t${i}) AS tmin${i}`] : []));
  if (thr.length)
    Object.assign(counts, await ws.one<Record<string, number | null>>(`SELECT ${thr.join(', ')} FROM ${table}`));
  inds.forEach((ind, i) => {
    ind.flagged = Number(counts?.[`f${i}`] ?? 0);
    if (!ind.available || ind.threshold === null) ind.thresholdValue = null;
    else if (ind.threshold.type === 'absolute')
      ind.thresholdValue = Number(counts?.n ?? 0) > 0 ? ind.threshold.value : null;
    else {
      const lo = counts?.[`tmin${i}`] ?? null;
      const hi = counts?.[`t${i}`] ?? null;
      ind.thresholdValue = lo !== null && lo === hi ? Number(lo) : null; // a single population threshold
    }
  });
}

/** Drops a run's operator table (a training run's, once its patterns are read). */
export async function dropOperatorTable(ws: Workspace, risk: string): Promise<void> {
  await ws.run(`DROP TABLE IF EXISTS ${operatorTable(risk)}`);
}
