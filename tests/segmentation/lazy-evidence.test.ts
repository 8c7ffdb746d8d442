// Evidence formatted on read (src/segmentation/evidence.ts) and the operator page as a point lookup, on the fixture.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import type { Workspace } from '../../src/workspace/workspace.ts';
import { computeSegmentation, explainOperator, getConfig, mergeConfig, rescore, setConfig } from '../../src/segmentation/index.ts';
import { buildFixture, CONFIG } from './fixture.ts';

let ws: Workspace;
const OPS = ['O1', 'O2', 'O3', 'O4', 'O5', 'O6'];
const tableType = async () =>
  ws.scalar<string>(`SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'operator_indicator_flags'`);
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
    const rows = await flagRows(`SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags ORDER BY 1, 2`);
    expect(rows.map((r) => [r.operator_id, r.indicator_code])).toEqual([['O1', 'CUS_REPEAT'], ['O1', 'TRX_BROKER'], ['O2', 'TRX_BROKER'], ['O4', 'TRX_BROKER']]);
    const explained = [];
    for (const op of OPS)
      for (const i of (await explainOperator(ws, op)).indicators.filter((x) => x.flag)) explained.push({ operator_id: op, indicator_code: i.code, evidence: i.evidence });
    explained.sort((a, b) => (a.operator_id + a.indicator_code).localeCompare(b.operator_id + b.indicator_code));
    expect(explained).toEqual(rows);
  });

  it('rank, GRI and level come from the scored flag patterns and follow a re-scoring', async () => {
    const ranks = async () => Object.fromEntries(await Promise.all(OPS.map(async (op) => [op, (await explainOperator(ws, op)).rank])));
    expect(await ranks()).toEqual({ O1: 1, O2: 2, O4: 2, O3: 4, O5: 4, O6: 4 });
    for (const op of OPS) {
      const e = await explainOperator(ws, op);
      const s = await ws.one<{ gri: number; risk_level: string; rank: number }>(
        `SELECT gri, risk_level, (SELECT count(*) + 1 FROM operator_segments o WHERE o.gri > s.gri) AS rank FROM operator_segments s WHERE operator_id = $op`,
        { op },
      );
      expect([e.gri, e.riskLevel, e.rank]).toEqual([s!.gri, s!.risk_level, s!.rank]);
    }
    await rescore(ws, 'general', { weights: { method: 'expert', expert: { TRX_BROKER: 1, CUS_REPEAT: 3 } } }, 'analyst');
    const o2 = await explainOperator(ws, 'O2');
    expect([o2.gri, o2.riskLevel, o2.rank]).toEqual([0.25, 'low', 2]);
    await rescore(ws, 'general', { weights: { method: 'equal' } }, 'analyst');
  });

  it('a risk-specific run stores the same evidence text in operator_risk_indicator_flags', async () => {
    await setConfig(ws, { ...(await getConfig(ws)).config, risk: 'valuation', complianceRisk: 'valuation' }, 'analyst');
    await computeSegmentation(ws, { risk: 'valuation' });
    const risk = await flagRows(`SELECT operator_id, indicator_code, evidence FROM operator_risk_indicator_flags WHERE risk = 'valuation' ORDER BY 1, 2`);
    const general = await flagRows(`SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags WHERE indicator_code = 'TRX_BROKER' ORDER BY 1, 2`);
    expect(risk).toEqual(general); // no valuation findings: only the (given) risky brokers raise a flag
    const e = await explainOperator(ws, 'O1', 'valuation');
    expect(e.indicators.find((i) => i.code === 'TRX_BROKER')!.evidence).toBe(risk[0].evidence);
  });

  it('quotes in user text survive the SQL of the view', async () => {
    const cfg = (await getConfig(ws)).config;
    await setConfig(ws, { ...cfg, custom: [{ code: 'MY_B', name: "O'Brien's test", expr: "share(lines where declarant_id = 'AG0012') > 0.6", format: 'pct' }] }, 'analyst');
    await computeSegmentation(ws);
    const rows = await flagRows(`SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags WHERE indicator_code = 'MY_B' ORDER BY 1`);
    expect(rows.map((r) => r.evidence)).toEqual([
      "O'Brien's test: value 75%; rule share(lines where declarant_id = 'AG0012') > 0.6",
      "O'Brien's test: value 100%; rule share(lines where declarant_id = 'AG0012') > 0.6",
    ]);
    expect((await explainOperator(ws, 'O4')).indicators.find((i) => i.code === 'MY_B')!.evidence).toBe(rows[1].evidence);
  });

  it('a run stored by an earlier version asks for a recomputation instead of failing in SQL', async () => {
    const json = await ws.scalar<string>(`SELECT run_json FROM seg_runs WHERE risk = 'general'`);
    const old = JSON.parse(json);
    for (const i of old.indicators) delete i.method;
    // (a new computed_at: the cached run of this process is then reloaded)
    await ws.run(`UPDATE seg_runs SET run_json = $j, computed_at = computed_at - INTERVAL 1 SECOND WHERE risk = 'general'`, { j: JSON.stringify(old) });
    await expect(explainOperator(ws, 'O1')).rejects.toThrow("the stored GRI run of 'general' predates this version: recompute it (cip gri compute)");
    await ws.run(`UPDATE seg_runs SET run_json = $j, computed_at = computed_at + INTERVAL 1 SECOND WHERE risk = 'general'`, { j: json });
    expect((await explainOperator(ws, 'O1')).gri).toBeGreaterThan(0);
  });
});
