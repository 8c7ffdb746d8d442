// Evidence formatted on read (src/segmentation/evidence.ts) and the operator page as a point lookup, on the fixture.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { builtinIndicators } from '../../src/segmentation/catalogue.ts';
import { measureValue } from '../../src/segmentation/measures.ts';
import {
  computeSegmentation,
  explainOperator,
  getConfig,
  lastRun,
  mergeConfig,
  rescore,
  setConfig,
} from '../../src/segmentation/index.ts';
import { indicatorSql, operatorTable } from '../../src/segmentation/evidence.ts';
import { buildFixture, CONFIG } from './fixture.ts';

let ws: Workspace;
const OPS = ['O1', 'O2', 'O3', 'O4', 'O5', 'O6'];
const tableType = async () =>
  ws.scalar<string>(
    `SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'operator_indicator_flags'`,
  );
const flagRows = async (sql: string) => ws.all<{ operator_id: string; indicator_code: string; evidence: string }>(sql);

beforeAll(async () => {
  ws = await buildFixture(tmpDir());
  await setConfig(ws, mergeConfig((await getConfig(ws)).config, CONFIG), 'tester', 'fixture');
});
afterAll(() => ws?.close());

describe('lazy evidence', () => {
  it('operator_indicator_flags is a table until the first run, then a view with the same rows as explain', async () => {
    expect(await tableType()).toBe('BASE TABLE');
    await computeSegmentation(ws);
    expect(await tableType()).toBe('VIEW');
    const rows = await flagRows(
      `SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags ORDER BY 1, 2`,
    );
    expect(rows.map((r) => [r.operator_id, r.indicator_code])).toEqual([
      ['O1', 'CUS_REPEAT'],
      ['O1', 'TRX_BROKER'],
      ['O2', 'TRX_BROKER'],
      ['O4', 'TRX_BROKER'],
    ]);
    const explained = [];
    for (const op of OPS)
      for (const i of (await explainOperator(ws, op)).indicators.filter((x) => x.flag))
        explained.push({ operator_id: op, indicator_code: i.code, evidence: i.evidence });
    explained.sort((a, b) => (a.operator_id + a.indicator_code).localeCompare(b.operator_id + b.indicator_code));
    expect(explained).toEqual(rows);
  });

  it('rank, GRI and level come from the scored flag patterns and follow a re-scoring', async () => {
    const ranks = async () =>
      Object.fromEntries(await Promise.all(OPS.map(async (op) => [op, (await explainOperator(ws, op)).rank])));
    expect(await ranks()).toEqual({ O1: 1, O2: 2, O4: 2, O3: 4, O5: 4, O6: 4 });
    for (const op of OPS) {
      const e = await explainOperator(ws, op);
      const s = await ws.one<{ gri: number; risk_level: string; rank: number }>(
        `SELECT gri, risk_level, (SELECT count(*) + 1 FROM operator_segments o WHERE o.gri > s.gri) AS rank FROM operator_segments s WHERE operator_id = $op`,
        { op },
      );
      expect([e.gri, e.riskLevel, e.rank]).toEqual([s!.gri, s!.risk_level, s!.rank]);
    }
    await rescore(
      ws,
      'general',
      { weights: { method: 'expert', expert: { TRX_BROKER: 1, CUS_REPEAT: 3 } } },
      'analyst',
    );
    const o2 = await explainOperator(ws, 'O2');
    expect([o2.gri, o2.riskLevel, o2.rank]).toEqual([0.25, 'low', 2]);
    await rescore(ws, 'general', { weights: { method: 'equal' } }, 'analyst');
  });

  it('a risk-specific run stores the same evidence text in operator_risk_indicator_flags', async () => {
    await setConfig(ws, { ...(await getConfig(ws)).config, risk: 'valuation', complianceRisk: 'valuation' }, 'analyst');
    await computeSegmentation(ws, { risk: 'valuation' });
    const risk = await flagRows(
      `SELECT operator_id, indicator_code, evidence FROM operator_risk_indicator_flags WHERE risk = 'valuation' ORDER BY 1, 2`,
    );
    const general = await flagRows(
      `SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags WHERE indicator_code = 'TRX_BROKER' ORDER BY 1, 2`,
    );
    expect(risk).toEqual(general); // no valuation findings: only the (given) risky brokers raise a flag
    const e = await explainOperator(ws, 'O1', 'valuation');
    expect(e.indicators.find((i) => i.code === 'TRX_BROKER')!.evidence).toBe(risk[0].evidence);
  });

  it('quotes in user text survive the SQL of the view', async () => {
    const cfg = (await getConfig(ws)).config;
    await setConfig(
      ws,
      {
        ...cfg,
        custom: [
          {
            code: 'MY_B',
            name: "O'Brien's test",
            expr: "share(lines where declarant_id = 'AG0012') > 0.6",
            format: 'pct',
          },
        ],
      },
      'analyst',
    );
    await computeSegmentation(ws);
    const rows = await flagRows(
      `SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags WHERE indicator_code = 'MY_B' ORDER BY 1`,
    );
    expect(rows.map((r) => r.evidence)).toEqual([
      "O'Brien's test: value 75%; rule share(lines where declarant_id = 'AG0012') > 0.6",
      "O'Brien's test: value 100%; rule share(lines where declarant_id = 'AG0012') > 0.6",
    ]);
    expect((await explainOperator(ws, 'O4')).indicators.find((i) => i.code === 'MY_B')!.evidence).toBe(
      rows[1].evidence,
    );
  });

  it('values and thresholds on the operator page equal the SQL ones (every operator, every indicator)', async () => {
    const run = (await lastRun(ws))!;
    const sql = run.indicators.map((ind, i) => indicatorSql(ind, i));
    const rows = await ws.all<Record<string, number | null>>(
      `SELECT operator_id, ${sql.map((s, i) => `${s.value} AS v${i}, ${s.threshold} AS t${i}`).join(', ')} FROM ${operatorTable('general')} ORDER BY operator_id`,
    );
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      const e = await explainOperator(ws, r.operator_id as unknown as string);
      expect(e.indicators.map((x) => [x.value, x.threshold])).toEqual(
        run.indicators.map((_, i) => [r[`v${i}`], r[`t${i}`]]),
      );
    }
  });

  it('a run stored by an earlier version asks for a recomputation instead of failing in SQL', async () => {
    const json = await ws.scalar<string>(`SELECT run_json FROM seg_runs WHERE risk = 'general'`);
    const old = JSON.parse(json);
    for (const i of old.indicators) delete i.method;
    // (a new computed_at: the cached run of this process is then reloaded)
    await ws.run(
      `UPDATE seg_runs SET run_json = $j, computed_at = computed_at - INTERVAL 1 SECOND WHERE risk = 'general'`,
      { j: JSON.stringify(old) },
    );
    await expect(explainOperator(ws, 'O1')).rejects.toThrow(
      "the stored GRI run of 'general' predates this version: recompute it (cip gri compute)",
    );
    await ws.run(
      `UPDATE seg_runs SET run_json = $j, computed_at = computed_at + INTERVAL 1 SECOND WHERE risk = 'general'`,
      { j: json },
    );
    expect((await explainOperator(ws, 'O1')).gri).toBeGreaterThan(0);
  });
});

describe('lazy evidence on the demo workspace (all 16 indicators)', () => {
  it('JS values, SQL values and the view agree for every operator', async () => {
    const demo = await Workspace.open(tmpDir(), { create: true });
    try {
      await generateDemo(demo, { rows: 20_000, seed: 7 });
      const run = await computeSegmentation(demo);
      expect(run.indicators.filter((i) => i.available).length).toBeGreaterThanOrEqual(12);
      const sql = run.indicators.map((ind, i) => indicatorSql(ind, i));
      const rows = await demo.all<Record<string, unknown>>(
        `SELECT *, ${sql.map((s, i) => `${s.value} AS v_${i}, ${s.threshold} AS t_${i}`).join(', ')} FROM ${operatorTable('general')} ORDER BY operator_id`,
      );
      const defs = new Map(builtinIndicators().map((d) => [d.code, d]));
      let compared = 0;
      for (const r of rows)
        run.indicators.forEach((ind, i) => {
          if (!ind.available || ind.expr !== undefined) return;
          expect([ind.code, r.operator_id, measureValue(defs.get(ind.code)!.measure, r)]).toEqual([
            ind.code,
            r.operator_id,
            r[`v_${i}`],
          ]);
          compared++;
        });
      expect(compared).toBeGreaterThan(1000);
      const view = await demo.all<{ operator_id: string; indicator_code: string; value: number; evidence: string }>(
        `SELECT operator_id, indicator_code, value, evidence FROM operator_indicator_flags WHERE operator_id IN (SELECT operator_id FROM operator_segments ORDER BY gri DESC, operator_id LIMIT 40) ORDER BY 1, 2`,
      );
      expect(view.length).toBeGreaterThan(40);
      for (const op of new Set(view.map((v) => v.operator_id))) {
        const e = await explainOperator(demo, op);
        const raised = e.indicators
          .filter((x) => x.flag)
          .map((x) => ({ operator_id: op, indicator_code: x.code, value: x.value, evidence: x.evidence }));
        expect(raised.sort((a, b) => a.indicator_code.localeCompare(b.indicator_code))).toEqual(
          view.filter((v) => v.operator_id === op),
        );
        e.indicators.forEach((x, i) =>
          expect([x.code, x.threshold]).toEqual([x.code, rows.find((r) => r.operator_id === op)![`t_${i}`]]),
        );
      }
    } finally {
      demo.close();
    }
  });
});
