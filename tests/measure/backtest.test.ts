import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Workspace } from '../../src/workspace/workspace.ts';
import { loadSelectivityConfig } from '../../src/measure/selectivity/config.ts';
import { runBacktest, type BacktestOptions } from '../../src/measure/backtest/backtest.ts';
import { rankingMetrics } from '../../src/measure/backtest/metrics.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { insertSynthetic } from './selectivity-fixtures.ts';

describe('ranking metrics (hand-computed)', () => {
  it('precision, recall, AUC with ties, levels and deciles', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    try {
      // 10 rows: scores 10..1, findings at scores 10, 9, 7, 3 → P = 4, N = 6.
      await ws.run(`CREATE TEMP TABLE t AS SELECT i AS id, (11 - i)::DOUBLE AS s, i IN (1, 2, 4, 8) AS y,
        CASE WHEN i <= 2 THEN 'high' WHEN i <= 5 THEN 'medium' ELSE 'low' END AS lvl FROM range(1, 11) r(i)`);
      const m = await rankingMetrics(ws, { table: 't', score: 's', label: 'y', tie: 'id', level: 'lvl' });
      expect(m.rows).toBe(10);
      expect(m.findings).toBe(4);
      // top 10% = 1 row (1 finding), 20% = 2 rows (2): precision 1; recall 1/4, 2/4.
      expect(m.top.map((t) => [t.share, t.selected, t.findings])).toEqual([
        [0.01, 1, 1],
        [0.02, 1, 1],
        [0.05, 1, 1],
        [0.1, 1, 1],
        [0.2, 2, 2],
      ]);
      expect(m.top[4].recall).toBe(0.5);
      expect(m.top[4].lift).toBe(2.5);
      // AUC: pairs (pos, neg) ranked right. Positives at ranks (ascending) 10, 9, 7, 3: 6 + 6 + 5 + 2 = 19 of 24.
      expect(m.auc).toBeCloseTo(19 / 24, 12);
      expect(m.byLevel).toEqual([
        { level: 'high', rows: 2, findings: 2, rate: 1 },
        { level: 'medium', rows: 3, findings: 1, rate: 1 / 3 },
        { level: 'low', rows: 5, findings: 1, rate: 0.2 },
      ]);
      expect(m.lift.map((b) => b.findings)).toEqual([1, 1, 0, 1, 0, 0, 0, 1, 0, 0]);
      expect(m.lift[3].cumulativeRecall).toBe(0.75);
      // No amount column: revenue found is not reported.
      expect(m.amount).toBeNull();
      expect(m.top[4].amountShare).toBeNull();
      // Amounts reassessed on the findings: 100 (score 10), 300 (9), 50 (7), 50 (3); one finding without an amount.
      await ws.run(`CREATE TEMP TABLE ta AS SELECT *, CASE id WHEN 1 THEN 100 WHEN 2 THEN 300 WHEN 4 THEN 50 WHEN 8 THEN NULL
        ELSE 0 END::DOUBLE AS a FROM t`);
      const r = await rankingMetrics(ws, { table: 'ta', score: 's', label: 'y', tie: 'id', amount: 'a' });
      expect(r.amount).toBe(450);
      expect(r.top.map((t) => [t.amount, t.amountShare])).toEqual([
        [100, 100 / 450],
        [100, 100 / 450],
        [100, 100 / 450],
        [100, 100 / 450],
        [400, 400 / 450],
      ]);
      // All tied: AUC is exactly 0.5.
      await ws.run(`CREATE TEMP TABLE t2 AS SELECT id, 1.0 AS s, y FROM t`);
      expect((await rankingMetrics(ws, { table: 't2', score: 's', label: 'y', tie: 'id' })).auc).toBe(0.5);
      // Large counts (P·(P+1) beyond 32-bit): scores = id, findings on even ids → AUC = 0.5 + 1/(2N).
      await ws.run(`CREATE TEMP TABLE t3 AS SELECT i AS id, i::DOUBLE AS s, i % 2 = 0 AS y FROM range(200000) r(i)`);
      expect((await rankingMetrics(ws, { table: 't3', score: 's', label: 'y', tie: 'id' })).auc).toBeCloseTo(
        0.5 - 1 / 200000,
        12,
      );
    } finally {
      ws.close();
    }
  });
});

describe('backtest: nothing from the test period leaks into the scores', () => {
  let ws: Workspace;
  const cfg = loadSelectivityConfig();
  const opts: BacktestOptions = { trainUntil: '2023-06-30', testFrom: '2023-07-01', testUntil: '2023-12-31' };
  const scores = async () =>
    (await ws.all<{ id: string; score: number }>(`SELECT declaration_id AS id, score FROM sel_scores ORDER BY id`)).map(
      (r) => `${r.id}:${r.score}`,
    );
  beforeAll(async () => {
    ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    await insertSynthetic(ws, 2500);
  });
  afterAll(() => ws.close());

  it('flipping or shuffling test labels leaves every test score and the model unchanged, and changes the evaluation', async () => {
    const before = await runBacktest(ws, cfg, opts);
    const s0 = await scores();
    expect(s0.length).toBe(before.periods.test.lines);
    expect(before.lines.top[2].precision).toBeGreaterThan(before.lines.baseRate * 2);

    await ws.run(`UPDATE declaration_lines SET finding = NOT finding WHERE date >= DATE '2023-07-01'`);
    const flipped = await runBacktest(ws, cfg, opts);
    expect(await scores()).toEqual(s0);
    expect(flipped.model).toEqual(before.model);
    expect(flipped.lines.findings).toBe(before.lines.rows - before.lines.findings);
    expect(flipped.lines.auc).toBeCloseTo(1 - before.lines.auc!, 9);

    await ws.run(
      `UPDATE declaration_lines SET finding = hash(declaration_id, 'shuffle') % 2 = 0 WHERE date >= DATE '2023-07-01'`,
    );
    const shuffled = await runBacktest(ws, cfg, opts);
    expect(await scores()).toEqual(s0);
    expect(shuffled.model).toEqual(before.model);
  });

  it('changing test-period data changes only the test lines themselves, never the learned model', async () => {
    const before = await runBacktest(ws, cfg, opts);
    const s0 = new Map((await scores()).map((s) => [s.split(':')[0], s]));
    // Move every test line of one operator to another HS code and origin; add test lines.
    await ws.run(
      `UPDATE declaration_lines SET hs_code = '940360', origin_country = 'DE' WHERE date >= DATE '2023-07-01' AND operator_id = 'OP7'`,
    );
    await ws.run(`INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, value, finding)
                  SELECT 'X' || i, 1, DATE '2023-08-01', 'OPX', '851712', 5, true FROM range(50) r(i)`);
    const after = await runBacktest(ws, cfg, opts);
    expect(after.model).toEqual(before.model);
    const changed = new Set(
      (
        await ws.all<{ id: string }>(
          `SELECT declaration_id AS id FROM declaration_lines WHERE operator_id IN ('OP7', 'OPX') AND date >= DATE '2023-07-01'`,
        )
      ).map((r) => r.id),
    );
    for (const s of await scores()) {
      const id = s.split(':')[0];
      if (!changed.has(id)) expect(s).toBe(s0.get(id));
    }
    expect(after.periods.test.lines).toBe(before.periods.test.lines + 50);
  });

  it('the validation variant fits weights on the validation period and scores the test with history up to its end', async () => {
    const r = await runBacktest(ws, cfg, {
      trainUntil: '2023-03-31',
      validFrom: '2023-04-01',
      validUntil: '2023-06-30',
      testFrom: '2023-07-01',
      testUntil: '2023-12-31',
    });
    expect(r.fit.on).toBe('validation');
    expect(r.history.until).toBe('2023-06-30');
    const s0 = await scores();
    await ws.run(`UPDATE declaration_lines SET finding = NOT finding WHERE date >= DATE '2023-07-01'`);
    await runBacktest(ws, cfg, {
      trainUntil: '2023-03-31',
      validFrom: '2023-04-01',
      validUntil: '2023-06-30',
      testFrom: '2023-07-01',
      testUntil: '2023-12-31',
    });
    expect(await scores()).toEqual(s0);
  });
});

describe('cip backtest and cip selectivity export (real CLI)', () => {
  const dir = tmpDir();
  const wsDir = join(dir, 'ws');
  beforeAll(async () => {
    const ws = await Workspace.open(wsDir, { create: true });
    await insertSynthetic(ws, 2000);
    ws.close();
  });

  it('refuses a test period that overlaps training, naming both dates', () => {
    const r = cip([
      'backtest',
      '-w',
      wsDir,
      '--train-until',
      '2023-06-30',
      '--test-from',
      '2023-06-30',
      '--test-until',
      '2023-12-31',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: --test-from 2023-06-30 must be after --train-until 2023-06-30: the test period may not overlap what the scores learn from\n',
    );
    const bad = cip([
      'backtest',
      '-w',
      wsDir,
      '--train-until',
      '2023-13-45',
      '--test-from',
      '2023-07-01',
      '--test-until',
      '2023-12-31',
    ]);
    expect(bad.stderr).toBe("error: --train-until: expected a date YYYY-MM-DD, got '2023-13-45'\n");
  });

  it('--json reports the five top shares for lines and operators, AUC and lift chart', () => {
    const r = cipJson<{
      lines: { top: { share: number; precision: number }[]; auc: number; lift: unknown[] };
      operators: { top: unknown[] };
    }>([
      'backtest',
      '-w',
      wsDir,
      '--train-until',
      '2023-06-30',
      '--test-from',
      '2023-07-01',
      '--test-until',
      '2023-12-31',
    ]);
    expect(r.lines.top.map((t) => t.share)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2]);
    expect(r.operators.top).toHaveLength(5);
    expect(r.lines.lift).toHaveLength(10);
    expect(r.lines.auc).toBeGreaterThan(0.7);
  });

  it('exports line scores whose contributions add up to the score, with readable reasons', () => {
    const out = join(dir, 'lines.csv');
    const r = cip(['selectivity', 'export', out, '-w', wsDir, '--as-of', '2023-06-30']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote \d+ lines to /);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    const cols = header.split(',');
    expect(cols.slice(0, 16)).toEqual([
      'declaration_id',
      'line_no',
      'date',
      'operator_id',
      'declarant_id',
      'supplier_id',
      'office',
      'hs_code',
      'origin_country',
      'tax_type',
      'score',
      'probability',
      'level',
      'selected',
      'reasons',
      'intercept',
    ]);
    expect(cols).toContain('c_hs6_origin');
    // the default random lot (5 % of declarations) is marked; every other line was selected by its score
    const selected = rows.map((r) => r.replace(/"[^"]*"/, 'R').split(',')[13]);
    expect(new Set(selected)).toEqual(new Set(['random', 'score']));
    const first = rows[0];
    expect(first).toMatch(/851712,CN,/);
    expect(first).toMatch(
      /HS6_ORIGIN|HS6 × origin 851712 · CN: \d+\/\d+ past lines with a finding, rate \d+\.\d% vs \d+\.\d% \(\+\d\.\d\d\)/,
    );
    // Parse a row without reasons (quoted) and check score = intercept + Σ contributions (4-decimal rounding).
    const v = rows[rows.length - 1].replace(/"[^"]*"/, 'R').split(',');
    const score = Number(v[10]);
    const sum = v.slice(15).reduce((a, x) => a + Number(x), 0);
    expect(Math.abs(score - sum)).toBeLessThan(0.0005 * (v.length - 14));
  });

  it('explains why it cannot export when every line has an outcome', () => {
    const r = cip(['selectivity', 'export', join(dir, 'x.csv'), '-w', wsDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: every declaration line already has an outcome (inspected, with a finding value): pass --as-of DATE to learn from lines up to DATE and score the lines after it\n',
    );
  });
});
