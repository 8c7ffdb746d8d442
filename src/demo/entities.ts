// Step 1 of the generator: the populations lines are drawn from — HS nomenclature, operators with their
// latent propensity and habits (brokers, origins, HS chapters, offices), brokers — as temp tables.
// Everything is set-based SQL over range(); random numbers come from model.ts (hash of index, stream, seed).
import type { Workspace } from '../workspace/workspace.ts';
import { h, hi, lo, normal, sigmoid, u } from './model.ts';

/** First day an operator may trade (entrants start inside the calendar); shared with lines.ts. */
export function startDaySql(op: string): string {
  return `(CASE WHEN ${u(op, 101)} < 0.12 THEN floor(${u(op, 102)} * 1000)::INTEGER ELSE 0 END)`;
}

/** Broker index of a "good" broker (popular ones more often) or of a broker with a bad record. */
export function goodBrokerSql(uExpr: string, nb: string): string {
  return `(CASE WHEN floor(${nb} * pow(${uExpr}, 1.8))::INTEGER % 7 = 3 THEN floor(${nb} * pow(${uExpr}, 1.8))::INTEGER + 1
    ELSE floor(${nb} * pow(${uExpr}, 1.8))::INTEGER END)`;
}
export function badBrokerSql(uExpr: string, nb: string): string {
  return `(7 * floor(((${nb} - 4) // 7 + 1) * ${uExpr})::INTEGER + 3)`;
}
/** Brokers with index ≡ 3 (mod 7) have a bad track record (≈14% of brokers). */
export const brokerBadSql = (idx: string): string => `(${idx} % 7 = 3)`;
export const brokerRiskSql = (idx: string): string =>
  `(CASE WHEN ${brokerBadSql(idx)} THEN 1.5 + 0.4 * ${u(idx, 150)} ELSE 0.85 + 0.3 * ${u(idx, 150)} END)`;
export const brokerCodeSql = (idx: string): string => `concat('AG', lpad((${idx} + 1)::VARCHAR, 4, '0'))`;

/** Declarations are cut from chunks of 8 lines by one of these patterns (sizes of consecutive declarations). */
const PATTERNS = [
  [1, 1, 1, 1, 1, 1, 1, 1],
  [2, 1, 1, 2, 1, 1],
  [1, 3, 1, 1, 2],
  [4, 1, 1, 1, 1],
  [1, 1, 6],
  [2, 2, 2, 2],
  [8],
  [1, 2, 1, 4],
  [3, 3, 1, 1],
  [1, 1, 1, 5],
  [5, 2, 1],
  [1, 1, 2, 1, 1, 1, 1],
  [2, 3, 3],
  [1, 1, 1, 1, 4],
];
export const PATTERN_COUNT = PATTERNS.length;

async function buildPatterns(ws: Workspace): Promise<void> {
  const rows: string[] = [];
  PATTERNS.forEach((sizes, p) => {
    let pos = 0;
    for (const size of sizes) {
      for (let k = 0; k < size; k++) rows.push(`(${p * 8 + pos + k}, ${pos}, ${k + 1})`);
      pos += size;
    }
  });
  await ws.run(`CREATE OR REPLACE TEMP TABLE demo_patterns (pkey INTEGER, start_pos INTEGER, line_no INTEGER);
    INSERT INTO demo_patterns VALUES ${rows.join(', ')}`);
}

/** Weighted choice tables: 1000 buckets mapping a uniform to a catalogue index. */
async function buildBuckets(ws: Workspace, name: string, source: string, idx: string): Promise<void> {
  await ws.run(`CREATE OR REPLACE TEMP TABLE ${name} AS
    WITH w AS (SELECT ${idx} AS idx, sum(weight) OVER (ORDER BY ${idx}) / sum(weight) OVER () AS cum FROM ${source})
    SELECT b::INTEGER AS b, (SELECT min(idx) FROM w WHERE w.cum >= (b + 0.5) / 1000.0) AS idx FROM range(1000) t(b)`);
}

/** The HS nomenclature: 8-digit national codes under the catalogue's chapters, residual codes ending 90/99. */
async function buildHs(ws: Workspace, seed: number): Promise<void> {
  await ws.run(
    `
    CREATE OR REPLACE TEMP TABLE demo_hs AS
    WITH hd AS (
      SELECT c.*, unnest(range(1, c.headings + 1)) AS hh FROM demo_c_chapters c
    ), hd2 AS (
      SELECT *, ch || lpad(hh::VARCHAR, 2, '0') AS heading, (ch_idx * 100 + hh)::BIGINT AS hkey FROM hd
    ), hd3 AS (
      SELECT *,
        round(sens * exp(0.3 * ${normal(u('hkey', 401), u('hkey', 402))}), 3) AS h_sens,
        CASE WHEN ${u('hkey', 403)} < 0.2 THEN round(duty * 0.5, 3)
             WHEN ${u('hkey', 403)} < 0.3 THEN least(0.35, round(duty * 1.5, 3)) ELSE duty END AS h_duty,
        unnest(range(1, 2 + (hash(hkey, 404, $seed::BIGINT) % 5)::INTEGER)) AS s
      FROM hd2
    ), codes AS (
      SELECT *, heading || lpad((s * 10)::VARCHAR, 2, '0')
               || unnest(CASE WHEN ${u('hkey * 10 + s', 405)} < 0.35 THEN ['10', '20', '90'] ELSE ['00'] END) AS hs_code
      FROM hd3
      UNION ALL
      SELECT *, heading || '9099' AS hs_code FROM (SELECT *, 9 AS s FROM (SELECT * EXCLUDE (s) FROM hd3) GROUP BY ALL)
    )
    SELECT (row_number() OVER (ORDER BY hs_code) - 1)::INTEGER AS hs_idx, hs_code, heading, ch, ch_idx,
      heading || '9099' AS residual_code,
      (hs_code LIKE '%90' OR hs_code LIKE '%99' OR substr(hs_code, 5, 2) = '90') AS is_residual,
      h_sens AS sens, h_duty AS duty, vat, excise, value_mu,
      round(usd_per_kg * exp(0.5 * ${normal(u('hash(hs_code) % 4294967291', 406), u('hash(hs_code) % 4294967291', 407))}), 4) AS usd_per_kg,
      CASE WHEN usd_per_kg < 2 THEN 1.0
           ELSE round(exp(-0.5 + 1.2 * ${normal(u('hash(hs_code) % 4294967291', 408), u('hash(hs_code) % 4294967291', 409))}), 3) END AS kg_per_unit
    FROM codes`,
    { seed },
  );
  await ws.run(`CREATE OR REPLACE TEMP TABLE demo_hs_chapters AS
    SELECT ch_idx, min(hs_idx) AS first_idx, count(*)::INTEGER AS n_codes FROM demo_hs GROUP BY ch_idx`);
}

/**
 * Operators, ranked by size (op_pos 0 is the largest). Each has a latent propensity to non-compliance
 * (z ~ N(0,1)) that also tilts its habits towards risky brokers, origins, sensitive chapters, growing use of
 * exemptions and residual codes, and tax mismatches — so the note's indicators carry signal.
 */
async function buildOperators(ws: Workspace, params: EntityParams): Promise<void> {
  await ws.run(
    `
    CREATE OR REPLACE TEMP TABLE demo_ops AS
    WITH base AS NOT MATERIALIZED (
      SELECT range::INTEGER AS op_pos, (range + 0.5) / $n_ops AS x,
        ${normal(u('range', 103), u('range', 104))} AS z,
        ${normal(u('range', 105), u('range', 106))} AS z2,
        ${normal(u('range', 107), u('range', 108))} AS z3,
        ${startDaySql('range')} AS start_day,
        ${h('range', 110)} AS h1, ${h('range', 111)} AS h2, ${h('range', 112)} AS h3, ${h('range', 113)} AS h4,
        ${h('range', 114)} AS h5, ${h('range', 115)} AS h6, ${h('range', 116)} AS h7, ${h('range', 117)} AS h8
      FROM range($n_ops)
    ), a AS NOT MATERIALIZED (
      SELECT *,
        round(0.3 * ${sigmoid('1.6 * z - 1.7')}, 5) AS propensity,
        0.8 * z + 0.8 * z2 AS target,
        0.3 * ln(1.0 / (x + 0.02)) + 0.5 * z3 - 2.1 AS scale,
        (x < 0.06 AND z < 0.3 AND ${hi('h1')} < 0.5) OR (x < 0.25 AND z < -0.5 AND ${hi('h1')} < 0.12) AS aeo,
        ${lo('h1')} < 0.12 AS exporter,
        floor(${hi('h2')} * 1000)::INTEGER AS b_ch1,
        ${lo('h2')} < 0.7 * ${sigmoid('1.2 * z - 0.8')} AS ch1_sensitive,
        floor(${hi('h3')} * 1000)::INTEGER AS b_ch2,
        floor(${lo('h3')} * 1000)::INTEGER AS b_ch3,
        floor(${hi('h4')} * 1000)::INTEGER AS b_c1,
        ${lo('h4')} < 0.6 * ${sigmoid('1.3 * z - 1.0')} AS c1_risky,
        floor(${hi('h5')} * 1000)::INTEGER AS b_c2,
        floor(${lo('h5')} * 1000)::INTEGER AS b_c3,
        floor(${hi('h6')} * 1000)::INTEGER AS b_off1,
        floor(${lo('h6')} * 1000)::INTEGER AS b_off2,
        CASE WHEN ${hi('h7')} < ${sigmoid('1.3 * z - 1.8')} THEN ${badBrokerSql(lo('h7'), '$nb')}
             ELSE ${goodBrokerSql(lo('h7'), '$nb')} END AS broker1,
        ${hi('h8')} AS u_a, ${lo('h8')} AS u_b,
        ${u('op_pos', 120)} AS u_c, ${u('op_pos', 121)} AS u_d, ${u('op_pos', 122)} AS u_e, ${u('op_pos', 123)} AS u_f,
        ${u('op_pos', 124)} AS u_g, ${u('op_pos', 125)} AS u_h, ${u('op_pos', 126)} AS u_i, ${u('op_pos', 127)} AS u_j
      FROM base
    )
    SELECT a.op_pos, a.x, a.z, a.propensity, a.target, a.scale, a.start_day, a.aeo, a.exporter,
      -- identity
      (((282475249::BIGINT * a.op_pos + (hash($seed::BIGINT) % 900000000)::BIGINT) % 900000000 + 100000000)::VARCHAR
        || ((((282475249::BIGINT * a.op_pos + (hash($seed::BIGINT) % 900000000)::BIGINT) % 900000000) % 11) % 10)::VARCHAR) AS operator_id,
      -- habits
      hc1.first_idx AS ch1_first, hc1.n_codes AS ch1_n, floor(a.u_a * hc1.n_codes)::INTEGER AS ch1_base,
      hc2.first_idx AS ch2_first, hc2.n_codes AS ch2_n, floor(a.u_b * hc2.n_codes)::INTEGER AS ch2_base,
      hc3.first_idx AS ch3_first, hc3.n_codes AS ch3_n,
      ch1.isic AS main_isic, ch1.sens AS main_sens,
      CASE WHEN a.c1_risky THEN c1r.idx ELSE c1a.idx END AS ctry1, c2.idx AS ctry2, c3.idx AS ctry3,
      of1.idx AS office1, CASE WHEN of2.idx = of1.idx THEN (of1.idx + 1) % $n_offices ELSE of2.idx END AS office2,
      a.broker1,
      a.x < 0.03 AND a.u_c < 0.3 AS self_file,
      -- exemptions, special regimes, residual codes (shares grow by *_growth per year)
      CASE WHEN a.u_d < 0.08 THEN 0.25 ELSE 0.01 END AS ex_base,
      CASE WHEN a.u_e < 0.6 * ${sigmoid('1.5 * a.z - 2.2')} THEN 0.08 + 0.12 * a.u_f ELSE 0.0 END AS ex_growth,
      floor(a.u_f * $n_exemptions)::INTEGER AS ex_idx,
      CASE WHEN a.u_g < 0.6 * ${sigmoid('1.5 * a.z - 2.2')} THEN 0.06 + 0.09 * a.u_h ELSE 0.0 END AS res_growth,
      a.u_h < 0.05 AS special_regime_user,
      CASE WHEN a.u_i < ${sigmoid('1.5 * a.z - 2.5')} THEN 0.5 ELSE 0.0 END AS risky_supplier_share,
      -- registry
      CASE WHEN a.u_j < 0.02 + 0.15 * ${sigmoid('2 * a.z - 3')} THEN true ELSE false END AS isic_inconsistent,
      false AS treated,
      0.0::DOUBLE AS treat_prob
    FROM a
    JOIN demo_b_chapters_all bca ON bca.b = a.b_ch1
    JOIN demo_b_chapters_sens bcs ON bcs.b = a.b_ch1
    JOIN demo_hs_chapters hc1 ON hc1.ch_idx = CASE WHEN a.ch1_sensitive THEN bcs.idx ELSE bca.idx END
    JOIN demo_c_chapters ch1 ON ch1.ch_idx = hc1.ch_idx
    JOIN demo_b_chapters_all bc2 ON bc2.b = a.b_ch2
    JOIN demo_hs_chapters hc2 ON hc2.ch_idx = bc2.idx
    JOIN demo_b_chapters_all bc3 ON bc3.b = a.b_ch3
    JOIN demo_hs_chapters hc3 ON hc3.ch_idx = bc3.idx
    JOIN demo_b_countries_all c1a ON c1a.b = a.b_c1
    JOIN demo_b_countries_risky c1r ON c1r.b = a.b_c1
    JOIN demo_b_countries_all c2 ON c2.b = a.b_c2
    JOIN demo_b_countries_all c3 ON c3.b = a.b_c3
    JOIN demo_b_offices of1 ON of1.b = a.b_off1
    JOIN demo_b_offices of2 ON of2.b = a.b_off2`,
    { ...params },
  );
}

export interface EntityParams {
  seed: number;
  n_ops: number;
  nb: number;
  n_offices: number;
  n_exemptions: number;
}

/** Builds every population table the line generator joins to. */
export async function buildEntities(ws: Workspace, p: EntityParams): Promise<void> {
  await buildPatterns(ws);
  await buildHs(ws, p.seed);
  await buildBuckets(ws, 'demo_b_chapters_all', 'demo_c_chapters', 'ch_idx');
  await buildBuckets(ws, 'demo_b_chapters_sens', '(SELECT * FROM demo_c_chapters WHERE sens >= 1.4)', 'ch_idx');
  await buildBuckets(ws, 'demo_b_countries_all', '(SELECT * FROM demo_c_countries WHERE weight > 0)', 'ctry_idx');
  await buildBuckets(
    ws,
    'demo_b_countries_risky',
    '(SELECT * FROM demo_c_countries WHERE weight > 0 AND risk >= 1.3)',
    'ctry_idx',
  );
  await buildBuckets(ws, 'demo_b_offices', 'demo_c_offices', 'office_idx');
  await buildOperators(ws, p);
}
