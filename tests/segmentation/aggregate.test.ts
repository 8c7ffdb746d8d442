// Known answers of the line scans (src/segmentation/aggregate.ts) on hand-made lines: risky-list counts and bits
// (computed in their own pass), period counters, residual HS test, main HS code tie-break, availability counts.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import {
  dataAvailability,
  neededAggregates,
  operatorAggregates,
  resolveWindow,
  riskyLists,
  type LineStats,
} from '../../src/segmentation/aggregate.ts';
import { defaultConfig, mergeConfig, parseConfig } from '../../src/segmentation/config.ts';
import { activeIndicators, measureColumns } from '../../src/segmentation/indicators.ts';

// operator, date, broker, hs, origin, supplier, value, finding, exemption. Window: 2024-01-01 .. 2025-12-31,
// recent = 2025, previous = 2024.
type Line = [
  string,
  string,
  string | null,
  string,
  string | null,
  string | null,
  number,
  boolean | null,
  string | null,
];
const LINES: Line[] = [
  ['A', '2025-03-01', 'B1', '870899', 'CN', 'S1', 100, true, 'E1'], // recent, residual, risky on all four kinds
  ['A', '2024-06-01', 'B1', '850440', 'CN', 'S2', 300, false, 'E1'], // previous; same value as the next line
  ['A', '2025-04-01', 'B2', '847130', 'DE', 'S2', 300, false, null], // recent; the tie goes to the higher code 850440
  ['A', '2023-06-01', 'B1', '870899', 'CN', 'S1', 9999, true, 'E1'], // before the window
  ['B', '2024-02-01', null, 'é23459', null, null, 50, null, null], // previous; 6th character '9' (non-ASCII code)
  ['B', '2025-12-31', 'B1', '030199', 'VN', 'S1', 10, true, null], // recent, residual
];

let ws: Workspace;
let stats: LineStats;
let have: Set<string>;
beforeAll(async () => {
  ws = await Workspace.open(tmpDir(), { create: true });
  for (const [op, date, broker, hs, origin, supplier, value, finding, ex] of LINES) {
    await ws.run(
      `INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, declarant_id, supplier_id, hs_code, origin_country, value, inspected, finding, exemption_code)
       VALUES ($op || $date, 1, $date::DATE, 'import', $op, $broker, $supplier, $hs, $origin, $value, $finding, $finding, $ex)`,
      { op, date, broker, supplier, hs, origin, value, finding, ex },
    );
  }
  await ws.run(`INSERT INTO operators (operator_id, name, isic_sector) VALUES ('A', 'A', '4600'), ('B', 'B', '4600')`);
  const cfg = parseConfig(
    mergeConfig(defaultConfig(), {
      riskyLists: { given: { brokers: ['B1'], hs: ['870899', '030199'], origins: ['CN'], suppliers: ['S1'] } },
    }),
  );
  const w = (await resolveWindow(ws, cfg))!;
  stats = await riskyLists(ws, cfg, w);
  have = await dataAvailability(ws, stats);
  await operatorAggregates(ws, cfg, w, neededAggregates(measureColumns(activeIndicators(cfg, have))));
});
afterAll(() => ws?.close());

type Row = Record<string, unknown>;
async function aggOf(op: string): Promise<Row> {
  return (await ws.one<Row>(`SELECT * FROM seg_agg WHERE operator_id = $op`, { op }))!;
}

/** Names of the risky codes whose bits are set, per kind (decoded as the evidence does). */
async function namesOf(op: string): Promise<Record<string, string[]>> {
  const r = (await ws.one<Row>(
    `SELECT ${['broker', 'hs', 'origin', 'supplier']
      .map(
        (k) =>
          `list_sort(list_filter(n.${k}_names, (x, i) -> (coalesce(a.${k}_bits, 0::UBIGINT) >> (i - 1)::UBIGINT) & 1::UBIGINT = 1::UBIGINT)) AS ${k}`,
      )
      .join(', ')}
     FROM seg_agg a, seg_rk_names n WHERE a.operator_id = $op`,
    { op },
  ))!;
  return r as Record<string, string[]>;
}

describe('scan 1: totals and availability', () => {
  it('counts the window lines and the non-null optional columns', () => {
    expect(stats.lines).toBe(5);
    expect(stats.nn).toMatchObject({
      declarant_id: 4,
      supplier_id: 4,
      origin_country: 4,
      exemption_code: 2,
      finding: 4,
      flow: 5,
    });
    expect(stats.baseRate).toBeCloseTo(2 / 4, 12);
    expect(have.has('declaration_lines.supplier_id')).toBe(true);
    expect(have.has('declaration_lines.vat')).toBe(false);
  });
});

describe('scan 2: per-operator line aggregates', () => {
  it('risky-list line counts and the codes behind them', async () => {
    const a = await aggOf('A');
    expect([a.broker_risky_lines, a.hs_risky_lines, a.origin_risky_lines, a.supplier_risky_lines].map(Number)).toEqual([
      2, 1, 2, 1,
    ]);
    expect(await namesOf('A')).toEqual({ broker: ['B1'], hs: ['870899'], origin: ['CN'], supplier: ['S1'] });
    const b = await aggOf('B');
    expect([b.broker_risky_lines, b.hs_risky_lines, b.origin_risky_lines, b.supplier_risky_lines].map(Number)).toEqual([
      1, 1, 0, 1,
    ]);
    expect(b.origin_bits).toBeNull();
    expect(await namesOf('B')).toEqual({ broker: ['B1'], hs: ['030199'], origin: [], supplier: ['S1'] });
  });

  it('period counters, residual HS (6th character 9) and exemptions', async () => {
    const cols = [
      'lines',
      'recent_lines',
      'prev_lines',
      'recent_exempt',
      'prev_exempt',
      'recent_residual',
      'prev_residual',
      'finding_lines',
    ];
    const a = await aggOf('A');
    expect(cols.map((c) => Number(a[c]))).toEqual([3, 2, 1, 1, 1, 1, 0, 1]);
    const b = await aggOf('B');
    expect(cols.map((c) => Number(b[c]))).toEqual([2, 1, 1, 0, 0, 1, 1, 1]);
  });

  it('main HS code: the highest-value line, ties to the highest code', async () => {
    expect((await aggOf('A')).main_hs).toBe('850440');
    expect((await aggOf('A')).main_chapter).toBe('85');
    expect((await aggOf('B')).main_hs).toBe('é23459');
    expect(Number((await aggOf('A')).total_value)).toBe(700);
  });

  it('risky columns equal a per-line reference over seg_risky', async () => {
    const kinds = { broker: 'declarant_id', hs: 'hs_code', origin: 'origin_country', supplier: 'supplier_id' };
    const diff = await ws.scalar<number>(
      `WITH ref AS (
         SELECT operator_id, ${Object.entries(kinds)
           .map(
             ([k, c]) =>
               `count(*) FILTER (WHERE ${c} IN (SELECT code FROM seg_risky WHERE kind = '${k}')) AS ${k}_risky_lines`,
           )
           .join(', ')}
         FROM declaration_lines WHERE date > DATE '2023-12-31' GROUP BY operator_id)
       SELECT count(*) FROM ref JOIN seg_agg a USING (operator_id)
       WHERE ${Object.keys(kinds)
         .map((k) => `ref.${k}_risky_lines <> a.${k}_risky_lines`)
         .join(' OR ')}`,
    );
    expect(Number(diff)).toBe(0);
  });
});
