// Step 2 of the generator: declaration lines, one INSERT … SELECT over range() per period, entirely in DuckDB.
// Line i belongs to chunk i/8, cut into declarations by a pattern; declarations are numbered in date order.
// Declaration-level draws hash the declaration index, line-level draws the line index, so the same seed
// always gives the same lines whatever the order DuckDB evaluates them in.
import {
  ANNUAL_GROWTH,
  CALENDAR_DAYS,
  CALENDAR_START,
  TREATMENT_START_DAY,
  bell,
  detection,
  h,
  hi,
  lo,
  pNonCompliant0,
  pNonCompliantTreated,
  sigmoid,
  sizeRankDraw,
  u,
} from './model.ts';
import {
  brokerBadSql,
  brokerCodeSql,
  brokerRiskSql,
  badBrokerSql,
  goodBrokerSql,
  PATTERN_COUNT,
  startDaySql,
} from './entities.ts';

const K = Math.log(1 + ANNUAL_GROWTH) / 365.25;
const G = Math.exp(K * CALENDAR_DAYS) - 1;

/** Line index whose declaration date is the first day of the post period (± one chunk). */
export function postBoundaryIndex(rows: number): number {
  return Math.floor(((Math.exp(K * TREATMENT_START_DAY) - 1) / G) * rows);
}

/** The day (0-based from 2023-01-01) of a declaration from its first-line index; Sundays move to Monday. */
function daySql(d: string): string {
  const day0 = `least(${CALENDAR_DAYS - 1}, floor(ln(1.0 + ((${d}::DOUBLE + 0.5) / $n::DOUBLE) * ${G}) / ${K})::INTEGER)`;
  return `(${day0} + CASE WHEN ${day0} % 7 = 0 THEN 1 ELSE 0 END)`; // 2023-01-01 was a Sunday
}

/**
 * SQL inserting the lines listed in temp table `idx`(i) whose date falls in the period: 'pre' (before the treatment
 * start) or 'post'. In 'post', lines of treated operators use the treated non-compliance probability.
 */
export function linesInsertSql(period: 'pre' | 'post', idx = 'demo_idx'): string {
  const dayFilter = period === 'pre' ? `day < ${TREATMENT_START_DAY}` : `day >= ${TREATMENT_START_DAY}`;
  const op = (k: number) => sizeRankDraw(u('d', k), '$n_ops');
  const p0 = pNonCompliant0({
    propensity: 'propensity',
    sensitivity: 'sens',
    countryRisk: 'ctry_risk',
    brokerRisk: 'broker_risk',
    aeo: 'aeo',
  });
  const pNc =
    period === 'post' ? `CASE WHEN treated THEN ${pNonCompliantTreated('p_nc0', '$effect')} ELSE p_nc0 END` : 'p_nc0';
  return `
INSERT INTO declaration_lines (declaration_id, line_no, date, flow, regime, office, operator_id, declarant_id,
  supplier_id, hs_code, origin_country, departure_country, transport_mode, quantity, net_mass_kg, value, duty, vat,
  excise, tax_type, exemption_code, preference_code, channel, inspected, finding, compliance_risk,
  amount_reassessed, amount_collected, release_hours, aeo_flag, selection_reason, source_row)
WITH
lp AS NOT MATERIALIZED (
  SELECT ix.i, (ix.i // 8) * 8 + pt.start_pos AS d, pt.line_no
  FROM ${idx} ix JOIN demo_patterns pt
    ON pt.pkey = (hash(ix.i // 8, 201, $seed::BIGINT) % ${PATTERN_COUNT})::INTEGER * 8 + (ix.i % 8)::INTEGER
),
ld AS NOT MATERIALIZED (
  SELECT i, d, line_no, ${daySql('d')} AS day, ${op(202)} AS op1
  FROM lp
),
ldd AS NOT MATERIALIZED (
  SELECT i, d, line_no, day,
    -- the 2nd and 3rd draws only for lines whose 1st operator has not started yet (a CASE branch is evaluated
    -- for its own rows only; computed for every line in ld they cost ≈ 75 CPU ms per 1M lines)
    CASE WHEN ${startDaySql('op1')} <= day THEN op1
         WHEN ${startDaySql(op(203))} <= day THEN ${op(203)} ELSE ${op(204)} END AS op,
    ${h('d', 210)} AS hd1, ${h('d', 211)} AS hd2, ${h('d', 212)} AS hd3, ${h('d', 213)} AS hd4,
    ${h('d', 214)} AS hd5, ${h('d', 215)} AS hd6, ${h('d', 216)} AS hd7, ${h('d', 217)} AS hd8,
    ${h('i', 301)} AS hl1, ${h('i', 302)} AS hl2, ${h('i', 303)} AS hl3, ${h('i', 304)} AS hl4,
    ${h('i', 305)} AS hl5, ${h('i', 306)} AS hl6, ${h('i', 307)} AS hl7
  FROM ld WHERE ${dayFilter}
),
-- declaration level: flow, regime, office, origin, declarant, supplier
dec AS NOT MATERIALIZED (
  SELECT l.*, o.operator_id, o.propensity, o.target, o.scale, o.aeo, o.treated, o.start_day,
    o.ch1_first, o.ch1_n, o.ch1_base, o.ch2_first, o.ch2_n, o.ch2_base, o.ch3_first, o.ch3_n,
    o.ex_base, o.ex_growth, o.ex_idx, o.res_growth, o.op_pos,
    CASE WHEN o.exporter AND ${hi('hd1')} < 0.8 THEN 'export'
         WHEN ${hi('hd1')} > 0.975 THEN 'transit' ELSE 'import' END AS flow,
    ${lo('hd1')} AS u_regime,
    o.special_regime_user,
    CASE WHEN ${hi('hd2')} < 0.9 THEN o.office1 ELSE o.office2 END AS office_idx,
    CASE WHEN ${lo('hd2')} < 0.7 THEN o.ctry1 WHEN ${lo('hd2')} < 0.9 THEN o.ctry2 ELSE o.ctry3 END AS ctry_idx,
    CASE WHEN o.self_file THEN -1
         WHEN ${hi('hd3')} < 0.85 THEN o.broker1
         WHEN ${lo('hd3')} < 0.15 THEN ${badBrokerSql(hi('hd4'), '$nb')}
         ELSE ${goodBrokerSql(hi('hd4'), '$nb')} END AS broker_idx,
    CASE WHEN ${lo('hd4')} < o.risky_supplier_share THEN 900000 + floor(${hi('hd5')} * $n_sup)::INTEGER
         ELSE (o.op_pos * 4 + floor(${hi('hd5')} * 4)::INTEGER) % ($n_ops * 2) END AS supplier_no,
    ${lo('hd5')} AS u_dep, ${hi('hd6')} AS u_chan, ${lo('hd6')} AS u_chan2
  FROM ldd l JOIN demo_ops o ON o.op_pos = l.op
),
dec2 AS NOT MATERIALIZED (
  SELECT d0.*, co.code AS ctry_code, co.risk AS ctry_risk, co.fta, co.hub, of.code AS office, of.mode, of.mode2, of.p_mode,
    CASE WHEN broker_idx < 0 THEN 1.0 ELSE ${brokerRiskSql('broker_idx')} END AS broker_risk,
    CASE WHEN broker_idx < 0 THEN false ELSE ${brokerBadSql('broker_idx')} END AS broker_bad,
    CASE flow WHEN 'export' THEN CASE WHEN u_regime < 0.9 THEN '1000' ELSE '2100' END
              WHEN 'transit' THEN '8000'
              ELSE CASE WHEN special_regime_user AND u_regime < 0.4 THEN '5100'
                        WHEN u_regime < 0.82 THEN '4000' WHEN u_regime < 0.9 THEN '4071'
                        WHEN u_regime < 0.95 THEN '5100' ELSE '7100' END END AS regime
  FROM dec d0
  JOIN demo_c_countries co ON co.ctry_idx = d0.ctry_idx
  JOIN demo_c_offices of ON of.office_idx = d0.office_idx
),
-- selectivity: the channel depends on the declaration's risk profile, never on treatment status; a share
-- $random_share of declarations is inspected by lot whatever its risk (the unbiased control: their finding rate is
-- the population's)
dec3 AS NOT MATERIALIZED (
  SELECT *,
    ${sigmoid(`-2.0 + 0.55 * target + 1.6 * (ctry_risk - 1.0) + 0.6 * broker_bad::INTEGER
      + CASE WHEN start_day > 0 AND day - start_day < 180 THEN 0.8 ELSE 0.0 END
      - CASE WHEN aeo THEN 1.6 ELSE 0.0 END - CASE WHEN flow = 'export' THEN 1.3 WHEN flow = 'transit' THEN 1.0 ELSE 0.0 END`)} AS p_inspect
  FROM dec2
),
dec4 AS NOT MATERIALIZED (
  SELECT *,
    CASE WHEN ${lo('hd8')} < $random_share OR u_chan < p_inspect THEN CASE WHEN u_chan2 < 0.45 THEN 'red' ELSE 'yellow' END
         WHEN aeo AND u_chan2 < 0.7 THEN 'blue' ELSE 'green' END AS channel,
    CASE WHEN ${lo('hd8')} < $random_share THEN 'random'
         WHEN u_chan < p_inspect THEN CASE WHEN ${hi('hd8')} < 0.6 THEN 'rule' WHEN ${hi('hd8')} < 0.95 THEN 'score' ELSE 'officer' END
    END AS selection_reason,
    CASE WHEN u_dep < p_mode THEN mode ELSE mode2 END AS transport_mode,
    day::DOUBLE / 365.25 AS t_years
  FROM dec3
),
-- line level: HS code, exemption, preference, non-compliance
ln1 AS NOT MATERIALIZED (
  SELECT *,
    CASE WHEN ${hi('hl1')} < 0.72 THEN ch1_first + (ch1_base + floor(${lo('hl1')} * least(12, ch1_n))::INTEGER) % ch1_n
         WHEN ${hi('hl1')} < 0.94 THEN ch2_first + (ch2_base + floor(${lo('hl1')} * least(12, ch2_n))::INTEGER) % ch2_n
         ELSE ch3_first + floor(${lo('hl1')} * ch3_n)::INTEGER END AS hs_idx
  FROM dec4
),
ln2 AS NOT MATERIALIZED (
  SELECT l.*, hs.hs_code AS hs_code0, hs.residual_code, hs.sens, hs.duty AS duty_rate, hs.vat AS vat_rate,
    hs.excise AS excise_rate, hs.value_mu, hs.usd_per_kg, hs.kg_per_unit,
    ${hi('hl2')} < least(0.6, 0.02 + res_growth * t_years) AS use_residual,
    flow = 'import' AND regime IN ('4000', '4071') AND ${lo('hl2')} < least(0.8, ex_base + ex_growth * t_years) AS exempt,
    ${hi('hl3')} AS u_pref
  FROM ln1 l JOIN demo_hs hs ON hs.hs_idx = l.hs_idx
),
ln3 AS NOT MATERIALIZED (
  SELECT *,
    CASE WHEN use_residual THEN residual_code ELSE hs_code0 END AS hs_code,
    CASE WHEN exempt THEN ex.code END AS exemption_code,
    CASE WHEN NOT exempt AND flow = 'import' AND regime IN ('4000', '4071') AND fta IS NOT NULL AND u_pref < 0.65
         THEN fta END AS preference_code,
    ${p0} AS p_nc0
  FROM ln2 JOIN demo_c_exemptions ex ON ex.ex_idx = ln2.ex_idx
),
ln4 AS NOT MATERIALIZED (
  SELECT *, ${lo('hl3')} < ${pNc} AS nc
  FROM ln3
),
-- which compliance risk a non-compliant line carries, by its features
ln5 AS NOT MATERIALIZED (
  SELECT *,
    CASE WHEN NOT nc THEN NULL ELSE (
      WITH_W
    ) END AS risk
  FROM ln4
),
ln6 AS NOT MATERIALIZED (
  SELECT *,
    round(exp(value_mu + scale + 1.0 * ${bell(hi('hl4'))}), 2) AS true_value
  FROM ln5
),
ln7 AS NOT MATERIALIZED (
  SELECT *,
    CASE WHEN risk = 'valuation' THEN round(true_value * (0.3 + 0.45 * ${hi('hl6')}), 2) ELSE true_value END AS value,
    greatest(0.001, round(true_value / (usd_per_kg * exp(0.25 * ${bell(lo('hl4'))})), 3)) AS net_mass_kg,
    flow = 'import' AND regime IN ('4000', '4071') AS taxable,
    channel IN ('yellow', 'red') AS inspected
  FROM ln6
),
ln8 AS NOT MATERIALIZED (
  SELECT *,
    CASE WHEN taxable AND NOT exempt THEN round(value * duty_rate * CASE WHEN preference_code IS NOT NULL THEN 0.0 ELSE 1.0 END, 2) ELSE 0.0 END AS duty,
    CASE WHEN taxable AND NOT exempt THEN round(value * excise_rate, 2) ELSE 0.0 END AS excise,
    nc AND inspected AND ${lo('hl6')} < ${detection('channel')} AS finding
  FROM ln7
),
ln9 AS NOT MATERIALIZED (
  SELECT *,
    CASE WHEN taxable AND NOT exempt THEN round((value + duty + excise) * vat_rate, 2) ELSE 0.0 END AS vat,
    CASE WHEN finding THEN greatest(50.0, round(
      CASE risk WHEN 'valuation' THEN (true_value - value) * (duty_rate + excise_rate + vat_rate + 0.1)
                WHEN 'classification' THEN value * (0.05 + 0.25 * ${hi('hl7')}) * (duty_rate + 0.1)
                WHEN 'origin' THEN value * (duty_rate + 0.05)
                WHEN 'undeclared' THEN value * (0.1 + 0.5 * ${hi('hl7')}) * (1.0 + duty_rate + excise_rate + vat_rate)
                ELSE value * (duty_rate + excise_rate + vat_rate + 0.05) END, 2)) END AS amount_reassessed
  FROM ln8
)
SELECT
  concat(year(DATE '${CALENDAR_START}' + day)::VARCHAR, '-', office, '-C-', lpad((d + 1)::VARCHAR, 9, '0')) AS declaration_id,
  line_no,
  DATE '${CALENDAR_START}' + day AS date,
  flow, regime, office, operator_id,
  CASE WHEN broker_idx < 0 THEN operator_id ELSE ${brokerCodeSql('broker_idx')} END AS declarant_id,
  concat(CASE WHEN flow = 'export' THEN 'BY-' ELSE 'SP-' END, ctry_code, '-', lpad(supplier_no::VARCHAR, 6, '0')) AS supplier_id,
  hs_code,
  CASE WHEN flow = 'export' THEN $home ELSE ctry_code END AS origin_country,
  CASE WHEN flow = 'export' THEN $home WHEN ${lo('hd7')} < 0.78 THEN ctry_code ELSE hub END AS departure_country,
  transport_mode,
  greatest(1.0, round(net_mass_kg / kg_per_unit, 0)) AS quantity,
  net_mass_kg, value, duty, vat, excise,
  CASE WHEN NOT taxable THEN CASE WHEN flow = 'import' THEN 'SUS' ELSE 'NONE' END
       WHEN exemption_code IS NOT NULL THEN 'EXM' WHEN preference_code IS NOT NULL THEN 'PRF' ELSE 'MFN' END AS tax_type,
  exemption_code, preference_code, channel, inspected, finding,
  CASE WHEN finding THEN risk END AS compliance_risk,
  amount_reassessed,
  CASE WHEN finding THEN CASE WHEN ${lo('hl7')} < 0.15 THEN 0.0
       ELSE round(amount_reassessed * (0.7 + 0.3 * ${lo('hl7')}), 2) END END AS amount_collected,
  greatest(0.1, round(CASE channel WHEN 'green' THEN 2.0 WHEN 'blue' THEN 1.0 WHEN 'yellow' THEN 14.0 ELSE 40.0 END
    * CASE transport_mode WHEN 'sea' THEN 1.6 WHEN 'air' THEN 0.6 WHEN 'road' THEN 0.8 WHEN 'rail' THEN 1.3
                          WHEN 'post' THEN 0.7 ELSE 0.5 END
    * CASE WHEN aeo THEN 0.6 ELSE 1.0 END
    * exp(0.6 * ${bell(hi('hd7'))})
    + CASE WHEN finding THEN 24.0 + 72.0 * ${hi('hl7')} ELSE 0.0 END, 1)) AS release_hours,
  aeo AS aeo_flag,
  selection_reason,
  i + 1 AS source_row
FROM ln9`.replace('WITH_W', riskChoiceSql());
}

/**
 * The compliance risk of a non-compliant line: weights by features (risky origins → valuation, residual codes
 * → classification, preferences → origin, exemptions and suspensive regimes → special regimes).
 */
function riskChoiceSql(): string {
  const wVal = `(0.40 * CASE WHEN ctry_risk >= 1.3 THEN 1.5 ELSE 1.0 END)`;
  const wCls = `(0.22 * CASE WHEN use_residual THEN 3.0 ELSE 1.0 END)`;
  const wOri = `(CASE WHEN preference_code IS NOT NULL THEN 0.35 ELSE 0.04 END)`;
  const wUnd = `0.13`;
  const wSpr = `(CASE WHEN exempt OR regime IN ('5100', '7100') THEN 0.7 ELSE 0.03 END)`;
  const total = `(${wVal} + ${wCls} + ${wOri} + ${wUnd} + ${wSpr})`;
  const r = `(${hi('hl5')} * ${total})`;
  return `CASE WHEN ${r} < ${wVal} THEN 'valuation'
    WHEN ${r} < ${wVal} + ${wCls} THEN 'classification'
    WHEN ${r} < ${wVal} + ${wCls} + ${wOri} THEN 'origin'
    WHEN ${r} < ${wVal} + ${wCls} + ${wOri} + ${wUnd} THEN 'undeclared'
    ELSE 'special_regimes' END`;
}
