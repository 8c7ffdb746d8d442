// The line scans of the pipeline, as few as possible:
//   scan 1 (risky lists + data availability): one GROUPING SETS pass over the window's lines;
//   scan 2 (per-operator aggregates): one wide GROUP BY operator_id pass computing everything at once.
// Small per-operator aggregates of cases, tax records, audits and operators are joined afterwards.
import type { Workspace } from '../workspace/workspace.ts';
import type { GriConfig } from './config.ts';

export interface Window {
  start: string; // exclusive
  first: string; // first day inside the window (start + 1 day)
  end: string; // inclusive
  growthSplit: string; // recent = date > growthSplit
  growthStart: string; // previous = growthStart < date <= growthSplit
}

const SEP = '\u001f';

/** Lines of the window, as a NOT MATERIALIZED CTE body (bound $w_start, $w_end). */
export const WINDOW_LINES = `SELECT * FROM declaration_lines WHERE date > $w_start::DATE AND date <= $w_end::DATE`;

export function windowParams(w: Window): Record<string, string> {
  return { w_start: w.start, w_end: w.end };
}

export async function resolveWindow(ws: Workspace, cfg: GriConfig, endOverride?: string): Promise<Window | null> {
  const end = endOverride ?? cfg.window.end ?? (await ws.scalar<string | null>(`SELECT max(date)::VARCHAR FROM declaration_lines`));
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

/** SQL predicate of the findings that count for this GRI ($risk_filter bound, NULL = all). */
export const FINDING_PRED = `(finding AND ($risk_filter::VARCHAR IS NULL OR compliance_risk = $risk_filter))`;

export const basisPred = (basis: GriConfig['value']['basis']) =>
  basis === 'cif' ? `coalesce(flow, 'import') = 'import'` : basis === 'fob' ? `flow = 'export'` : 'TRUE';

export interface LineStats {
  lines: number;
  nn: Record<string, number>;
  baseRate: number | null;
}

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
  const p = { ...windowParams(w), risk_filter: cfg.complianceRisk };
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE seg_dim AS
     WITH l AS NOT MATERIALIZED (${WINDOW_LINES})
     SELECT CASE WHEN grouping(declarant_id) = 0 THEN 'broker' WHEN grouping(hs_code) = 0 THEN 'hs'
                 WHEN grouping(origin_country) = 0 THEN 'origin' WHEN grouping(supplier_id) = 0 THEN 'supplier' ELSE 'all' END AS kind,
            coalesce(declarant_id, hs_code, origin_country, supplier_id) AS code,
            count(*) AS n, count(finding) AS n_known, count(*) FILTER (WHERE ${FINDING_PRED}) AS f,
            count(declarant_id) AS nn_declarant_id, count(supplier_id) AS nn_supplier_id, count(origin_country) AS nn_origin_country,
            count(exemption_code) AS nn_exemption_code, count(finding) AS nn_finding, count(vat) AS nn_vat,
            count(excise) AS nn_excise, count(inspected) AS nn_inspected, count(flow) AS nn_flow
     FROM l GROUP BY GROUPING SETS ((declarant_id), (hs_code), (origin_country), (supplier_id), ())`,
    p,
  );
  const all = await ws.one<Record<string, number>>(`SELECT * EXCLUDE (kind, code) FROM seg_dim WHERE kind = 'all'`);
  const nn: Record<string, number> = {};
  for (const [k, v] of Object.entries(all ?? {})) if (k.startsWith('nn_')) nn[k.slice(3)] = Number(v);
  const baseRate = all && Number(all.n_known) > 0 ? Number(all.f) / Number(all.n_known) : null;

  await ws.run(`CREATE OR REPLACE TEMP TABLE seg_risky (kind VARCHAR, code VARCHAR, n BIGINT, f BIGINT, rate DOUBLE, lift DOUBLE, source VARCHAR)`);
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

/** Scan 2 and the small joins: temp table seg_agg, one row per operator with at least one line of the value basis. */
export async function operatorAggregates(ws: Workspace, cfg: GriConfig, w: Window): Promise<void> {
  const inList = (kind: string, col: string) => `${col} IN (SELECT code FROM seg_risky WHERE kind = '${kind}')`;
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE seg_agg_lines AS
     WITH l AS NOT MATERIALIZED (
       SELECT *, ${inList('broker', 'declarant_id')} AS r_broker, ${inList('hs', 'hs_code')} AS r_hs,
              ${inList('origin', 'origin_country')} AS r_origin, ${inList('supplier', 'supplier_id')} AS r_supplier,
              date > $g_split::DATE AS recent, date > $g_start::DATE AND date <= $g_split::DATE AS prev,
              substr(hs_code, 6, 1) = '9' AS residual, ${basisPred(cfg.value.basis)} AS in_basis
       FROM (${WINDOW_LINES}))
     SELECT operator_id,
            count(*) FILTER (WHERE in_basis) AS basis_lines,
            count(*) AS lines,
            coalesce(sum(value) FILTER (WHERE in_basis), 0) AS total_value,
            sum(vat) AS vat, sum(duty) AS duty, sum(excise) AS excise,
            count(*) FILTER (WHERE r_broker) AS broker_risky_lines, list(DISTINCT declarant_id) FILTER (WHERE r_broker) AS broker_items,
            count(*) FILTER (WHERE r_hs) AS hs_risky_lines, list(DISTINCT hs_code) FILTER (WHERE r_hs) AS hs_items,
            count(*) FILTER (WHERE r_origin) AS origin_risky_lines, list(DISTINCT origin_country) FILTER (WHERE r_origin) AS origin_items,
            count(*) FILTER (WHERE r_supplier) AS supplier_risky_lines, list(DISTINCT supplier_id) FILTER (WHERE r_supplier) AS supplier_items,
            count(*) FILTER (WHERE recent) AS recent_lines, count(*) FILTER (WHERE prev) AS prev_lines,
            count(exemption_code) FILTER (WHERE recent) AS recent_exempt, count(exemption_code) FILTER (WHERE prev) AS prev_exempt,
            count(*) FILTER (WHERE recent AND residual) AS recent_residual, count(*) FILTER (WHERE prev AND residual) AS prev_residual,
            count(*) FILTER (WHERE ${FINDING_PRED}) AS finding_lines,
            count(DISTINCT declaration_id) FILTER (WHERE ${FINDING_PRED}) AS finding_decls,
            count(*) FILTER (WHERE inspected) AS inspected_lines,
            sum(value) FILTER (WHERE flow = 'import') AS customs_import_value,
            sum(value) FILTER (WHERE flow = 'export') AS customs_export_value,
            sum(vat) FILTER (WHERE coalesce(flow, 'import') = 'import') AS customs_import_vat,
            sum(excise) AS customs_excise,
            arg_max(substr(hs_code, 1, 2), value) AS main_chapter
     FROM l GROUP BY operator_id`,
    { ...windowParams(w), g_split: w.growthSplit, g_start: w.growthStart, risk_filter: cfg.complianceRisk },
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE seg_agg AS
     WITH c AS (
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
     base AS (
       SELECT l.*, coalesce(c.cases, 0) AS cases, coalesce(c.serious_cases, 0) AS serious_cases,
              t.* EXCLUDE (operator_id), coalesce(a.audits, 0) AS audits, coalesce(a.audit_findings, 0) AS audit_findings,
              o.isic_sector, greatest(l.finding_decls, coalesce(c.cases, 0)) AS offences
       FROM seg_agg_lines l LEFT JOIN c USING (operator_id) LEFT JOIN t USING (operator_id)
       LEFT JOIN a USING (operator_id) LEFT JOIN o USING (operator_id)
       WHERE l.basis_lines > 0),
     peers AS (
       SELECT isic_sector, main_chapter, count(*)::DOUBLE / sum(count(*)) OVER (PARTITION BY isic_sector) AS isic_peer_share,
              sum(count(*)) OVER (PARTITION BY isic_sector) AS isic_peers
       FROM base WHERE isic_sector IS NOT NULL GROUP BY isic_sector, main_chapter)
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
    tax_records: ['period_end', 'return_filed', 'vat_on_imports_declared', 'imports_declared', 'exports_declared', 'excise_declared', 'audit_irregularities', 'transfer_pricing_finding'],
    cases: ['serious', 'date'],
    audits: ['finding'],
  };
  for (const [table, cols] of Object.entries(checks)) {
    const r = await ws.one<Record<string, number>>(`SELECT ${cols.map((c) => `count(${c}) AS ${c}`).join(', ')} FROM ${table}`);
    for (const c of cols) if (Number(r?.[c] ?? 0) > 0) have.add(`${table}.${c}`);
  }
  return have;
}
