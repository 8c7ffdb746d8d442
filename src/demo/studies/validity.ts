// GRI validity on the demo generator, which knows each operator's latent propensity: the GRI fitted on the first
// two years ranks operators by any finding in the third year; its AUC is compared with the oracle's (the
// propensity's own AUC on the same operators). Used by bench/validity.bench.ts and tests/segmentation/validity.test.ts.
import type { Workspace } from '../../workspace/workspace.ts';
import { computeSegmentation } from '../../segmentation/pipeline.ts';
import { parseConfig, type GriConfigInput } from '../../segmentation/config.ts';

export interface ValidityResult {
  method: string;
  /** The weighting the run used (auto resolves to equal, frequency or learned). */
  used: string;
  auc: number;
  oracleAuc: number;
  ratio: number;
  operators: number;
  positives: number;
}

/** AUC of `score` against `y` (ties counted half), in SQL over a table of (score, y). */
async function auc(ws: Workspace, table: string, score: string): Promise<number> {
  const r = await ws.one<{ auc: number }>(
    `WITH r AS (SELECT y, rank() OVER (ORDER BY ${score}) AS lo, count(*) OVER (PARTITION BY ${score}) AS ties FROM ${table}),
     s AS (SELECT sum(lo + (ties - 1) / 2.0) FILTER (WHERE y) AS ranks, count(*) FILTER (WHERE y) AS p, count(*) FILTER (WHERE NOT y) AS n FROM r)
     SELECT (ranks - p * (p + 1) / 2.0) / (p * n) AS auc FROM s`,
  );
  return Number(r!.auc);
}

/**
 * Runs the GRI with each weighting (window ending `end`, the other settings as given) and measures its AUC for
 * "any finding after `end`" over the operators with a line after `end`, against the oracle's.
 */
export async function griValidity(
  ws: Workspace,
  methods: string[],
  end = '2024-12-31',
  config: GriConfigInput = {},
): Promise<ValidityResult[]> {
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE val_y AS
     SELECT t.operator_id, t.propensity, bool_or(coalesce(l.finding, false)) AS y
     FROM demo_truth_operators t JOIN declaration_lines l USING (operator_id) WHERE l.date > $end::DATE GROUP BY ALL`,
    { end },
  );
  const oracleAuc = await auc(ws, 'val_y', 'propensity');
  const counts = (await ws.one<{ n: number; p: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE y) AS p FROM val_y`,
  ))!;
  const out: ValidityResult[] = [];
  for (const method of methods) {
    const run = await computeSegmentation(ws, {
      config: parseConfig({ ...config, window: { end }, weights: { method } }),
    });
    await ws.run(
      `CREATE OR REPLACE TEMP TABLE val_s AS SELECT v.y, coalesce(s.gri, 0) AS gri
       FROM val_y v LEFT JOIN operator_segments s USING (operator_id)`,
    );
    const a = await auc(ws, 'val_s', 'gri');
    out.push({
      method,
      used: run.scoring.method,
      auc: a,
      oracleAuc,
      ratio: a / oracleAuc,
      operators: Number(counts.n),
      positives: Number(counts.p),
    });
  }
  await ws.run('DROP TABLE IF EXISTS val_y; DROP TABLE IF EXISTS val_s');
  return out;
}
