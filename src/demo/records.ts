// Step 3 of the generator: everything derived from the lines — per-operator aggregates, treatment assignment,
// the operator registry, tax records with deliberate cross-check mismatches, offence cases and post-clearance audits.
import type { Workspace } from '../workspace/workspace.ts';
import { CALENDAR_START, sigmoid, u } from './model.ts';

/** Per operator and year: lines, values, taxes, inspections, findings (from the lines already inserted). */
export async function aggregateOperatorYears(ws: Workspace, from: string | null): Promise<void> {
  await ws.run(`CREATE TEMP TABLE IF NOT EXISTS demo_opyear (operator_id VARCHAR, yr INTEGER, lines BIGINT,
    imp_value DOUBLE, exp_value DOUBLE, total_value DOUBLE, vat DOUBLE, excise DOUBLE, duty DOUBLE,
    inspected BIGINT, findings BIGINT, first_date DATE)`);
  await ws.run(
    `INSERT INTO demo_opyear
    SELECT operator_id, year(date), count(*), coalesce(sum(value) FILTER (flow = 'import'), 0),
      coalesce(sum(value) FILTER (flow = 'export'), 0), sum(value), sum(vat), sum(excise), sum(duty),
      count(*) FILTER (inspected), count(*) FILTER (finding), min(date)
    FROM declaration_lines ${from ? 'WHERE date >= $from::DATE' : ''} GROUP BY ALL`,
    from ? { from } : undefined,
  );
}

/**
 * Treatment assignment, from pre-period observables that are independent of the latent propensity: the size
 * segment by 2023–2024 value (500,000 / 100,000 USD; larger traders are more often enrolled) and the operator's
 * directorate (the programme was piloted in DR03 and DR04). Only operators active before the start are eligible.
 * Because assignment is independent of the propensity given the size segment, a difference-in-differences that
 * matches on size (and, harmlessly, on risk level and pre-period finding rate) recovers the true effect; selecting
 * on the noisy pre-period finding rate itself would bias it through regression to the mean.
 */
export async function assignTreatment(ws: Workspace, seed: number): Promise<void> {
  await ws.run(`
    CREATE OR REPLACE TEMP TABLE demo_pre AS
    SELECT operator_id, sum(total_value) AS value, sum(inspected)::INTEGER AS inspected, sum(findings)::INTEGER AS findings,
      CASE WHEN sum(total_value) >= 500000 THEN 'large' WHEN sum(total_value) >= 100000 THEN 'medium' ELSE 'small' END AS segment
    FROM demo_opyear GROUP BY operator_id`);
  await ws.run(
    `
    UPDATE demo_ops SET
      treat_prob = p.prob,
      treated = ${u('demo_ops.op_pos', 130)} < p.prob
    FROM (SELECT pre.operator_id,
            CASE pre.segment WHEN 'large' THEN 0.3 WHEN 'medium' THEN 0.15 ELSE 0.05 END
            * CASE WHEN of.directorate IN ('DR03', 'DR04') THEN 1.6 ELSE 0.5 END AS prob
          FROM demo_pre pre JOIN demo_ops o USING (operator_id) JOIN demo_c_offices of ON of.office_idx = o.office1) p
    WHERE p.operator_id = demo_ops.operator_id`,
    { seed },
  );
}

export async function insertOperators(ws: Workspace, seed: number): Promise<void> {
  await ws.run(
    `
    INSERT INTO operators (operator_id, name, registration_date, isic_sector, aeo_status, region, office)
    SELECT o.operator_id,
      np.text || ' ' || ns.text || ' ' || nx.text AS name,
      least(coalesce(f.first_date, DATE '2025-12-31'),
        CASE WHEN o.start_day = 0 THEN DATE '${CALENDAR_START}' - (30 + floor(${u('o.op_pos', 131)} * 9000))::INTEGER
             ELSE DATE '${CALENDAR_START}' + o.start_day - floor(${u('o.op_pos', 131)} * 45)::INTEGER END) AS registration_date,
      CASE WHEN o.isic_inconsistent THEN ci.isic ELSE o.main_isic END AS isic_sector,
      o.aeo, of.directorate, of.code
    FROM demo_ops o
    JOIN demo_c_offices of ON of.office_idx = o.office1
    JOIN demo_c_names np ON np.part = 'prefix' AND np.idx = floor(${u('o.op_pos', 132)} * (SELECT count(*) FROM demo_c_names WHERE part = 'prefix'))
    JOIN demo_c_names ns ON ns.part = 'stem' AND ns.idx = floor(${u('o.op_pos', 133)} * (SELECT count(*) FROM demo_c_names WHERE part = 'stem'))
    JOIN demo_c_names nx ON nx.part = 'suffix' AND nx.idx = floor(${u('o.op_pos', 134)} * (SELECT count(*) FROM demo_c_names WHERE part = 'suffix'))
    JOIN demo_c_chapters ci ON ci.ch_idx = floor(${u('o.op_pos', 135)} * (SELECT count(*) FROM demo_c_chapters))
    LEFT JOIN (SELECT operator_id, min(first_date) AS first_date FROM demo_opyear GROUP BY ALL) f ON f.operator_id = o.operator_id
    ORDER BY o.op_pos`,
    { seed },
  );
}

export async function insertTreatments(ws: Workspace, treatment: string, start: string): Promise<void> {
  await ws.run(
    `
    INSERT INTO treatments_applied (operator_id, treatment, start_date, end_date, segment, applied_by, applied_at)
    SELECT o.operator_id, $treatment, $start::DATE, NULL, p.segment, 'risk-management-committee',
      $start::TIMESTAMP - INTERVAL 16 DAY + INTERVAL 10 HOUR
    FROM demo_ops o JOIN demo_pre p USING (operator_id) WHERE o.treated ORDER BY o.op_pos`,
    { treatment, start },
  );
}

/** Tax-return traits of each operator (persistent, tied to its latent propensity). */
export async function buildTaxTraits(ws: Workspace, seed: number): Promise<void> {
  await ws.run(
    `
    CREATE OR REPLACE TEMP TABLE demo_tax_traits AS
    SELECT operator_id, op_pos, x, z,
      ${u('op_pos', 140)} < 0.03 + 0.5 * ${sigmoid('1.5 * z - 2.0')} AS vat_mismatch,
      ${u('op_pos', 141)} < 0.03 + 0.5 * ${sigmoid('1.5 * z - 2.0')} AS imports_mismatch,
      ${u('op_pos', 142)} < 0.05 + 0.5 * ${sigmoid('1.5 * z - 2.0')} AS excise_mismatch,
      ${u('op_pos', 143)} < 0.02 + 0.3 * ${sigmoid('1.5 * z - 2.5')} AS non_filer
    FROM demo_ops`,
    { seed },
  );
}

export async function insertTaxRecords(ws: Workspace, seed: number): Promise<void> {
  const k = 't.op_pos * 8 + (y.yr - 2023)';
  await ws.run(
    `
    INSERT INTO tax_records (operator_id, period_start, period_end, return_filed, vat_on_imports_declared,
      imports_declared, exports_declared, excise_declared, audit_irregularities, transfer_pricing_finding)
    WITH base AS (
      SELECT t.*, y.yr, y.imp_value, y.exp_value, y.vat, y.excise,
        NOT ((t.non_filer AND ${u(k, 150)} < 0.7) OR ${u(k, 151)} < 0.01) AS filed,
        ${u(k, 152)} AS u1, ${u(k, 153)} AS u2, ${u(k, 154)} AS u3, ${u(k, 155)} AS u4, ${u(k, 156)} AS u5,
        ${u(k, 157)} AS u6, ${u(k, 158)} AS u7
      FROM demo_tax_traits t JOIN demo_opyear y USING (operator_id)
    )
    SELECT operator_id, make_date(yr, 1, 1), make_date(yr, 12, 31), filed,
      CASE WHEN filed THEN round(vat * CASE WHEN vat_mismatch AND u1 < 0.8 THEN 1.15 + 0.6 * u2 ELSE 1.0 + 0.004 * (u2 - 0.5) END, 2) END,
      CASE WHEN filed THEN round(imp_value * CASE WHEN imports_mismatch AND u3 < 0.8 THEN 1.2 + 0.8 * u4 ELSE 1.0 + 0.01 * (u4 - 0.5) END, 2) END,
      CASE WHEN filed THEN round(exp_value * (1.0 + 0.01 * (u5 - 0.5)), 2) END,
      CASE WHEN filed THEN round(excise * CASE WHEN excise_mismatch AND excise > 0 AND u6 < 0.8 THEN 0.4 + 0.4 * u5 ELSE 1.0 END, 2) END,
      u7 < 0.01 + 0.25 * ${sigmoid('1.5 * z - 2.0')},
      x < 0.05 AND u6 < 0.3 * ${sigmoid('1.5 * z - 1.0')}
    FROM base ORDER BY op_pos, yr`,
    { seed },
  );
}

/** One offence case per declaration with findings, plus intelligence-led cases without a declaration. */
export async function insertCases(ws: Workspace, seed: number): Promise<void> {
  await ws.run(
    `
    INSERT INTO cases (case_id, operator_id, date, declaration_id, compliance_risk, serious, amount)
    WITH f AS (
      SELECT declaration_id, any_value(operator_id) AS operator_id, min(date) AS date,
        arg_max(compliance_risk, amount_reassessed) AS compliance_risk, sum(amount_reassessed) AS amount
      FROM declaration_lines WHERE finding GROUP BY declaration_id
    ), g AS (
      SELECT *, hash(declaration_id, 160, $seed::BIGINT)::DOUBLE * 5.421010862427522e-20 AS uu FROM f
    ), intel AS (
      SELECT o.operator_id, DATE '${CALENDAR_START}' + (o.start_day + floor(${u('o.op_pos', 161)} * (1095 - o.start_day)))::INTEGER AS date,
        NULL::VARCHAR AS declaration_id, 'undeclared' AS compliance_risk, true AS serious,
        round(exp(9.0 + 1.2 * ${u('o.op_pos', 162)}), 2) AS amount
      FROM demo_ops o WHERE o.z > 1.5 AND ${u('o.op_pos', 163)} < 0.3
    ), all_cases AS (
      SELECT operator_id, least(DATE '2025-12-31', date + floor(uu * 20)::INTEGER) AS date, declaration_id, compliance_risk,
        amount >= 10000 OR (compliance_risk IN ('undeclared', 'origin') AND uu < 0.5) AS serious, round(amount, 2) AS amount
      FROM g
      UNION ALL SELECT * FROM intel
    )
    SELECT 'CASE-' || year(date) || '-' || lpad(row_number() OVER (PARTITION BY year(date) ORDER BY date, declaration_id NULLS LAST, operator_id)::VARCHAR, 6, '0'),
      operator_id, date, declaration_id, compliance_risk, serious, amount
    FROM all_cases ORDER BY date, declaration_id NULLS LAST, operator_id`,
    { seed },
  );
}

/** Post-clearance audits: selected by size, profile and recent findings; results follow the propensity. */
export async function insertAudits(ws: Workspace, seed: number, effect: number): Promise<void> {
  const k = 'o.op_pos * 8 + (y.yr - 2023)';
  await ws.run(
    `
    INSERT INTO audits (audit_id, operator_id, start_date, end_date, scope, compliance_risk, finding, amount_assessed, amount_collected)
    WITH sel AS (
      SELECT o.operator_id, o.op_pos, o.propensity, o.treated, y.yr, y.total_value,
        make_date(y.yr, 1, 1) + floor(${u(k, 171)} * 330)::INTEGER AS start_date,
        30 + floor(${u(k, 172)} * 200)::INTEGER AS duration,
        ${u(k, 173)} AS u_scope, ${u(k, 174)} AS u_find, ${u(k, 175)} AS u_amt, ${u(k, 176)} AS u_col
      FROM demo_ops o JOIN demo_opyear y USING (operator_id)
      WHERE ${u(k, 170)} < 0.01 + CASE WHEN o.x < 0.05 THEN 0.08 ELSE 0.0 END + 0.06 * ${sigmoid('o.target - 1.5')}
                           + CASE WHEN y.findings > 0 THEN 0.04 ELSE 0.0 END
    ), res AS (
      SELECT *, start_date + duration AS end0,
        CASE WHEN u_scope < 0.35 THEN 'valuation' WHEN u_scope < 0.55 THEN 'classification' WHEN u_scope < 0.7 THEN 'origin'
             WHEN u_scope < 0.85 THEN 'special_regimes' ELSE 'comprehensive' END AS scope,
        u_find < least(0.95, 0.1 + 2.2 * propensity * CASE WHEN treated AND yr >= 2025 THEN 1.0 + $effect ELSE 1.0 END) AS found
      FROM sel
    )
    SELECT 'PCA-' || yr || '-' || lpad(row_number() OVER (PARTITION BY yr ORDER BY start_date, op_pos)::VARCHAR, 5, '0'),
      operator_id, start_date, CASE WHEN end0 <= DATE '2025-12-31' THEN end0 END, scope,
      CASE WHEN scope = 'comprehensive' THEN 'valuation' ELSE scope END,
      CASE WHEN end0 <= DATE '2025-12-31' THEN found END,
      CASE WHEN end0 <= DATE '2025-12-31' THEN CASE WHEN found THEN round(greatest(1000, total_value * (0.01 + 0.05 * u_amt)), 2) ELSE 0.0 END END,
      CASE WHEN end0 <= DATE '2025-12-31' THEN CASE WHEN found THEN round(CASE WHEN u_col < 0.2 THEN 0.0 ELSE greatest(1000, total_value * (0.01 + 0.05 * u_amt)) * (0.5 + 0.5 * u_col) END, 2) ELSE 0.0 END END
    FROM res ORDER BY start_date, op_pos`,
    { seed, effect },
  );
}
