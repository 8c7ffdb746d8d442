// Box 2 KPIs of a small hand-built workspace (tests/measure/kpi-fixture.ts) against hand-computed values.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { buildKpiWorkspace } from './kpi-fixture.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { computeKpis, type KpiReport } from '../../src/measure/kpi/index.ts';
import { variationRate, withVariation } from '../../src/measure/kpi/variation.ts';
import { periodLabel, periodSpine } from '../../src/measure/kpi/period.ts';

const dir = join(tmpDir(), 'ws');
let q: KpiReport;
let withGri: KpiReport;

beforeAll(async () => {
  await buildKpiWorkspace(dir);
  const ws = await Workspace.open(dir);
  try {
    q = await computeKpis(ws, { period: 'quarter' });
    await ws.run(`INSERT INTO operator_segments VALUES ('A', 'large', 5000, 4, 0.2, 'medium', 'c1', now()),
      ('B', 'medium', 4500, 5, 0.8, 'high', 'c1', now()), ('C', 'small', 5500, 4, 0.5, 'high', 'c1', now())`);
    withGri = await computeKpis(ws, { period: 'quarter', level: 'tactical' });
    await ws.run(`DELETE FROM operator_segments`);
  } finally {
    ws.close();
  }
});

/** [value, variation] per period label for one KPI and dimension. */
function series(r: KpiReport, code: string, dimension: string | null = null) {
  const k = r.kpis.find((x) => x.code === code);
  if (!k) throw new Error(`KPI ${code} not computed`);
  return Object.fromEntries(
    k.points.filter((p) => p.dimension === dimension).map((p) => [p.period, [p.value, p.variation]]),
  );
}
const close = (got: Record<string, (number | null)[]>, want: Record<string, (number | null)[]>) => {
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const [k, [v, dv]] of Object.entries(want)) {
    const [gv, gdv] = got[k];
    if (v === null) expect(gv, `${k} value`).toBeNull();
    else expect(gv, `${k} value`).toBeCloseTo(v, 9);
    if (dv === null) expect(gdv, `${k} variation`).toBeNull();
    else expect(gdv, `${k} variation`).toBeCloseTo(dv, 9);
  }
};

describe('variation rate', () => {
  it('is (x_t − x_{t−1}) / x_{t−1}, null when the previous value is 0 or missing', () => {
    expect(variationRate(150, 100)).toBe(0.5);
    expect(variationRate(50, 100)).toBe(-0.5);
    expect(variationRate(5, 0)).toBeNull();
    expect(variationRate(5, null)).toBeNull();
    expect(variationRate(null, 5)).toBeNull();
  });
  it('compares with the calendar period just before, not the previous row with data', () => {
    const spine = periodSpine('2024-01-15', '2024-12-31', 'quarter');
    expect(spine).toEqual(['2024-01-01', '2024-04-01', '2024-07-01', '2024-10-01']);
    const v = withVariation(
      spine,
      [
        { period: '2024-01-01', value: 2 },
        { period: '2024-04-01', value: 3 },
        { period: '2024-10-01', value: 4 },
      ],
      null,
    );
    expect(v.map((p) => p.variation)).toEqual([null, 0.5, null, null]);
    const z = withVariation(
      spine,
      [
        { period: '2024-01-01', value: 2 },
        { period: '2024-10-01', value: 4 },
      ],
      0,
    );
    expect(z.map((p) => [p.value, p.variation])).toEqual([
      [2, null],
      [0, -1],
      [0, null],
      [4, null],
    ]);
  });
  it('labels periods', () => {
    expect(periodLabel('2024-04-01', 'quarter')).toBe('2024-Q2');
    expect(periodLabel('2024-04-01', 'month')).toBe('2024-04');
    expect(periodSpine('2023-11-30', '2024-02-01', 'month')).toEqual([
      '2023-11-01',
      '2023-12-01',
      '2024-01-01',
      '2024-02-01',
    ]);
  });
});

describe('Box 2 KPIs on the hand-built workspace (quarters)', () => {
  it('covers 2024-Q1..Q4, with the empty Q3 kept', () => {
    expect(q.periods).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
  });
  it('S1 collection / CIF of imports, per tax', () => {
    close(series(q, 'S1_collection_to_cif', 'total'), {
      '2024-Q1': [875 / 3500, null],
      '2024-Q2': [1475 / 5500, (1475 / 5500 - 0.25) / 0.25],
      '2024-Q3': [null, null],
      '2024-Q4': [0.25, null],
    });
    close(series(q, 'S1_collection_to_cif', 'excise'), {
      '2024-Q1': [null, null],
      '2024-Q2': [100 / 5500, null],
      '2024-Q3': [null, null],
      '2024-Q4': [null, null],
    });
  });
  it('S2 collection vs trade growth, with buoyancy', () => {
    close(series(q, 'S2_collection_vs_trade', 'collection'), {
      '2024-Q1': [875, null],
      '2024-Q2': [1475, 600 / 875],
      '2024-Q3': [0, -1],
      '2024-Q4': [750, null],
    });
    close(series(q, 'S2_collection_vs_trade', 'trade_value'), {
      '2024-Q1': [5000, null],
      '2024-Q2': [5500, 0.1],
      '2024-Q3': [0, -1],
      '2024-Q4': [3000, null],
    });
    close(series(q, 'S2_collection_vs_trade', 'buoyancy'), {
      '2024-Q1': [null, null],
      '2024-Q2': [600 / 875 / 0.1, null],
      '2024-Q3': [1, null],
      '2024-Q4': [null, null],
    });
  });
  it('S3 release time per declaration (max over lines) by transport mode', () => {
    close(series(q, 'S3_release_time_by_mode', 'sea'), {
      '2024-Q1': [4, null],
      '2024-Q2': [6, 0.5],
      '2024-Q3': [null, null],
      '2024-Q4': [6.5, null],
    });
    close(series(q, 'S3_release_time_by_mode', 'air'), {
      '2024-Q1': [48, null],
      '2024-Q2': [25, -23 / 48],
      '2024-Q3': [null, null],
      '2024-Q4': [null, null],
    });
  });
  it('T1/T2 AEO shares of declarations and value (AEO from operators.aeo_status)', () => {
    close(series(q, 'T1_aeo_share_transactions'), {
      '2024-Q1': [1 / 3, null],
      '2024-Q2': [0.25, -0.25],
      '2024-Q3': [null, null],
      '2024-Q4': [0, null],
    });
    close(series(q, 'T2_aeo_share_value'), {
      '2024-Q1': [0.3, null],
      '2024-Q2': [3000 / 5500, (3000 / 5500 - 0.3) / 0.3],
      '2024-Q3': [null, null],
      '2024-Q4': [0, null],
    });
  });
  it('T3 channel shares (0% in a period with declarations but none in the channel)', () => {
    close(series(q, 'T3_channel_share', 'red'), {
      '2024-Q1': [1 / 3, null],
      '2024-Q2': [0.75, 1.25],
      '2024-Q3': [null, null],
      '2024-Q4': [0, null],
    });
    close(series(q, 'T3_channel_share', 'yellow'), {
      '2024-Q1': [1 / 3, null],
      '2024-Q2': [0, -1],
      '2024-Q3': [null, null],
      '2024-Q4': [0.5, null],
    });
  });
  it('T4 selectivity and T5 PCA hit rates', () => {
    close(series(q, 'T4_selectivity_hit_rate'), {
      '2024-Q1': [0.5, null],
      '2024-Q2': [2 / 3, 1 / 3],
      '2024-Q3': [null, null],
      '2024-Q4': [0, null],
    });
    close(series(q, 'T5_pca_hit_rate'), {
      '2024-Q1': [0, null],
      '2024-Q2': [1, null],
      '2024-Q3': [null, null],
      '2024-Q4': [null, null],
    });
  });
  it('T6–T9 repeat offenders, counting the 2023 case before the window', () => {
    close(series(q, 'T6_repeat_offenders'), {
      '2024-Q1': [1, null],
      '2024-Q2': [1, 0],
      '2024-Q3': [0, -1],
      '2024-Q4': [0, null],
    });
    close(series(q, 'T7_repeat_offender_cases'), {
      '2024-Q1': [1, null],
      '2024-Q2': [2, 1],
      '2024-Q3': [0, -1],
      '2024-Q4': [0, null],
    });
    close(series(q, 'T8_repeat_offender_amount'), {
      '2024-Q1': [400, null],
      '2024-Q2': [300, -0.25],
      '2024-Q3': [0, -1],
      '2024-Q4': [0, null],
    });
    close(series(q, 'T9_repeat_offenders_improved'), {
      '2024-Q1': [0, null],
      '2024-Q2': [0, null],
      '2024-Q3': [0, null],
      '2024-Q4': [1, null],
    });
  });
  it('O1/O2 average reassessment per risk', () => {
    close(series(q, 'O1_clearance_avg_reassessment', 'all'), {
      '2024-Q1': [400, null],
      '2024-Q2': [150, -0.625],
      '2024-Q3': [null, null],
      '2024-Q4': [null, null],
    });
    close(series(q, 'O1_clearance_avg_reassessment', 'valuation'), {
      '2024-Q1': [400, null],
      '2024-Q2': [100, -0.75],
      '2024-Q3': [null, null],
      '2024-Q4': [null, null],
    });
    close(series(q, 'O2_pca_avg_assessment', 'all'), {
      '2024-Q1': [null, null],
      '2024-Q2': [750, null],
      '2024-Q3': [null, null],
      '2024-Q4': [null, null],
    });
  });
  it('operational table per compliance risk, clearance + PCA, with variation rates', () => {
    expect(q.operational?.sources).toEqual(['clearance', 'pca']);
    const rows = q.operational!.rows.filter((r) => r.source === 'total' && r.compliance_risk === 'valuation');
    expect(
      rows.map((r) => [r.period, r.cases, r.cases_variation, r.reassessed, r.reassessed_variation, r.collected]),
    ).toEqual([
      ['2024-Q1', 1, null, 400, null, 300],
      ['2024-Q2', 2, 1, 600, 0.5, 250],
      ['2024-Q3', 0, -1, 0, -1, 0],
      ['2024-Q4', 0, null, 0, null, 0],
    ]);
    const v = rows[1].collected_variation!;
    expect(v).toBeCloseTo(-50 / 300, 12);
    const cls = q.operational!.rows.filter((r) => r.source === 'pca' && r.compliance_risk === 'classification');
    expect(cls.map((r) => [r.cases, r.reassessed, r.collected])).toEqual([
      [0, 0, 0],
      [1, 1000, 800],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(new Set(q.operational!.rows.map((r) => r.compliance_risk))).toEqual(
      new Set(['classification', 'valuation', 'undeclared', 'origin', 'special_regimes']),
    );
  });
  it('T10/T11 operators and collection share by risk level of the latest GRI', () => {
    close(series(withGri, 'T10_operators_by_risk_level', 'high'), {
      '2024-Q1': [2, null],
      '2024-Q2': [2, 0],
      '2024-Q3': [0, -1],
      '2024-Q4': [2, null],
    });
    close(series(withGri, 'T10_operators_by_risk_level', 'medium'), {
      '2024-Q1': [1, null],
      '2024-Q2': [1, 0],
      '2024-Q3': [0, -1],
      '2024-Q4': [0, null],
    });
    close(series(withGri, 'T11_collection_share_by_risk_level', 'high'), {
      '2024-Q1': [500 / 875, null],
      '2024-Q2': [625 / 1475, (625 / 1475 - 500 / 875) / (500 / 875)],
      '2024-Q3': [null, null],
      '2024-Q4': [1, null],
    });
    close(series(withGri, 'T11_collection_share_by_risk_level', 'medium'), {
      '2024-Q1': [375 / 875, null],
      '2024-Q2': [850 / 1475, (850 / 1475 - 375 / 875) / (375 / 875)],
      '2024-Q3': [null, null],
      '2024-Q4': [0, null],
    });
    // The fixture's lines do not say why they were inspected: random vs targeted is not computed.
    expect(withGri.not_computed.map((n) => n.code)).toEqual([
      'T14_hit_rate_random_vs_targeted',
      'T12_advance_rulings',
      'T13_single_window_share',
    ]);
  });
  it('lists what it cannot compute with the data each needs', () => {
    const codes = q.not_computed.map((n) => n.code);
    expect(codes).toEqual(
      expect.arrayContaining(['S4_trader_perception', 'T12_advance_rulings', 'T13_single_window_share']),
    );
    expect(q.not_computed.find((n) => n.code === 'T10_operators_by_risk_level')?.needs).toBe(
      'no data in operator_segments.risk_level',
    );
  });
});

describe('cip kpi', () => {
  it('--period year --level tactical --json gives yearly tactical KPIs only', () => {
    const r = cipJson<KpiReport>(['kpi', '-w', dir, '--period', 'year', '--level', 'tactical']);
    expect(r.periods).toEqual(['2024']);
    expect(new Set(r.kpis.map((k) => k.level))).toEqual(new Set(['tactical']));
    expect(r.operational).toBeNull();
    close(series(r, 'T7_repeat_offender_cases'), { '2024': [3, null] });
    close(series(r, 'T4_selectivity_hit_rate'), { '2024': [3 / 7, null] });
  });
  it('from/to restrict the window; the names follow the language', async () => {
    const ws = await Workspace.open(dir);
    const r = await computeKpis(ws, { from: '2024-04-01', to: '2024-06-30', lang: 'es', level: 'strategic' }).finally(
      () => ws.close(),
    );
    expect(r.periods).toEqual(['2024-Q2']);
    expect(r.kpis[0].name).toBe('Recaudación aduanera respecto del valor CIF importado');
  });
  it('rejects a bad --period with a clear message', () => {
    const r = cip(['kpi', '-w', dir, '--period', 'week']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--period: expected one of month, quarter, year, got 'week'");
  });
});
