// The SQL steps of `cip effect`: treated set, windows, pre-treatment segmentation, per-operator
// outcomes and quarterly trends. The scans of the lines run on the workspace's engine (src/engine) and come back
// per operator (or per declaration with a finding, per operator × quarter); the rest is the workspace's SQL.
// JS receives one row per operator.
import { duckdb, engineFor } from '../../engine/engine.ts';
import type { Dialect } from '../../engine/dialect.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import type { EffectConfig } from './config.ts';
import type { TrendRow, Windows } from './report.ts';
export type { TrendRow, Windows } from './report.ts';

/**
 * Sample splitting against regression to the mean: pre-period declarations are split in two halves by a
 * hash of declaration_id (md5, well mixed and independent of DuckDB's hash). The matching half (A) gives the pre-period finding-rate band and the risk level;
 * the baseline half (B) gives the pre-period outcome y0. Matching on the same noisy rate that serves as
 * the baseline would bias the difference-in-differences whenever treated and controls come from
 * populations with different mean rates (the matched controls regress to their own mean).
 */
export const BASELINE_HALF = (col: string, x: Dialect = duckdb) => x.md5Odd(col);

/**
 * A line whose outcome counts: inspected (or with a finding); with $random, only lines inspected at random
 * (selection_reason = random), whose finding rate measures compliance itself, not what targeting picked.
 */
const INSPECTED = `((coalesce(inspected, false) OR coalesce(finding, false)) AND (NOT $random OR coalesce(selection_reason = 'random', false)))`;

export async function treatedOperators(
  ws: Workspace,
  treatment: string,
): Promise<{ operator_id: string; start: string }[]> {
  return ws.all(
    `SELECT operator_id, min(start_date)::VARCHAR AS start FROM treatments_applied WHERE treatment = $t GROUP BY 1 ORDER BY 1`,
    { t: treatment },
  );
}

export async function treatmentNames(ws: Workspace): Promise<{ treatment: string; operators: number }[]> {
  return ws.all(
    `SELECT treatment, count(DISTINCT operator_id) AS operators FROM treatments_applied GROUP BY 1 ORDER BY 1`,
  );
}

export async function windows(ws: Workspace, start: string, cfg: EffectConfig['windows']): Promise<Windows> {
  const r = await ws.one<Windows>(
    `SELECT $s::DATE::VARCHAR AS start,
       ($s::DATE - to_months($pre))::DATE::VARCHAR AS pre_start,
       ($s::DATE - to_months($pre // 2))::DATE::VARCHAR AS mid,
       ($s::DATE + to_months($post))::DATE::VARCHAR AS post_end,
       ($s::DATE - to_months($seg))::DATE::VARCHAR AS seg_start`,
    { s: start, pre: cfg.pre_months, post: cfg.post_months, seg: cfg.segment_months },
  );
  return r!;
}

export async function dataRange(ws: Workspace): Promise<{ first: string | null; last: string | null }> {
  const r = await (
    await engineFor(ws)
  ).rows<{ first: string; last: string }>(
    `SELECT CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last FROM declaration_lines
     HAVING count(*) > 0`,
  );
  return r[0] ?? { first: null, last: null };
}

/**
 * Size segment and risk level of each operator from data strictly before the treatment start, into
 * temp table eff_seg(operator_id, size_segment, risk_level). Size: value over [seg_start, start) with the
 * thresholds of matching.yaml. Risk level: offences over the same window (cases, plus declarations with
 * a finding not already in cases): 0 → low, 1 → medium, ≥ 2 → high (repeat offender), leaving out the
 * pre-period declarations of the baseline half (see BASELINE_HALF).
 */
export async function preTreatmentSegments(
  ws: Workspace,
  w: Windows,
  m: EffectConfig['matching'],
  split: boolean,
): Promise<void> {
  const engine = await engineFor(ws);
  const win = { seg_start: w.seg_start, pre_start: w.pre_start, start: w.start, split };
  // From the lines: each operator's value, and the declarations with a finding (cases are the workspace's).
  await engine.into(
    'eff_value',
    `SELECT operator_id, sum(value) AS value FROM declaration_lines
     WHERE date >= $seg_start::DATE AND date < $start::DATE GROUP BY operator_id`,
    win,
  );
  await engine.into(
    'eff_found',
    `SELECT declaration_id, any_value(operator_id) AS operator_id FROM declaration_lines l
     WHERE finding AND date >= $seg_start::DATE AND date < $start::DATE
       AND NOT ($split AND date >= $pre_start::DATE AND ${BASELINE_HALF('l.declaration_id', engine.dialect)})
     GROUP BY declaration_id`,
    win,
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE eff_seg AS
     WITH v AS NOT MATERIALIZED (SELECT * FROM eff_value),
     off AS NOT MATERIALIZED (
       SELECT operator_id, count(*) AS n FROM (
         SELECT operator_id FROM cases c WHERE date >= $seg_start::DATE AND date < $start::DATE
           AND NOT ($split AND c.declaration_id IS NOT NULL AND date >= $pre_start::DATE AND ${BASELINE_HALF('c.declaration_id')})
         UNION ALL
         SELECT operator_id FROM eff_found l
         WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.declaration_id = l.declaration_id)) GROUP BY 1)
     SELECT v.operator_id,
       CASE WHEN v.value >= $large THEN 'large' WHEN v.value >= $medium THEN 'medium' ELSE 'small' END AS size_segment,
       CASE WHEN coalesce(off.n, 0) >= 2 THEN 'high' WHEN off.n = 1 THEN 'medium' ELSE 'low' END AS risk_level
     FROM v LEFT JOIN off USING (operator_id)`,
    { ...win, large: m.size_large, medium: m.size_medium },
  );
  await ws.run('DROP TABLE IF EXISTS eff_value; DROP TABLE IF EXISTS eff_found');
}

/**
 * When the latest general GRI run used only data before the treatment start (its window ends before it),
 * its size segments and risk levels are pre-treatment and are used as they are: eff_seg from
 * operator_segments. Returns the run's window end, or null when there is no such run.
 */
export async function griSegmentsBefore(ws: Workspace, start: string): Promise<string | null> {
  const exists =
    Number(
      await ws.scalar(
        `SELECT count(*) FROM information_schema.tables WHERE table_name IN ('seg_runs', 'operator_segments')`,
      ),
    ) === 2;
  if (!exists) return null;
  const json = await ws.scalar<string | null>(`SELECT run_json FROM seg_runs WHERE risk = 'general'`);
  const end = json ? ((JSON.parse(json) as { window?: { end?: string } }).window?.end ?? null) : null;
  if (!end || end >= start) return null;
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE eff_seg AS SELECT operator_id, size_segment, risk_level FROM operator_segments`,
  );
  return end;
}

export interface OperatorOutcomes {
  operator_id: string;
  treated: boolean;
  size_segment: string;
  risk_level: string;
  match_n: number;
  match_f: number; // pre-period, matching half
  pre_n: number;
  pre_f: number;
  pre_amt: number; // pre-period, baseline half
  pre1_n: number;
  pre1_f: number;
  pre2_n: number;
  pre2_f: number;
  past_n: number;
  past_f: number;
  past_amt: number; // the whole pre-treatment record [seg_start, start), for the posterior design
  post_n: number;
  post_f: number;
  post_amt: number;
}

/**
 * Per-operator inspected lines, findings and amounts reassessed before (matching and baseline halves, the
 * baseline half split in time for the placebo test, and the whole record since seg_start) and after the start, for
 * the treated and for the candidate controls: operators with no treatment of any kind active during the windows.
 * Only operators with enough inspected lines on both sides are returned (before: in the pre-period, or in the whole
 * record for the posterior design). An inspected line is inspected = true or finding = true.
 */
export async function operatorOutcomes(
  ws: Workspace,
  treatment: string,
  w: Windows,
  e: EffectConfig['eligibility'],
  split: boolean,
  posterior = false,
  randomOnly = false,
): Promise<{ rows: OperatorOutcomes[]; excludedOtherTreatment: number }> {
  const p = {
    random: randomOnly,
    t: treatment,
    seg_start: w.seg_start,
    pre_start: w.pre_start,
    mid: w.mid,
    start: w.start,
    post_end: w.post_end,
    split,
  };
  const pre = `date >= $pre_start::DATE AND date < $start::DATE`;
  const engine = await engineFor(ws);
  // Per operator from the lines, on their engine; who was treated is the workspace's.
  await engine.into(
    'eff_lines',
    `WITH ${engine.dialect.cte(
      'l',
      `SELECT operator_id, date, ${INSPECTED} AS insp,
         coalesce(finding, false) AS fnd, coalesce(amount_reassessed, 0) AS amt,
         CASE WHEN $split THEN ${BASELINE_HALF('declaration_id', engine.dialect)} ELSE true END AS b
       FROM declaration_lines WHERE date >= least($pre_start::DATE, $seg_start::DATE) AND date < $post_end::DATE`,
    )}
     SELECT operator_id,
       count(*) FILTER (WHERE insp AND ${pre} AND (NOT $split OR NOT b)) AS match_n,
       count(*) FILTER (WHERE fnd AND insp AND ${pre} AND (NOT $split OR NOT b)) AS match_f,
       count(*) FILTER (WHERE insp AND ${pre} AND b) AS pre_n,
       count(*) FILTER (WHERE fnd AND insp AND ${pre} AND b) AS pre_f,
       coalesce(sum(amt) FILTER (WHERE insp AND ${pre} AND b), 0) AS pre_amt,
       count(*) FILTER (WHERE insp AND date >= $pre_start::DATE AND date < $mid::DATE AND b) AS pre1_n,
       count(*) FILTER (WHERE fnd AND insp AND date >= $pre_start::DATE AND date < $mid::DATE AND b) AS pre1_f,
       count(*) FILTER (WHERE insp AND date >= $mid::DATE AND date < $start::DATE AND b) AS pre2_n,
       count(*) FILTER (WHERE fnd AND insp AND date >= $mid::DATE AND date < $start::DATE AND b) AS pre2_f,
       count(*) FILTER (WHERE insp AND date >= $seg_start::DATE AND date < $start::DATE) AS past_n,
       count(*) FILTER (WHERE fnd AND insp AND date >= $seg_start::DATE AND date < $start::DATE) AS past_f,
       coalesce(sum(amt) FILTER (WHERE insp AND date >= $seg_start::DATE AND date < $start::DATE), 0) AS past_amt,
       count(*) FILTER (WHERE insp AND date >= $start::DATE) AS post_n,
       count(*) FILTER (WHERE fnd AND insp AND date >= $start::DATE) AS post_f,
       coalesce(sum(amt) FILTER (WHERE insp AND date >= $start::DATE), 0) AS post_amt
     FROM l GROUP BY operator_id`,
    p,
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE eff_ops AS
     WITH tr AS NOT MATERIALIZED (SELECT DISTINCT operator_id FROM treatments_applied WHERE treatment = $t),
     other AS NOT MATERIALIZED (
       SELECT DISTINCT operator_id FROM treatments_applied
       WHERE treatment <> $t AND start_date < $post_end::DATE AND (end_date IS NULL OR end_date >= $pre_start::DATE))
     SELECT l.*, tr.operator_id IS NOT NULL AS treated, other.operator_id IS NOT NULL AS other_treatment
     FROM eff_lines l LEFT JOIN tr USING (operator_id) LEFT JOIN other USING (operator_id)`,
    { t: treatment, pre_start: w.pre_start, post_end: w.post_end },
  );
  await ws.run('DROP TABLE IF EXISTS eff_lines');
  const excluded = await ws.scalar<number>(`SELECT count(*) FROM eff_ops WHERE other_treatment AND NOT treated`);
  const rows = await ws.all<OperatorOutcomes>(
    `SELECT o.operator_id, o.treated, coalesce(s.size_segment, 'small') AS size_segment, coalesce(s.risk_level, 'low') AS risk_level,
       match_n, match_f, pre_n, pre_f, pre_amt, pre1_n, pre1_f, pre2_n, pre2_f, past_n, past_f, past_amt, post_n, post_f, post_amt
     FROM eff_ops o LEFT JOIN eff_seg s USING (operator_id)
     WHERE (o.treated OR NOT o.other_treatment) AND (CASE WHEN $posterior THEN past_n ELSE pre_n END) >= $min_pre
       AND post_n >= $min_post
     ORDER BY o.operator_id`,
    { min_pre: e.min_inspected_pre, min_post: e.min_inspected_post, posterior },
  );
  return { rows, excludedOtherTreatment: Number(excluded) };
}

/**
 * Finding rate of inspected lines per quarter for the matched treated (pooled) and the matched controls, reweighted
 * to the treated: within each stratum the controls' pooled rate, then averaged over strata with the treated's
 * weight (tw), so the control line is what the treated would show with the controls' rates — not the raw pool.
 */
export async function quarterlyTrends(
  ws: Workspace,
  matched: { operator_id: string; treated: boolean; stratum: string; tw: number }[],
  w: Windows,
  randomOnly = false,
): Promise<TrendRow[]> {
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE eff_units (operator_id VARCHAR, treated BOOLEAN, stratum VARCHAR, tw DOUBLE)`,
  );
  const CHUNK = 500;
  for (let i = 0; i < matched.length; i += CHUNK) {
    const part = matched.slice(i, i + CHUNK);
    const params: Record<string, unknown> = {};
    const values = part.map((u, k) => {
      params[`o${k}`] = u.operator_id;
      params[`t${k}`] = u.treated;
      params[`s${k}`] = u.stratum;
      params[`w${k}`] = u.tw;
      return `($o${k}, $t${k}, $s${k}, $w${k})`;
    });
    await ws.run(`INSERT INTO eff_units VALUES ${values.join(', ')}`, params);
  }
  // Inspected lines and findings per operator × quarter of the matched units, on the lines' engine.
  const engine = await engineFor(ws);
  const x = engine.dialect;
  await engine.into(
    'eff_quarters',
    `SELECT operator_id, ${x.quarterStart('date')} AS q, count(*) AS n, count(*) FILTER (WHERE coalesce(finding, false)) AS f
     FROM declaration_lines
     WHERE date >= $pre_start::DATE AND date < $post_end::DATE AND ${INSPECTED}
       AND ${x.inListParam('operator_id', '$units')}
     GROUP BY operator_id, q`,
    {
      pre_start: w.pre_start,
      post_end: w.post_end,
      random: randomOnly,
      units: x.listParam([...new Set(matched.map((u) => u.operator_id))]),
    },
  );
  try {
    return await ws.all<TrendRow>(
      `WITH l AS NOT MATERIALIZED (
         SELECT d.q, u.treated, u.stratum, u.tw, d.n, d.f FROM eff_quarters d JOIN eff_units u USING (operator_id)),
       c AS (SELECT q, stratum, any_value(tw) AS tw, sum(n) AS n, sum(f) AS f
             FROM l WHERE NOT treated GROUP BY q, stratum),
       cq AS (SELECT q, sum(n)::BIGINT AS control_inspected, sum(tw * f / n) / sum(tw) AS control_rate FROM c GROUP BY q),
       tq AS (SELECT q, sum(n)::BIGINT AS treated_inspected, sum(f) / sum(n) AS treated_rate
              FROM l WHERE treated GROUP BY q),
       qs AS (SELECT q FROM cq UNION SELECT q FROM tq)
       SELECT strftime(qs.q, '%Y') || '-Q' || quarter(qs.q) AS quarter,
         CASE WHEN qs.q + INTERVAL 3 MONTH <= $start::DATE THEN 'pre' WHEN qs.q >= $start::DATE THEN 'post' ELSE 'mixed' END AS phase,
         coalesce(tq.treated_inspected, 0) AS treated_inspected, tq.treated_rate,
         coalesce(cq.control_inspected, 0) AS control_inspected, cq.control_rate
       FROM qs LEFT JOIN tq USING (q) LEFT JOIN cq USING (q) ORDER BY qs.q`,
      { start: w.start },
    );
  } finally {
    await ws.run('DROP TABLE IF EXISTS eff_quarters');
  }
}

export async function dropEffectTables(ws: Workspace): Promise<void> {
  for (const t of ['eff_ops', 'eff_seg', 'eff_units']) await ws.run(`DROP TABLE IF EXISTS ${t}`);
}
