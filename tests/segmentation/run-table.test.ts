// One per-operator table per run (seg_op_<risk>): re-scoring, operator_segments, learned weights and Table 4 (through
// the pattern cube) read it; there is no second copy of the operator rows (migration segmentation-004).
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation, parseConfig, rescore, table4 } from '../../src/segmentation/index.ts';
import { operatorTable } from '../../src/segmentation/evidence.ts';

let ws: Workspace;
beforeAll(async () => {
  ws = await Workspace.open(tmpDir(), { create: true });
  await generateDemo(ws, { rows: 40_000, seed: 11 });
});
afterAll(() => ws?.close());

const tables = async () =>
  (
    await ws.all<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main' AND table_name LIKE 'seg_op%' ORDER BY 1`,
    )
  ).map((r) => r.t);

/** Table 4 cells computed independently, operator by operator, from operator_segments and the run's table. */
async function cellsFromOperators(risk: string) {
  const seg = risk === 'general' ? 'operator_segments s' : `operator_risk_segments s`;
  return ws.all<Record<string, number | string>>(
    `SELECT s.size_segment AS size, s.risk_level AS level, count(*)::BIGINT AS operators, round(sum(b.total_value), 2) AS value,
            round(coalesce(sum(b.vat), 0), 2) AS vat, round(coalesce(sum(b.duty), 0), 2) AS duty, round(coalesce(sum(b.excise), 0), 2) AS excise,
            count(*) FILTER (WHERE b.repeat_offender)::BIGINT AS "repeatOffenders", count(*) FILTER (WHERE NOT b.controlled)::BIGINT AS "withoutControl"
     FROM ${seg} JOIN ${operatorTable(risk)} b USING (operator_id) ${risk === 'general' ? '' : 'WHERE s.risk = $risk'}
     GROUP BY 1, 2 ORDER BY 1, 2`,
    risk === 'general' ? undefined : { risk },
  );
}

describe('the run table replaces the per-operator base rows', () => {
  it('the base-rows table is gone from the schema', async () => {
    const n = await ws.scalar(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'seg_operator_base'`);
    expect(Number(n)).toBe(0);
  });

  it('Table 4 from the pattern cube equals Table 4 summed operator by operator, before and after a re-scoring', async () => {
    await computeSegmentation(ws, {
      config: parseConfig({ weights: { method: 'frequency' }, levels: { method: 'quantile' } }),
    });
    const check = async (risk: string) => {
      const t = await table4(ws, risk, { extended: true });
      const cells = await cellsFromOperators(risk);
      for (const c of cells) {
        const row = t.rows.find((r) => r.size === c.size && r.level === c.level)!;
        expect([
          row.operators,
          row.value,
          row.vat,
          row.duty,
          row.excise,
          row.repeatOffenders,
          row.withoutControl,
        ]).toEqual([c.operators, c.value, c.vat, c.duty, c.excise, c.repeatOffenders, c.withoutControl].map(Number));
      }
      expect(t.rows.at(-1)!.operators).toBe(cells.reduce((a, c) => a + Number(c.operators), 0));
    };
    await check('general');
    await rescore(
      ws,
      'general',
      { weights: { method: 'equal' }, levels: { method: 'manual', manual: { medium: 0.1, high: 0.3 } } },
      'tester',
    );
    await check('general');
    await computeSegmentation(ws, {
      config: parseConfig({ risk: 'valuation', complianceRisk: 'valuation', weights: { method: 'frequency' } }),
    });
    await check('valuation');
  });

  it('operator_segments has one row per operator of the run table, with its flag pattern’s score', async () => {
    const run = await computeSegmentation(ws, { config: parseConfig({ weights: { method: 'equal' } }) });
    const rows = await ws.all<{ n: number; missing: number; wrong: number }>(
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE s.operator_id IS NULL)::INTEGER AS missing,
              count(*) FILTER (WHERE s.gri <> p.gri OR s.risk_level <> p.risk_level OR s.size_segment <> b.size_segment OR s.lines <> b.basis_lines)::INTEGER AS wrong
       FROM ${operatorTable('general')} b LEFT JOIN operator_segments s USING (operator_id)
       LEFT JOIN seg_pattern_scores p ON p.risk = 'general' AND p.flags = b.flags`,
    );
    expect(rows[0]).toEqual({ n: run.operators, missing: 0, wrong: 0 });
    expect(Number(await ws.scalar(`SELECT count(*) FROM operator_segments`))).toBe(run.operators);
  });

  it('learned weights: fitted on a training run that leaves no table, cube rows or evidence behind', async () => {
    const run = await computeSegmentation(ws, { config: parseConfig({ weights: { method: 'learned' } }) });
    expect(run.learnedWeights).toHaveLength(run.indicators.length);
    expect(run.learnedWeights!.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    expect(run.learnedWeights!.some((x) => x > 0)).toBe(true);
    expect(await tables()).toEqual([operatorTable('general'), operatorTable('valuation')].sort());
    expect(await ws.all(`SELECT DISTINCT risk FROM seg_pattern_cube ORDER BY 1`)).toEqual([
      { risk: 'general' },
      { risk: 'valuation' },
    ]);
    expect(
      Number(await ws.scalar(`SELECT count(*) FROM operator_risk_indicator_flags WHERE risk LIKE '%__train'`)),
    ).toBe(0);
  });

  it('a run stored without its run table asks for a recomputation (Table 4, re-scoring), then works again', async () => {
    await ws.run(`ALTER TABLE ${operatorTable('valuation')} RENAME TO seg_saved`);
    const msg =
      "the stored GRI run of 'valuation' predates this version: recompute it (cip gri compute --risk valuation)";
    await expect(table4(ws, 'valuation')).rejects.toThrow(msg);
    await expect(rescore(ws, 'valuation', { weights: { method: 'equal' } }, 'tester')).rejects.toThrow(msg);
    await ws.run(`ALTER TABLE seg_saved RENAME TO ${operatorTable('valuation')}`);
    expect((await table4(ws, 'valuation')).rows.at(-1)!.operators).toBeGreaterThan(0);
  });
});
