// Step 1 of the KPI computation: a few small temp tables built once from the canonical tables, so each
// KPI query (sql.ts) reads per-declaration aggregates instead of rescanning the declaration lines.
import type { Workspace } from '../../workspace/workspace.ts';
import type { PeriodUnit } from './period.ts';

export interface KpiWindow {
  unit: PeriodUnit;
  /** Inclusive ISO dates; null = from the start / to the end of the data. */
  from: string | null;
  to: string | null;
}

const CHANNEL_RANK = `CASE WHEN l.channel IS NULL THEN -1 WHEN lower(l.channel) = 'red' THEN 4 WHEN lower(l.channel) = 'yellow' THEN 3
  WHEN lower(l.channel) = 'blue' THEN 2 WHEN lower(l.channel) = 'green' THEN 1 ELSE 0 END`;
const IN_WINDOW = (col: string) =>
  `($from::DATE IS NULL OR ${col} >= $from::DATE) AND ($to::DATE IS NULL OR ${col} <= $to::DATE)`;
const UP_TO = (col: string) => `($to::DATE IS NULL OR ${col} <= $to::DATE)`;
export const RISK_EXPR = (col: string) => `coalesce(nullif(lower(trim(${col})), ''), 'unspecified')`;

/** Builds kpi_decl, kpi_findings, kpi_offences and kpi_audits for the window. */
export async function stageKpiTables(ws: Workspace, w: KpiWindow): Promise<void> {
  const p = { unit: w.unit, from: w.from, to: w.to };
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_decl AS
     SELECT l.declaration_id,
       date_trunc($unit, min(l.date))::DATE AS period_start,
       any_value(l.operator_id) AS operator_id,
       lower(any_value(l.flow)) AS flow,
       coalesce(lower(any_value(l.transport_mode)), 'unknown') AS transport_mode,
       arg_max(lower(l.channel), ${CHANNEL_RANK}) AS channel,
       max(l.release_hours) AS release_hours,
       bool_or(coalesce(l.inspected, false) OR coalesce(l.finding, false)) AS inspected,
       bool_or(coalesce(l.finding, false)) AS finding,
       CASE WHEN bool_or(l.selection_reason = 'random') THEN 'random'
            WHEN bool_or(l.selection_reason IS NOT NULL) THEN 'targeted' END AS selection,
       sum(l.value) AS value, sum(l.duty) AS duty, sum(l.vat) AS vat, sum(l.excise) AS excise,
       sum(coalesce(l.duty, 0) + coalesce(l.vat, 0) + coalesce(l.excise, 0)) AS collection,
       coalesce(bool_or(l.aeo_flag), bool_or(o.aeo_status), false) AS aeo
     FROM declaration_lines l
     LEFT JOIN (SELECT operator_id, bool_or(aeo_status) AS aeo_status FROM operators GROUP BY 1) o USING (operator_id)
     WHERE ${IN_WINDOW('l.date')}
     GROUP BY l.declaration_id`,
    p,
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_findings AS
     SELECT declaration_id, ${RISK_EXPR('compliance_risk')} AS compliance_risk,
       date_trunc($unit, min(date))::DATE AS period_start, any_value(operator_id) AS operator_id,
       coalesce(sum(amount_reassessed), 0) AS reassessed, coalesce(sum(amount_collected), 0) AS collected
     FROM declaration_lines l
     WHERE finding AND ${IN_WINDOW('l.date')}
     GROUP BY 1, 2`,
    p,
  );
  // Offences count from the start of the data (a repeat offender's first offence may precede --from).
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE kpi_offences AS
     SELECT operator_id, date_trunc($unit, date)::DATE AS period_start, amount
     FROM cases c WHERE ${UP_TO('c.date')}
     UNION ALL
     SELECT any_value(operator_id), date_trunc($unit, min(date))::DATE, sum(amount_reassessed)
     FROM declaration_lines l
     WHERE finding AND ${UP_TO('l.date')}
       AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.declaration_id = l.declaration_id)
     GROUP BY l.declaration_id`,
    { unit: w.unit, to: w.to },
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
       SELECT period_start AS p FROM kpi_decl UNION ALL SELECT period_start FROM kpi_audits)`,
  );
  return { first: r?.first ?? null, last: r?.last ?? null };
}

export async function dropKpiTables(ws: Workspace): Promise<void> {
  for (const t of ['kpi_decl', 'kpi_findings', 'kpi_offences', 'kpi_audits']) await ws.run(`DROP TABLE IF EXISTS ${t}`);
}
