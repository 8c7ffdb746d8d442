// Step 1 of the KPI computation: a few small temp tables built once from the canonical tables, so each
// KPI query (sql.ts) reads per-declaration aggregates instead of rescanning the declaration lines.
import type { Workspace } from '../../workspace/workspace.ts';
import type { PeriodUnit } from './period.ts';
import { declarationsCurrent, declarationsSelect } from '../../ingest/declarations.ts';

export interface KpiWindow {
  unit: PeriodUnit;
  /** Inclusive ISO dates; null = from the start / to the end of the data. */
  from: string | null;
  to: string | null;
}

const IN_WINDOW = (col: string) =>
  `($from::DATE IS NULL OR ${col} >= $from::DATE) AND ($to::DATE IS NULL OR ${col} <= $to::DATE)`;
const UP_TO = (col: string) => `($to::DATE IS NULL OR ${col} <= $to::DATE)`;
export const RISK_EXPR = (col: string) => `coalesce(nullif(lower(trim(${col})), ''), 'unspecified')`;

const OPERATOR_AEO = `(SELECT operator_id, bool_or(aeo_status) AS aeo_status FROM operators GROUP BY 1)`;
const DECL_COLUMNS = `declaration_id, date_trunc($unit, first_date)::DATE AS period_start, operator_id, flow,
  transport_mode, channel, release_hours, inspected, finding, selection, value, duty, vat, excise, collection`;

/**
 * The declarations of the window (SQL), each with the period of its first line in the window and its operator's AEO
 * status. Read from the declarations kept by the imports (ingest/declarations.ts); a declaration with lines on both
 * sides of a window edge counts only its lines inside, so those few are grouped again from their lines. A workspace
 * whose lines were written other than by an import groups all its lines.
 */
function windowDeclarations(kept: boolean, w: KpiWindow, aeo: boolean): string {
  const inside = `($from::DATE IS NULL OR first_date >= $from::DATE) AND ($to::DATE IS NULL OR last_date <= $to::DATE)`;
  const edge = `declaration_id IN (SELECT declaration_id FROM declarations WHERE NOT (${inside})
    AND ($from::DATE IS NULL OR last_date >= $from::DATE) AND ($to::DATE IS NULL OR first_date <= $to::DATE))`;
  const parts: string[] = [];
  if (kept) parts.push(`SELECT ${DECL_COLUMNS}, aeo_flag FROM declarations WHERE ${inside}`);
  if (!kept || w.from !== null || w.to !== null) {
    const lines = `${IN_WINDOW('l.date')}${kept ? ` AND l.${edge}` : ''}`;
    parts.push(`SELECT ${DECL_COLUMNS}, aeo_flag FROM (${declarationsSelect(lines)})`);
  }
  const all = parts.join(' UNION ALL ');
  if (!aeo) return all;
  return `SELECT d.* EXCLUDE (aeo_flag), coalesce(d.aeo_flag, o.aeo_status, false) AS aeo
     FROM (${all}) d LEFT JOIN ${OPERATOR_AEO} o USING (operator_id)`;
}

/**
 * The declarations of the window grouped, never one row each (a temp table of one row per declaration, or per operator
 * and period, costs more to write than every KPI query reading it): kpi_groups, per period and every attribute a KPI
 * splits or filters by, with counts and sums; kpi_levels, per period and risk level of the operators in the latest GRI
 * run, the operators and their collection.
 */
async function stageDeclarations(ws: Workspace, w: KpiWindow, kept: boolean): Promise<void> {
  const p = { unit: w.unit, from: w.from, to: w.to };
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_groups AS
     SELECT period_start, flow, transport_mode, channel, inspected, finding, selection, aeo, count(*) AS n,
       sum(value) AS value, sum(duty) AS duty, count(duty) AS n_duty, sum(vat) AS vat, count(vat) AS n_vat,
       sum(excise) AS excise, count(excise) AS n_excise, sum(collection) AS collection,
       sum(release_hours) AS release_hours, count(release_hours) AS n_release
     FROM (${windowDeclarations(kept, w, true)}) GROUP BY ALL`,
    p,
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_levels AS
     SELECT d.period_start, coalesce(s.risk_level, 'unscored') AS risk_level,
       count(DISTINCT d.operator_id) AS operators, sum(d.collection) AS collection
     FROM (${windowDeclarations(kept, w, false)}) d LEFT JOIN operator_segments s USING (operator_id) GROUP BY 1, 2`,
    p,
  );
}

/** Builds kpi_groups, kpi_levels, kpi_findings, kpi_offences, kpi_checked and kpi_audits for the window. */
export async function stageKpiTables(ws: Workspace, w: KpiWindow): Promise<void> {
  const p = { unit: w.unit, from: w.from, to: w.to };
  const kept = await declarationsCurrent(ws);
  await stageDeclarations(ws, w, kept);
  // The lines with a finding up to the end of the window, read once for the findings and the offences.
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_finding_lines AS
     SELECT declaration_id, date, operator_id, compliance_risk, amount_reassessed, amount_collected
     FROM declaration_lines l WHERE finding AND ${UP_TO('l.date')}`,
    { to: w.to },
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_findings AS
     SELECT declaration_id, ${RISK_EXPR('compliance_risk')} AS compliance_risk,
       date_trunc($unit, min(date))::DATE AS period_start, any_value(operator_id) AS operator_id,
       coalesce(sum(amount_reassessed), 0) AS reassessed, coalesce(sum(amount_collected), 0) AS collected
     FROM kpi_finding_lines l
     WHERE ${IN_WINDOW('l.date')}
     GROUP BY 1, 2`,
    p,
  );
  // Offences per operator and period, cum_n counting from the start of the data (a repeat offender's first offence
  // may precede --from).
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_offences AS
     WITH o AS (
       SELECT operator_id, date_trunc($unit, date)::DATE AS period_start, amount
       FROM cases c WHERE ${UP_TO('c.date')}
       UNION ALL
       SELECT any_value(operator_id), date_trunc($unit, min(date))::DATE, sum(amount_reassessed)
       FROM kpi_finding_lines l
       WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.declaration_id = l.declaration_id)
       GROUP BY l.declaration_id),
     per AS (SELECT operator_id, period_start, count(*) AS n, coalesce(sum(amount), 0) AS amount FROM o GROUP BY 1, 2)
     SELECT *, sum(n) OVER (PARTITION BY operator_id ORDER BY period_start ROWS UNBOUNDED PRECEDING) AS cum_n FROM per`,
    { unit: w.unit, to: w.to },
  );
  // The periods in which a repeat offender (≥ 2 offences by some period) had a declaration inspected.
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_checked AS
     SELECT DISTINCT operator_id, period_start FROM (${windowDeclarations(kept, w, false)})
     WHERE inspected AND operator_id IN (SELECT operator_id FROM kpi_offences WHERE cum_n >= 2)`,
    p,
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_audits AS
     SELECT audit_id, operator_id, date_trunc($unit, start_date)::DATE AS period_start,
       ${RISK_EXPR('compliance_risk')} AS compliance_risk, finding,
       coalesce(amount_assessed, 0) AS assessed, coalesce(amount_collected, 0) AS collected
     FROM audits a WHERE ${IN_WINDOW('a.start_date')}`,
    p,
  );
}

/** First and last period start with data in the staged tables (null when there is none). */
export async function stagedRange(ws: Workspace): Promise<{ first: string | null; last: string | null }> {
  const r = await ws.one<{ first: string | null; last: string | null }>(
    `SELECT min(p) AS first, max(p) AS last FROM (
       SELECT period_start AS p FROM kpi_groups UNION ALL SELECT period_start FROM kpi_audits)`,
  );
  return { first: r?.first ?? null, last: r?.last ?? null };
}

export async function dropKpiTables(ws: Workspace): Promise<void> {
  const staged = ['kpi_groups', 'kpi_levels', 'kpi_finding_lines', 'kpi_findings', 'kpi_offences', 'kpi_checked'];
  for (const t of [...staged, 'kpi_audits']) await ws.run(`DROP TABLE IF EXISTS ${t}`);
}
