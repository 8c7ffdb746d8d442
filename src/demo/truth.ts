// Step 4 of the generator: the truth tables (demo_truth*, see schema.ts), for tests and estimator checks only.
import type { Workspace } from '../workspace/workspace.ts';
import { CALENDAR_START } from './model.ts';
import { brokerBadSql, brokerCodeSql, brokerRiskSql } from './entities.ts';

export interface TruthParams {
  seed: number;
  rows: number;
  effect: number;
  treatment: string;
  treatmentStart: string;
  calendarStart: string;
  calendarEnd: string;
  nb: number;
}

/** The true effect of the treatment and the figures around it (see demo_truth). */
export interface TrueEffect {
  /**
   * Expected change in the finding rate of inspected lines of treated operators in the post period, against
   * their own counterfactual: avg over those lines of (p_find − p_find0), where p_find = P(non-compliant) ×
   * P(detected | channel) with and without the treatment, computed from the generator's own probabilities
   * (view demo_truth_lines). Line-weighted, like a pooled finding rate.
   */
  trueEffect: number;
  /** The same, averaged first within each treated operator, then across operators (operator-weighted). */
  trueEffectOperatorMean: number;
  /** Expected change in findings per post-period line of treated operators (inspected or not). */
  trueEffectAllLines: number;
  counterfactualFindingRate: number;
  expectedFindingRate: number;
  observedFindingRate: number;
  treatedInspectedPostLines: number;
  treatedOperators: number;
}

export async function writeTruth(ws: Workspace, p: TruthParams): Promise<TrueEffect> {
  await ws.run(`
    INSERT INTO demo_truth_operators
    SELECT o.operator_id, o.op_pos, round(o.z, 6), o.propensity, o.aeo, DATE '${CALENDAR_START}' + o.start_day,
      CASE WHEN o.self_file THEN NULL ELSE ${brokerCodeSql('o.broker1')} END,
      o.ex_growth, o.res_growth, o.risky_supplier_share,
      t.vat_mismatch, t.imports_mismatch, t.excise_mismatch, t.non_filer,
      pre.segment, coalesce(pre.inspected, 0), coalesce(pre.findings, 0), o.treat_prob, o.treated
    FROM demo_ops o JOIN demo_tax_traits t USING (operator_id) LEFT JOIN demo_pre pre USING (operator_id)
    ORDER BY o.op_pos`);
  await ws.run(
    `
    INSERT INTO demo_truth_brokers
    SELECT ${brokerCodeSql('range')}, ${brokerBadSql('range')}, ${brokerRiskSql('range')} FROM range($nb)`,
    { seed: p.seed, nb: p.nb },
  );
  await ws.run(`INSERT INTO demo_truth_countries SELECT code, risk FROM demo_c_countries`);
  await ws.run(`INSERT INTO demo_truth_hs_codes SELECT hs_code, heading, sens, is_residual FROM demo_hs
    UNION SELECT residual_code, heading, sens, true FROM demo_hs`);
  const kv: [string, string][] = [
    ['generator', 'cip-demo-1'],
    ['seed', String(p.seed)],
    ['rows', String(p.rows)],
    ['effect', String(p.effect)],
    [
      'effect_definition',
      'relative change of the non-compliance probability of treated operators from treatment_start: p_nc = min(0.95, p_nc0 * (1 + effect))',
    ],
    ['treatment', p.treatment],
    ['treatment_start', p.treatmentStart],
    ['calendar_start', p.calendarStart],
    ['calendar_end', p.calendarEnd],
  ];
  await insertKv(ws, kv);
  const t = (await ws.one<TrueEffect>(`
    WITH l AS (SELECT * FROM demo_truth_lines WHERE treated AND post),
    per_op AS (SELECT operator_id, avg(p_find - p_find0) AS d FROM l WHERE inspected GROUP BY operator_id)
    SELECT
      coalesce((SELECT avg(p_find - p_find0) FROM l WHERE inspected), 0) AS "trueEffect",
      coalesce((SELECT avg(d) FROM per_op), 0) AS "trueEffectOperatorMean",
      coalesce((SELECT avg(p_find - p_find0) FROM l), 0) AS "trueEffectAllLines",
      coalesce((SELECT avg(p_find0) FROM l WHERE inspected), 0) AS "counterfactualFindingRate",
      coalesce((SELECT avg(p_find) FROM l WHERE inspected), 0) AS "expectedFindingRate",
      coalesce((SELECT avg(finding::INTEGER) FROM l WHERE inspected), 0) AS "observedFindingRate",
      (SELECT count(*) FROM l WHERE inspected) AS "treatedInspectedPostLines",
      (SELECT count(*) FROM demo_truth_operators WHERE treated) AS "treatedOperators"`))!;
  await insertKv(ws, [
    ['true_effect', String(t.trueEffect)],
    [
      'true_effect_definition',
      'avg(p_find - p_find0) over inspected lines of treated operators dated on or after treatment_start (view demo_truth_lines)',
    ],
    ['true_effect_operator_mean', String(t.trueEffectOperatorMean)],
    ['true_effect_all_lines', String(t.trueEffectAllLines)],
    ['counterfactual_finding_rate', String(t.counterfactualFindingRate)],
    ['expected_finding_rate_treated', String(t.expectedFindingRate)],
    ['observed_finding_rate_treated', String(t.observedFindingRate)],
    ['treated_inspected_post_lines', String(t.treatedInspectedPostLines)],
    ['treated_operators', String(t.treatedOperators)],
  ]);
  return t;
}

async function insertKv(ws: Workspace, kv: [string, string][]): Promise<void> {
  for (const [key, value] of kv) await ws.run('INSERT INTO demo_truth VALUES ($key, $value)', { key, value });
}
