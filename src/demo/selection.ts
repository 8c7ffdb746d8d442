// How the demo's treated operators are picked (cip demo --selection). Apart from the generator's steps so the
// effect study can vary it: 'size' (the default, in records.ts: by size segment and pilot directorate, independent
// of the latent propensity) is overridden here by two rules a committee uses, both chosen on the 2023–2024 record:
//   stratum — random within a high-risk stratum: repeat offenders (≥ 2 findings in 2023–2024), each with
//             probability 1/2;
//   top     — top past finding rate: in the pilot directorates (DR03, DR04), the quarter of operators with at least
//             5 inspected lines whose 2023–2024 finding rate is highest; elsewhere nobody.
// Both select on noisy past findings, so the treated's past rate is partly luck and regresses to the mean.
import type { Workspace } from '../workspace/workspace.ts';
import { u } from './model.ts';

export const SELECTION_RULES = ['size', 'stratum', 'top'] as const;
export type SelectionRule = (typeof SELECTION_RULES)[number];

/** Re-picks the treated after assignTreatment (records.ts) built demo_pre and the default picks. */
export async function selectTreated(ws: Workspace, seed: number, rule: SelectionRule): Promise<void> {
  if (rule === 'size') return;
  if (rule === 'stratum') {
    await ws.run(
      `UPDATE demo_ops SET treat_prob = p.prob, treated = ${u('demo_ops.op_pos', 170)} < p.prob
       FROM (SELECT operator_id, CASE WHEN findings >= 2 THEN 0.5 ELSE 0.0 END AS prob FROM demo_pre) p
       WHERE p.operator_id = demo_ops.operator_id`,
      { seed },
    );
    return;
  }
  await ws.run(
    `UPDATE demo_ops SET treat_prob = p.prob, treated = p.prob = 1.0
     FROM (
       SELECT pre.operator_id,
         CASE WHEN of.directorate IN ('DR03', 'DR04') AND pre.inspected >= 5
                AND percent_rank() OVER (PARTITION BY of.directorate IN ('DR03', 'DR04') AND pre.inspected >= 5
                                         ORDER BY pre.findings / pre.inspected DESC, pre.findings DESC, ${u('o.op_pos', 171)}) < 0.25
              THEN 1.0 ELSE 0.0 END AS prob
       FROM demo_pre pre JOIN demo_ops o USING (operator_id) JOIN demo_c_offices of ON of.office_idx = o.office1) p
     WHERE p.operator_id = demo_ops.operator_id`,
    { seed },
  );
}
