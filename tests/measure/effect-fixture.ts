// A simulated workspace with a known treatment effect on the finding probability, built in SQL with a
// deterministic hash as the random source (no dependence on thread scheduling).
import { Workspace } from '../../src/workspace/workspace.ts';

export interface SimOptions {
  operators: number;
  linesPerMonth: number;
  /** Additive change of the finding probability of treated operators from the start on. */
  effect: number;
  /** Extra change of the finding probability of the treated only, before the start (pre-trend). */
  preTrend?: number;
  /** Varies the pseudo-random draws. */
  salt?: string;
}

/** 24 months (2022–2023); treatment 'visit' starts 2023-01-01 for high-risk even-numbered operators. */
export async function buildEffectWorkspace(dir: string, o: SimOptions): Promise<void> {
  const ws = await Workspace.open(dir, { create: true });
  const u = (salt: string, ...cols: string[]) =>
    `(hash(${[...cols, `'${salt}${o.salt ?? ''}'`].join(', ')}) % 1000000) / 1000000.0`;
  try {
    await ws.run(
      `CREATE TEMP TABLE sim_ops AS
       SELECT i, printf('OP%04d', i) AS operator_id, 0.05 + 0.25 * ${u('base', 'i')} AS p,
         (i % 2 = 0 AND ${u('base', 'i')} > 0.3) AS treated
       FROM range($n) t(i)`,
      { n: o.operators },
    );
    await ws.run(
      `INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, hs_code, value, inspected, finding, amount_reassessed)
       WITH l AS (
         SELECT s.operator_id, s.i, s.p, s.treated, m.m, k.k,
           (DATE '2022-01-01' + to_months(m.m::INTEGER) + to_days((k.k % 28)::INTEGER))::DATE AS date
         FROM sim_ops s, range(24) m(m), range($per) k(k))
       SELECT operator_id || '-' || m || '-' || k, 1, date, 'import', operator_id, '610910', 1000 * (1 + i % 7), true,
         ${u('finding', 'operator_id', 'm', 'k')} < p + 0.02 * (m >= 12)::INT
            + CASE WHEN treated AND m >= 12 THEN $effect ELSE 0 END
            + CASE WHEN treated AND m >= 6 AND m < 12 THEN $pretrend ELSE 0 END,
         0
       FROM l`,
      { per: o.linesPerMonth, effect: o.effect, pretrend: o.preTrend ?? 0 },
    );
    await ws.run(`UPDATE declaration_lines SET amount_reassessed = 100 WHERE finding`);
    await ws.run(
      `INSERT INTO treatments_applied (operator_id, treatment, start_date) SELECT operator_id, 'visit', DATE '2023-01-01' FROM sim_ops WHERE treated`,
    );
  } finally {
    ws.close();
  }
}
