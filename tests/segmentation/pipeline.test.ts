// Known answers on a hand-built workspace (tests/segmentation/fixture.ts).
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import type { Workspace } from '../../src/workspace/workspace.ts';
import { listHistory } from '../../src/history/history.ts';
import {
  computeSegmentation,
  explainOperator,
  getConfig,
  rescore,
  setConfig,
  table1,
  table4,
  configHistory,
  mergeConfig,
  previewRescore,
  normaliseHs,
} from '../../src/segmentation/index.ts';
import { addTaxRecords, buildFixture, CONFIG, levelsByOperator } from './fixture.ts';

let ws: Workspace;
beforeAll(async () => {
  ws = await buildFixture(tmpDir());
  await setConfig(ws, mergeConfig((await getConfig(ws)).config, CONFIG), 'tester', 'fixture');
});
afterAll(() => ws?.close());

describe('HS codes of Table 5 and links', () => {
  it('accepts 2–10 digits with dots, refuses anything else with the expected format', () => {
    expect(normaliseHs('8471.30')).toBe('847130');
    expect(() => normaliseHs("84'; DROP")).toThrow(
      "HS code '84'; DROP': expected 2 to 10 digits (dots allowed), e.g. 8471.30 or 847130",
    );
  });
});

describe('Step 1: size (Table 1)', () => {
  it('classifies by the value in the 24-month window with the 500,000 / 100,000 bars', async () => {
    const t = await table1(ws);
    expect(t.window).toEqual({ first: '2024-01-01', end: '2025-12-31' });
    expect(t.rows.map((r) => [r.size, r.operators, r.value])).toEqual([
      ['large', 2, 1_200_000],
      ['medium', 2, 250_000],
      ['small', 2, 100_999],
      ['total', 6, 1_550_999],
    ]);
    const body = t.rows.slice(0, 3);
    expect(body.reduce((a, r) => a + r.pctOperators, 0)).toBeCloseTo(100, 10);
    expect(body.reduce((a, r) => a + r.pctValue, 0)).toBeCloseTo(100, 10);
    expect(t.rows[0].pctValue).toBeCloseTo((100 * 1_200_000) / 1_550_999, 10);
  });
});

describe('Steps 2–6 on the fixture', () => {
  it('flags with evidence, reports missing data as unavailable, scores and levels', async () => {
    const run = await computeSegmentation(ws);
    const byCode = Object.fromEntries(run.indicators.map((i) => [i.code, i]));
    expect(byCode.TRX_BROKER.available).toBe(true);
    expect(byCode.TAX_NO_RETURN.available).toBe(false);
    expect(byCode.TAX_NO_RETURN.missing).toEqual(['tax_records.return_filed']);
    expect(byCode.XC_VAT.available).toBe(false);
    expect(run.scoring.weights.map((w) => w.weight)).toEqual([0.5, 0.5, 0, 0]);

    const flags = await ws.all<{ operator_id: string; indicator_code: string; value: number; evidence: string }>(
      `SELECT operator_id, indicator_code, value, evidence FROM operator_indicator_flags ORDER BY operator_id, indicator_code`,
    );
    expect(flags).toEqual([
      {
        operator_id: 'O1',
        indicator_code: 'CUS_REPEAT',
        value: 2,
        evidence: '2 declarations or cases with offences in the window; threshold 2',
      },
      {
        operator_id: 'O1',
        indicator_code: 'TRX_BROKER',
        value: 0.75,
        evidence: '75% of lines through brokers AG0012, flagged high-risk; threshold 50%',
      },
      {
        operator_id: 'O2',
        indicator_code: 'TRX_BROKER',
        value: 0.5,
        evidence: '50% of lines through brokers AG0044, flagged high-risk; threshold 50%',
      },
      {
        operator_id: 'O4',
        indicator_code: 'TRX_BROKER',
        value: 1,
        evidence: '100% of lines through brokers AG0012, flagged high-risk; threshold 50%',
      },
    ]);
    const seg = await ws.all<{
      operator_id: string;
      size_segment: string;
      gri: number;
      risk_level: string;
      config_id: string;
    }>(`SELECT operator_id, size_segment, gri, risk_level, config_id FROM operator_segments ORDER BY operator_id`);
    expect(seg.map((s) => [s.operator_id, s.size_segment, s.gri, s.risk_level])).toEqual([
      ['O1', 'large', 1, 'high'],
      ['O2', 'large', 0.5, 'medium'],
      ['O3', 'medium', 0, 'low'],
      ['O4', 'medium', 0.5, 'medium'],
      ['O5', 'small', 0, 'low'],
      ['O6', 'small', 0, 'low'],
    ]);
    expect(new Set(seg.map((s) => s.config_id))).toEqual(new Set(['general@v1']));

    const e = await explainOperator(ws, 'O2');
    expect(e.indicators.find((i) => i.code === 'TAX_NO_RETURN')!.evidence).toBe(
      'unavailable: no data in tax_records.return_filed',
    );
    expect(e.indicators.find((i) => i.code === 'CUS_REPEAT')!.evidence).toBe('not raised (value 0, threshold 2)');
    expect(e.rank).toBe(2);
  });

  it('Table 4 and the extended table add up to the totals and 100%', async () => {
    const t = await table4(ws, 'general', { extended: true });
    const cell = (size: string, level: string | null) => t.rows.find((r) => r.size === size && r.level === level)!;
    expect([cell('large', 'high').operators, cell('large', 'high').value]).toEqual([1, 600_000]);
    expect([cell('large', 'medium').operators, cell('large', 'medium').value]).toEqual([1, 600_000]);
    expect([cell('medium', 'low').operators, cell('medium', 'medium').operators]).toEqual([1, 1]);
    expect(cell('total', null)).toMatchObject({
      operators: 6,
      value: 1_550_999,
      pctOperators: 100,
      pctValue: 100,
      vat: 60_000,
      repeatOffenders: 1,
      withoutControl: 3,
    }); // O2, O4, O5 never inspected in the window
    const leaves = t.rows.filter((r) => r.level !== null);
    expect(leaves.reduce((a, r) => a + r.operators, 0)).toBe(6);
    expect(leaves.reduce((a, r) => a + r.value, 0)).toBe(1_550_999);
    expect(leaves.reduce((a, r) => a + r.pctOperators, 0)).toBeCloseTo(100, 10);
    expect(leaves.reduce((a, r) => a + r.pctValue, 0)).toBeCloseTo(100, 10);
    for (const size of ['large', 'medium', 'small']) {
      const sub = cell(size, null);
      const parts = t.rows.filter((r) => r.size === size && r.level !== null);
      expect(parts.reduce((a, r) => a + r.operators, 0)).toBe(sub.operators);
      expect(parts.reduce((a, r) => a + r.pctValue, 0)).toBeCloseTo(sub.pctValue, 10);
    }
  });

  it('changing one weight moves exactly the operators it should, without rescanning, and is recorded', async () => {
    const before = await levelsByOperator(ws);
    const run = await rescore(
      ws,
      'general',
      { weights: { method: 'expert', expert: { TRX_BROKER: 1, CUS_REPEAT: 3 } } },
      'analyst',
      'repeat offenders weigh more',
    );
    expect(run.scoring.weights.map((w) => w.weight)).toEqual([0.25, 0.75, 0, 0]);
    const after = await levelsByOperator(ws);
    const moved = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(moved).toEqual(['O2', 'O4']); // GRI 0.25 < medium bar 0.5
    expect(after.O1).toBe('high');
    const h = await listHistory(ws, { entityType: 'gri_config' });
    expect(h[0]).toMatchObject({ actor: 'analyst', action: 'gri.config.set', entity_id: 'general@v2' });
    expect(JSON.parse(h[0].before_json!).weights.method).toBe('equal');
    expect((await configHistory(ws)).map((v) => v.version)).toEqual([2, 1]);
  });

  it('changing one bar moves exactly the operators between the old and the new bar', async () => {
    await rescore(ws, 'general', { weights: { method: 'equal' } }, 'analyst');
    const before = await levelsByOperator(ws);
    await rescore(ws, 'general', { levels: { manual: { medium: 0.5, high: 0.5 } } }, 'analyst');
    const after = await levelsByOperator(ws);
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual(['O2', 'O4']);
    expect(after.O2).toBe('high');
  });

  it('a preview of new weights/bars (pattern cube, nothing written) equals the persisted re-scoring', async () => {
    const patch = {
      weights: { method: 'expert' as const, expert: { TRX_BROKER: 2, CUS_REPEAT: 1 } },
      levels: { manual: { medium: 0.4, high: 0.7 } },
    };
    const before = await levelsByOperator(ws);
    const preview = await previewRescore(ws, 'general', patch);
    expect(await levelsByOperator(ws)).toEqual(before);
    const run = await rescore(ws, 'general', patch, 'analyst');
    expect(preview.scoring.levels).toEqual(run.scoring.levels);
    expect(preview.table4).toEqual((await table4(ws, 'general', { extended: true })).rows);
  });

  it('a risk-specific GRI writes its own tables and leaves the general one alone', async () => {
    const general = await levelsByOperator(ws);
    await setConfig(ws, { ...(await getConfig(ws)).config, risk: 'valuation', complianceRisk: 'valuation' }, 'analyst');
    const run = await computeSegmentation(ws, { risk: 'valuation' });
    expect(run.risk).toBe('valuation');
    expect(run.baseRate).toBe(0); // no finding of this risk in the fixture
    expect(Number(await ws.scalar(`SELECT count(*) FROM operator_risk_segments WHERE risk = 'valuation'`))).toBe(6);
    expect(await levelsByOperator(ws)).toEqual(general);
    expect((await table4(ws, 'valuation')).rows.at(-1)!.operators).toBe(6);
  });

  it('frequency weights: Table 3 over the non-compliant operators (O1, O3, O6)', async () => {
    const run = await rescore(ws, 'general', { weights: { method: 'frequency', tolerance: 0.05 } }, 'analyst');
    const t3 = run.scoring.table3!;
    expect(t3.operators).toBe(3);
    expect(t3.total).toBe(2);
    expect(t3.rows.map((r) => [r.code, r.ones, r.share, r.significant, r.weight])).toEqual([
      ['TRX_BROKER', 1, 0.5, true, 0.5],
      ['CUS_REPEAT', 1, 0.5, true, 0.5],
      ['TAX_NO_RETURN', 0, 0, false, 0],
      ['XC_VAT', 0, 0, false, 0],
    ]);
  });

  it('tax data makes the tax and cross-check indicators available, with evidence', async () => {
    await addTaxRecords(ws);
    const run = await computeSegmentation(ws);
    expect(run.indicators.every((i) => i.available)).toBe(true);
    const ev = await ws.all<{ operator_id: string; indicator_code: string; evidence: string }>(
      `SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags WHERE indicator_code IN ('XC_VAT', 'TAX_NO_RETURN') ORDER BY 1`,
    );
    expect(ev).toEqual([
      { operator_id: 'O1', indicator_code: 'TAX_NO_RETURN', evidence: '1 tax periods without a return; threshold 1' },
      {
        operator_id: 'O2',
        indicator_code: 'XC_VAT',
        evidence: 'VAT on imports in returns 90,000 vs 60,000 paid at customs (gap 50%); threshold 10%',
      },
    ]);
    // O3 has a tax record without VAT: no value, no flag — not a silent 0.
    const e3 = await explainOperator(ws, 'O3');
    expect(e3.indicators.find((i) => i.code === 'XC_VAT')).toMatchObject({
      value: null,
      flag: false,
      evidence: 'no data for this operator',
    });
  });

  it('relative thresholds: percentile of the population', async () => {
    const cfg = (await getConfig(ws)).config;
    await setConfig(
      ws,
      { ...cfg, indicators: [{ code: 'TRX_BROKER', threshold: { type: 'percentile', p: 0.8 } }] },
      'analyst',
    );
    await computeSegmentation(ws);
    const ev = await ws.all<{ operator_id: string; evidence: string }>(
      `SELECT operator_id, evidence FROM operator_indicator_flags ORDER BY 1`,
    );
    // shares 0, 0, 0, 0.5, 0.75, 1 → 80th percentile (continuous) = 0.75
    expect(ev).toEqual([
      {
        operator_id: 'O1',
        evidence: '75% of lines through brokers AG0012, flagged high-risk; threshold 75% (percentile 80 of operators)',
      },
      {
        operator_id: 'O4',
        evidence: '100% of lines through brokers AG0012, flagged high-risk; threshold 75% (percentile 80 of operators)',
      },
    ]);
  });

  it('user-defined indicators in the expression language', async () => {
    const cfg = (await getConfig(ws)).config;
    await setConfig(
      ws,
      {
        ...cfg,
        indicators: [],
        custom: [
          {
            code: 'MY_BROKERS',
            name: 'Mostly risky brokers',
            expr: 'share(lines where declarant_id in risky_brokers) > 0.6',
            format: 'pct',
          },
        ],
      },
      'analyst',
    );
    const run = await computeSegmentation(ws);
    expect(run.indicators.map((i) => [i.code, i.flagged])).toEqual([['MY_BROKERS', 2]]);
    const ev = await ws.all<{ operator_id: string; value: number; evidence: string }>(
      `SELECT operator_id, value, evidence FROM operator_indicator_flags ORDER BY 1`,
    );
    expect(ev.map((r) => [r.operator_id, r.value])).toEqual([
      ['O1', 0.75],
      ['O4', 1],
    ]);
    expect(ev[0].evidence).toBe(
      'Mostly risky brokers: value 75%; rule share(lines where declarant_id in risky_brokers) > 0.6',
    );
  });

  it('rejects a configuration with a bad expression, naming the token', async () => {
    const cfg = (await getConfig(ws)).config;
    await expect(
      setConfig(
        ws,
        {
          ...cfg,
          custom: [{ code: 'BAD', name: 'x', expr: "share(lines where origin_country = 'CN'; DROP TABLE x) > 0" }],
        },
        'a',
      ),
    ).rejects.toThrow(/custom\.0\.expr|;/);
  });
});
