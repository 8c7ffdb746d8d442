// The line scans of the pipeline, as few as possible:
//   scan 1 (risky lists + data availability): one GROUPING SETS pass over the window's lines;
//   scan 2 (per-operator aggregates): one wide GROUP BY operator_id pass computing everything at once.
// Small per-operator aggregates of cases, tax records, audits and operators are joined afterwards.
// The line scans run on the workspace's engine (src/engine/: DuckDB, or ClickHouse where the lines live there); what
// they return per code or per operator is a temp table of the workspace, and every later step runs in DuckDB.
import type { Workspace } from '../workspace/workspace.ts';
import { z } from 'zod';
import { engineFor, type LineEngine } from '../engine/engine.ts';
import type { Dialect } from '../engine/dialect.ts';
import type { GriConfig } from './config.ts';

export const WindowSchema = z.object({
  /** exclusive */
  start: z.string(),
  /** first day inside the window (start + 1 day) */
  first: z.string(),
  /** inclusive */
  end: z.string(),
  /** recent = date > growthSplit */
  growthSplit: z.string(),
  /** previous = growthStart < date <= growthSplit */
  growthStart: z.string(),
});
export type Window = z.infer<typeof WindowSchema>;
/** The window as the tables show it: its first and last day. */
export const WindowSpanSchema = WindowSchema.pick({ first: true, end: true });

const SEP = '\u001f';

/** Lines of the window, as a NOT MATERIALIZED CTE body (bound $w_start, $w_end). */
export const WINDOW_LINES = `SELECT * FROM declaration_lines WHERE date > $w_start::DATE AND date <= $w_end::DATE`;

/** Only the parameters a statement uses (DuckDB refuses unused ones). */
export function usedParams(sql: string, params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
}

export function windowParams(w: Window): Record<string, string> {
  return { w_start: w.start, w_end: w.end };
}

export async function resolveWindow(ws: Workspace, cfg: GriConfig, endOverride?: string): Promise<Window | null> {
  const end = endOverride ?? cfg.window.end ?? (await lastLineDate(ws));
  if (!end) return null;
  const r = await ws.one<Window>(
    `SELECT $end::DATE::VARCHAR AS "end",
            ($end::DATE - to_months($m))::DATE::VARCHAR AS start,
            (($end::DATE - to_months($m))::DATE + 1)::VARCHAR AS first,
            ($end::DATE - to_months($g))::DATE::VARCHAR AS "growthSplit",
            ($end::DATE - to_months(2 * $g))::DATE::VARCHAR AS "growthStart"`,
    { end, m: cfg.window.months, g: cfg.growthMonths },
  );
  return r!;
}

/** The date of the latest declaration line, null when there is none. */
export async function lastLineDate(ws: Workspace): Promise<string | null> {
  const e = await engineFor(ws);
  const r = await e.rows<{ d: string }>(
    `SELECT CAST(max(date) AS VARCHAR) AS d FROM declaration_lines HAVING count(*) > 0`,
  );
  return r[0]?.d ?? null;
}

/** SQL predicate of the findings that count for this GRI ($risk_filter bound, NULL = all). */
export const FINDING_PRED = `(finding AND ($risk_filter::VARCHAR IS NULL OR compliance_risk = $risk_filter))`;
/** The same, without the risk filter when the GRI counts every finding (the general GRI): cheaper per line. */
export const findingPred = (cfg: GriConfig, alias = '') =>
  cfg.complianceRisk === null ? `${alias}finding` : `(${alias}finding AND ${alias}compliance_risk = $risk_filter)`;

export const basisPred = (basis: GriConfig['value']['basis']) =>
  basis === 'cif' ? `coalesce(flow, 'import') = 'import'` : basis === 'fob' ? `flow = 'export'` : 'TRUE';

export interface LineStats {
  lines: number;
  nn: Record<string, number>;
  baseRate: number | null;
}

const NN_COLUMNS = [
  'declarant_id',
  'supplier_id',
  'origin_country',
  'exemption_code',
  'finding',
  'vat',
  'excise',
  'inspected',
  'flow',
];

const LIST_KINDS = [
  { kind: 'broker', col: 'declarant_id', given: 'brokers' },
  { kind: 'hs', col: 'hs_code', given: 'hs' },
  { kind: 'origin', col: 'origin_country', given: 'origins' },
  { kind: 'supplier', col: 'supplier_id', given: 'suppliers' },
] as const;

/**
 * Scan 1. Finding rate per broker, HS code, origin and supplier (and overall); the risky ones (support ≥ minSupport,
 * rate ≥ minLift × base rate) go to temp table seg_risky(kind, code, n, f, rate, lift, source). Given lists replace
 * the derived ones. Also returns the non-null counts used to decide which indicators have their data.
 */
export async function riskyLists(ws: Workspace, cfg: GriConfig, w: Window): Promise<LineStats> {
  const p = { ...windowParams(w), ...(cfg.complianceRisk === null ? {} : { risk_filter: cfg.complianceRisk }) };
  // One narrow GROUP BY per kind (UNION ALL): faster in DuckDB than GROUPING SETS over the wide rows. hs_code is
  // never NULL, so the HS branch sees every line once: it also counts the optional columns' values (which data is
  // present) and gives the totals, instead of another pass over the lines.
  const listCols: string[] = LIST_KINDS.map((k) => k.col);
  const otherNn = NN_COLUMNS.filter((c) => !listCols.includes(c));
  const engine = await engineFor(ws);
  const d = engine.dialect;
  const per = (kind: string, col: string) =>
    `SELECT '${kind}' AS kind, ${col} AS code, count(*) AS n, count(finding) AS n_known, count(*) FILTER (WHERE ${findingPred(cfg)}) AS f,
            ${otherNn.map((c) => (kind === 'hs' ? `count(${c})` : d.nullCount()) + ` AS nn_${c}`).join(', ')}
     FROM l WHERE ${col} IS NOT NULL GROUP BY ${col}`;
  await engine.into(
    'seg_dim',
    `WITH ${d.cte('l', WINDOW_LINES)}
     ${LIST_KINDS.map((k) => per(k.kind, k.col)).join(' UNION ALL ')}`,
    p,
  );
  // The list columns' non-null counts are the sums of their kind's n (their strings are not read again).
  const all = await ws.one<Record<string, number>>(
    `SELECT coalesce(sum(n), 0) AS n, coalesce(sum(n_known), 0) AS n_known, coalesce(sum(f), 0) AS f,
            ${otherNn.map((c) => `coalesce(sum(nn_${c}), 0) AS ${c}`).join(', ')},
            ${LIST_KINDS.filter((k) => NN_COLUMNS.includes(k.col))
              .map((k) => `(SELECT coalesce(sum(n), 0) FROM seg_dim WHERE kind = '${k.kind}') AS ${k.col}`)
              .join(', ')}
     FROM seg_dim WHERE kind = 'hs'`,
  );
  const nn: Record<string, number> = {};
  for (const c of NN_COLUMNS) nn[c] = Number(all?.[c] ?? 0);
  const baseRate = all && Number(all.n_known) > 0 ? Number(all.f) / Number(all.n_known) : null;

  await ws.run(
    `CREATE OR REPLACE TEMP TABLE seg_risky (kind VARCHAR, code VARCHAR, n BIGINT, f BIGINT, rate DOUBLE, lift DOUBLE, source VARCHAR)`,
  );
  for (const k of LIST_KINDS) {
    const given = cfg.riskyLists.given[k.given];
    if (given) {
      await ws.run(
        `INSERT INTO seg_risky SELECT $kind, g.code, d.n, d.f, d.f / nullif(d.n_known, 0), (d.f / nullif(d.n_known, 0)) / nullif($base, 0), 'given'
         FROM (SELECT DISTINCT unnest(string_split($list, $sep)) AS code) g LEFT JOIN seg_dim d ON d.kind = $kind AND d.code = g.code`,
        { kind: k.kind, list: given.join(SEP), sep: SEP, base: baseRate },
      );
    } else if (baseRate !== null && baseRate > 0) {
      await ws.run(
        `INSERT INTO seg_risky SELECT kind, code, n, f, f / n_known, (f / n_known) / $base, 'derived'
         FROM seg_dim WHERE kind = $kind AND code IS NOT NULL AND n_known >= $support AND f > 0 AND (f / n_known) >= $lift * $base`,
        { kind: k.kind, base: baseRate, support: cfg.riskyLists.minSupport, lift: cfg.riskyLists.minLift },
      );
    }
  }
  return { lines: Number(all?.n ?? 0), nn, baseRate };
}

const KIND_COLS = { broker: 'declarant_id', hs: 'hs_code', origin: 'origin_country', supplier: 'supplier_id' } as const;
export type ListKind = keyof typeof KIND_COLS;

/**
 * Per-line aggregates by name; only those the active indicators need are computed (see neededAggregates).
 * Risky-list membership (kind_risky_lines, kind_bits) is computed by riskyAggregates in a separate narrow pass.
 */
function lineAggregates(cfg: GriConfig, d: Dialect): Record<string, string> {
  const basis = basisPred(cfg.value.basis);
  const all = basis === 'TRUE';
  const recent = 'l.date > $g_split::DATE';
  const prev = 'l.date > $g_start::DATE AND l.date <= $g_split::DATE';
  // 6th character '9' (same as substr(hs_code, 6, 1) = '9', LIKE's _ is one character too), ~2x cheaper per line.
  const residual = "l.hs_code LIKE '_____9%'";
  const a: Record<string, string> = {
    basis_lines: all ? 'count(*)' : `count(*) FILTER (WHERE ${basis})`,
    lines: 'count(*)',
    total_value: all ? 'coalesce(sum(l.value), 0)' : `coalesce(${d.sumWhere('l.value', basis)}, 0)`,
    vat: 'sum(l.vat)',
    duty: 'sum(l.duty)',
    excise: 'sum(l.excise)',
    finding_lines: `count(*) FILTER (WHERE ${findingPred(cfg, 'l.')})`,
    inspected_lines: 'count(*) FILTER (WHERE l.inspected)',
    recent_lines: `count(*) FILTER (WHERE ${recent})`,
    prev_lines: `count(*) FILTER (WHERE ${prev})`,
    recent_exempt: `count(l.exemption_code) FILTER (WHERE ${recent})`,
    prev_exempt: `count(l.exemption_code) FILTER (WHERE ${prev})`,
    recent_residual: `count(*) FILTER (WHERE ${recent} AND ${residual})`,
    prev_residual: `count(*) FILTER (WHERE ${prev} AND ${residual})`,
    customs_import_value: d.sumWhere('l.value', "l.flow = 'import'"),
    customs_export_value: d.sumWhere('l.value', "l.flow = 'export'"),
    customs_import_vat: d.sumWhere('l.vat', "coalesce(l.flow, 'import') = 'import'"),
    customs_excise: 'sum(l.excise)',
    // HS code of the highest-value line; ties go to the highest code (arg_max alone picks any: runs differed).
    main_hs: d.argMaxTies('l.hs_code', 'l.value'),
  };
  return a;
}

/** Risky-list aggregates of the given kinds, over LEFT JOINs to the small tables seg_rk_<kind>(code, bit). */
function riskyAggregates(kinds: ListKind[]): Record<string, string> {
  const a: Record<string, string> = {};
  for (const k of kinds) {
    a[`${k}_risky_lines`] = `count(r_${k}.code)`;
    a[`${k}_bits`] = `bit_or(r_${k}.bit)`;
  }
  return a;
}

/**
 * The narrow risky-list pass of operatorAggregates. DuckDB: LEFT JOINs to seg_rk_<kind>. Elsewhere (the lines are
 * not beside the lists) each code's index in its list is looked up from bound arrays (a hash lookup per line):
 * the same counts and bits.
 */
async function riskyPass(
  ws: Workspace,
  engine: LineEngine,
  kinds: ListKind[],
  cols: [string, string][],
  params: Record<string, unknown>,
): Promise<string> {
  if (engine.kind === 'duckdb')
    return `SELECT l.operator_id, ${cols.map(([n, sql]) => `${sql} AS ${n}`).join(', ')}
             FROM (SELECT operator_id, ${kinds.map((k) => KIND_COLS[k]).join(', ')} FROM l) l
             ${kinds.map((k) => `LEFT JOIN seg_rk_${k} r_${k} ON r_${k}.code = l.${KIND_COLS[k]}`).join(' ')}
             GROUP BY l.operator_id`;
  const idx: string[] = [];
  for (const k of kinds) {
    const r = await ws.one<{ codes: string[] | null; idx: number[] | null }>(
      `SELECT list(code ORDER BY idx) AS codes, list(idx::BIGINT ORDER BY idx) AS idx FROM seg_rk_${k}`,
    );
    const codes = r?.codes ?? [];
    params[`rk_${k}_codes`] = codes;
    params[`rk_${k}_idx`] = (r?.idx ?? []).map(Number);
    idx.push(codes.length ? `transform(${KIND_COLS[k]}, $rk_${k}_codes, $rk_${k}_idx, -1) AS i_${k}` : `-1 AS i_${k}`);
  }
  const agg = (n: string) => {
    const m = /^(broker|hs|origin|supplier)_(risky_lines|bits)$/.exec(n)!;
    return m[2] === 'bits' ? engine.dialect.bitOrWhere(`i_${m[1]}`) : `count(*) FILTER (WHERE i_${m[1]} >= 0)`;
  };
  return `SELECT operator_id, ${cols.map(([n]) => `${agg(n)} AS ${n}`).join(', ')}
          FROM (SELECT operator_id, ${idx.join(', ')} FROM l) x GROUP BY operator_id`;
}

const ALWAYS = ['basis_lines', 'lines', 'total_value', 'vat', 'duty', 'excise', 'finding_lines', 'inspected_lines'];

/** The line aggregates the given measures refer to (items → the kind's bits; peer share → main HS code). */
export function neededAggregates(cols: string[]): Set<string> {
  const need = new Set(ALWAYS);
  for (const c of cols) {
    const m = /^(broker|hs|origin|supplier)_bits$/.exec(c);
    if (m) need.add(`${m[1]}_bits`);
    else if (c === 'isic_peer_share' || c === 'main_chapter') need.add('main_hs');
    else need.add(c);
  }
  return need;
}

/** Scan 2 and the small joins: temp table seg_agg, one row per operator with at least one line of the value basis. */
export async function operatorAggregates(ws: Workspace, cfg: GriConfig, w: Window, needed: Set<string>): Promise<void> {
  const engine = await engineFor(ws);
  const d = engine.dialect;
  const aggs = lineAggregates(cfg, d);
  const kinds = (Object.keys(KIND_COLS) as ListKind[]).filter(
    (k) => needed.has(`${k}_risky_lines`) || needed.has(`${k}_bits`),
  );
  for (const k of kinds) {
    await ws.run(
      `CREATE OR REPLACE TEMP TABLE seg_rk_${k} AS
       SELECT code, CASE WHEN idx < 63 THEN (1::UBIGINT << idx::UBIGINT) ELSE 0::UBIGINT END AS bit, idx
       FROM (SELECT code, (row_number() OVER (ORDER BY lift DESC NULLS LAST, code) - 1) AS idx FROM seg_risky WHERE kind = $kind)`,
      { kind: k },
    );
  }
  const cols = Object.entries(aggs).filter(([name]) => needed.has(name) || ALWAYS.includes(name));
  const riskyCols = Object.entries(riskyAggregates(kinds)).filter(([name]) => needed.has(name));
  // Identical aggregates (e.g. lines and basis_lines when the basis is both) are computed once and copied.
  const first = new Map<string, string>();
  const computed: string[] = [];
  const copies: string[] = [];
  for (const [n, sql] of cols) {
    const prev = first.get(sql);
    if (prev) copies.push(`${prev} AS ${n}`);
    else {
      first.set(sql, n);
      computed.push(`${sql} AS ${n}`);
    }
  }
  // Two GROUP BY passes joined per operator: the wide one without joins, and a narrow one carrying only the codes
  // through the risky-list LEFT JOINs. Each LEFT JOIN re-slices every column it carries, so joining in the wide
  // pass cost ~2x the two passes together (10M lines: 5.3 s vs 3.7 s CPU, one thread).
  const params: Record<string, unknown> = {
    ...windowParams(w),
    g_split: w.growthSplit,
    g_start: w.growthStart,
    risk_filter: cfg.complianceRisk,
  };
  const risky = riskyCols.length
    ? `JOIN (${await riskyPass(ws, engine, kinds, riskyCols, params)}) r USING (operator_id)`
    : '';
  const mainSql = `WITH ${d.cte('l', WINDOW_LINES)}
     SELECT *${copies.length ? ', ' + copies.join(', ') : ''} FROM (
       SELECT l.operator_id, ${computed.join(', ')} FROM l GROUP BY l.operator_id) a
     ${risky}`;
  await engine.into('seg_agg_lines', mainSql, usedParams(mainSql, params));
  // Declarations with a finding: only the finding lines are read (filter pushed into the scan).
  await engine.into(
    'seg_agg_findings',
    `SELECT operator_id, count(DISTINCT declaration_id) AS finding_decls
     FROM (${WINDOW_LINES}) l WHERE finding AND ($risk_filter::VARCHAR IS NULL OR compliance_risk = $risk_filter) GROUP BY operator_id`,
    { ...windowParams(w), risk_filter: cfg.complianceRisk },
  );
  // Evidence names: the risky codes whose bits are set (at most 5 shown), decoded in SQL.
  const named = kinds.filter((k) => needed.has(`${k}_bits`));
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE seg_rk_names AS SELECT ${(Object.keys(KIND_COLS) as ListKind[])
      .map(
        (k) =>
          (named.includes(k) ? `(SELECT list(code ORDER BY idx) FROM seg_rk_${k} WHERE idx < 63)` : 'NULL::VARCHAR[]') +
          ` AS ${k}_names`,
      )
      .join(', ')}`,
  );
  const missing = Object.keys({ ...aggs, ...riskyAggregates(Object.keys(KIND_COLS) as ListKind[]) }).filter(
    (n) => !cols.some(([c]) => c === n) && !riskyCols.some(([c]) => c === n) && !n.endsWith('_bits') && n !== 'main_hs',
  );
  const mainChapter = cols.some(([c]) => c === 'main_hs') ? 'substr(l.main_hs, 1, 2)' : 'NULL::VARCHAR';
  // The line aggregates with the findings per operator, as a NOT MATERIALIZED CTE (no extra copy of every operator).
  const lines2 = `SELECT l.*, ${missing
    .map((n) => `NULL::DOUBLE AS ${n}`)
    .concat(['0 AS _x'])
    .join(', ')},
            ${mainChapter} AS main_chapter,
            coalesce(f.finding_decls, 0) AS finding_decls
     FROM seg_agg_lines l LEFT JOIN seg_agg_findings f USING (operator_id)`;
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE seg_agg AS
     WITH l2 AS NOT MATERIALIZED (${lines2}),
     c AS (
       SELECT operator_id, count(*) AS cases, count(*) FILTER (WHERE serious) AS serious_cases
       FROM cases WHERE date > $w_start::DATE AND date <= $w_end::DATE
         AND ($risk_filter::VARCHAR IS NULL OR compliance_risk = $risk_filter) GROUP BY operator_id),
     t AS (
       SELECT operator_id, count(*) AS tax_periods, count(*) FILTER (WHERE NOT return_filed) AS returns_missing,
              sum(vat_on_imports_declared) AS tax_vat_imports, sum(imports_declared) AS tax_imports,
              sum(exports_declared) AS tax_exports, sum(excise_declared) AS tax_excise,
              count(*) FILTER (WHERE audit_irregularities) AS tax_audit_irreg, count(*) FILTER (WHERE transfer_pricing_finding) AS tax_tp,
              count(*) FILTER (WHERE NOT return_filed OR audit_irregularities OR transfer_pricing_finding) AS tax_irreg_periods
       FROM tax_records WHERE period_end > $w_start::DATE AND period_start <= $w_end::DATE GROUP BY operator_id),
     a AS (
       SELECT operator_id, count(*) AS audits,
              count(*) FILTER (WHERE finding AND ($risk_filter::VARCHAR IS NULL OR compliance_risk = $risk_filter)) AS audit_findings
       FROM audits WHERE coalesce(end_date, start_date) > $w_start::DATE AND start_date <= $w_end::DATE GROUP BY operator_id),
     o AS (SELECT operator_id, any_value(isic_sector) AS isic_sector FROM operators GROUP BY operator_id),
     base AS NOT MATERIALIZED (
       SELECT l.*, coalesce(c.cases, 0) AS cases, coalesce(c.serious_cases, 0) AS serious_cases,
              t.* EXCLUDE (operator_id), coalesce(a.audits, 0) AS audits, coalesce(a.audit_findings, 0) AS audit_findings,
              o.isic_sector, greatest(l.finding_decls, coalesce(c.cases, 0)) AS offences
       FROM l2 l LEFT JOIN c USING (operator_id) LEFT JOIN t USING (operator_id)
       LEFT JOIN a USING (operator_id) LEFT JOIN o USING (operator_id)
       WHERE l.basis_lines > 0),
     -- Operators per (sector, main chapter) from the two narrow inputs, not from base (which would be materialised).
     peers AS (
       SELECT o.isic_sector, ${mainChapter} AS main_chapter,
              count(*)::DOUBLE / sum(count(*)) OVER (PARTITION BY o.isic_sector) AS isic_peer_share,
              sum(count(*)) OVER (PARTITION BY o.isic_sector) AS isic_peers
       FROM seg_agg_lines l JOIN o USING (operator_id) WHERE l.basis_lines > 0 AND o.isic_sector IS NOT NULL GROUP BY 1, 2)
     SELECT base.*, peers.isic_peer_share, peers.isic_peers,
            CASE WHEN total_value >= $large THEN 'large' WHEN total_value >= $medium THEN 'medium' ELSE 'small' END AS size_segment
     FROM base LEFT JOIN peers USING (isic_sector, main_chapter)`,
    { ...windowParams(w), risk_filter: cfg.complianceRisk, large: cfg.size.large, medium: cfg.size.medium },
  );
}

/** Which tables and columns hold data, for the indicators' `requires`. */
export async function dataAvailability(ws: Workspace, stats: LineStats): Promise<Set<string>> {
  const have = new Set<string>();
  if (stats.lines > 0) {
    have.add('declaration_lines.hs_code');
    for (const [col, n] of Object.entries(stats.nn)) if (n > 0) have.add(`declaration_lines.${col}`);
  }
  const checks: Record<string, string[]> = {
    operators: ['isic_sector'],
    tax_records: [
      'period_end',
      'return_filed',
      'vat_on_imports_declared',
      'imports_declared',
      'exports_declared',
      'excise_declared',
      'audit_irregularities',
      'transfer_pricing_finding',
    ],
    cases: ['serious', 'date'],
    audits: ['finding'],
  };
  for (const [table, cols] of Object.entries(checks)) {
    const r = await ws.one<Record<string, number>>(
      `SELECT ${cols.map((c) => `count(${c}) AS ${c}`).join(', ')} FROM ${table}`,
    );
    for (const c of cols) if (Number(r?.[c] ?? 0) > 0) have.add(`${table}.${c}`);
  }
  return have;
}
