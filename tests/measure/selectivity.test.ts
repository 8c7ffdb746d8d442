import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { fitModel, scoreLines } from '../../src/measure/selectivity/model.ts';
import { fitLogistic } from '../../src/measure/selectivity/logistic.ts';
import { keySql, loadSelectivityConfig, validateSelectivityConfig } from '../../src/measure/selectivity/config.ts';
import { buildFeatures } from '../../src/measure/selectivity/profiles.ts';
import { griAsOf } from '../../src/measure/selectivity/gri.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { config, insertLines, insertSynthetic } from './selectivity-fixtures.ts';

const logit = (p: number) => Math.log(p / (1 - p));

describe('empirical-Bayes profiles and fixed-weight scores (hand-computed)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    // History (2023): HS 010121 → 3 findings in 4 lines, HS 010129 → 0 in 4; prior 3/8.
    await insertLines(ws, [
      { id: 'A1', date: '2023-01-01', hs: '010121', finding: true },
      { id: 'A2', date: '2023-01-02', hs: '010121', finding: true },
      { id: 'A3', date: '2023-01-03', hs: '010121', finding: true },
      { id: 'A4', date: '2023-01-04', hs: '010121', finding: false },
      { id: 'B1', date: '2023-01-05', hs: '010129', finding: false },
      { id: 'B2', date: '2023-01-06', hs: '010129', finding: false },
      { id: 'B3', date: '2023-01-07', hs: '010129', finding: false },
      { id: 'B4', date: '2023-01-08', hs: '010129', finding: false },
      // Targets (2024): a known code, an unseen code, an unseen subheading of a known heading.
      { id: 'T1', date: '2024-02-01', hs: '010121', finding: null },
      { id: 'T2', date: '2024-02-01', hs: '999999', finding: true },
      { id: 'T3', date: '2024-02-01', hs: '010190', finding: false },
    ]);
  });
  afterAll(() => ws.close());

  it('shrinks the HS6 rate toward the prior: (3 + 2·3/8)/(4 + 2) = 0.625; lift = 2·ln(5/3)', async () => {
    const cfg = config([{ id: 'hs6', keys: ['hs6'], k: 2 }]);
    const model = await fitModel(ws, cfg, { history: { until: '2023-12-31' } });
    expect(model.priorRate).toBe(3 / 8);
    expect(model.fittedOn).toBe('fixed');
    expect(model.intercept).toBeCloseTo(logit(3 / 8), 12);
    await scoreLines(ws, cfg, model, { from: '2024-01-01' });
    const rows = await ws.all<{ declaration_id: string; score: number; p: number; c_0: number }>(
      'SELECT declaration_id, score, p, c_0 FROM sel_scores ORDER BY declaration_id',
    );
    expect(rows.map((r) => r.declaration_id)).toEqual(['T1', 'T2', 'T3']);
    expect(rows[0].c_0).toBeCloseTo(2 * Math.log(5 / 3), 12);
    expect(rows[0].p).toBeCloseTo(0.625, 12);
    expect(rows[1].c_0).toBe(0); // unseen code: no evidence, no contribution
    expect(rows[1].p).toBeCloseTo(3 / 8, 12);
  });

  it('ignores lines marked uninspected: their finding column is no outcome', async () => {
    const cfg = config([{ id: 'hs6', keys: ['hs6'], k: 2 }]);
    await insertLines(ws, [
      { id: 'U1', date: '2023-02-01', hs: '010121', finding: false, inspected: false },
      { id: 'U2', date: '2023-02-02', hs: '010121', finding: false, inspected: false },
      { id: 'U3', date: '2024-02-02', hs: '010121', finding: false, inspected: false },
    ]);
    try {
      const model = await fitModel(ws, cfg, { history: { until: '2023-12-31' } });
      expect(model.priorRate).toBe(3 / 8);
      await scoreLines(ws, cfg, model, { from: '2024-01-01' });
      const r = await ws.all<{ declaration_id: string; p: number; y: number | null }>(
        'SELECT declaration_id, p, y FROM sel_scores ORDER BY 1',
      );
      expect(r.map((x) => [x.declaration_id, x.y])).toEqual([
        ['T1', null],
        ['T2', 1],
        ['T3', 0],
        ['U3', null],
      ]);
      expect(r[0].p).toBeCloseTo(0.625, 12);
    } finally {
      await ws.run(`DELETE FROM declaration_lines WHERE declaration_id LIKE 'U%'`);
    }
  });

  it('shrinks a subheading toward its heading, and the heading toward the prior', async () => {
    const cfg = config([
      { id: 'hs4', keys: ['hs4'], k: 4 },
      { id: 'hs6', keys: ['hs6'], parent: 'hs4', k: 2 },
    ]);
    const model = await fitModel(ws, cfg, { history: { until: '2023-12-31' } });
    await scoreLines(ws, cfg, model, { from: '2024-01-01' });
    const feat = await ws.one<{ r_0: number; r_1: number; l_0: number; l_1: number }>(
      `SELECT r_0, r_1, l_0, l_1 FROM sel_feat WHERE declaration_id = 'T1'`,
    );
    const r4 = (3 + 4 * 0.375) / (8 + 4); // heading 0101: 3 findings in 8 lines
    const r6 = (3 + 2 * r4) / (4 + 2);
    expect(feat!.r_0).toBeCloseTo(r4, 12);
    expect(feat!.r_1).toBeCloseTo(r6, 12);
    expect(feat!.l_0).toBeCloseTo(logit(r4) - logit(0.375), 12);
    expect(feat!.l_1).toBeCloseTo(logit(r6) - logit(r4), 12);
    // T3: unseen subheading 010190 of the known heading 0101 → heading evidence only.
    const t3 = await ws.one<{ c_0: number; c_1: number; score: number }>(
      `SELECT c_0, c_1, score FROM sel_scores WHERE declaration_id = 'T3'`,
    );
    expect(t3!.c_1).toBe(0);
    expect(t3!.score).toBeCloseTo(logit(r4), 12);
  });

  it('computes history lines out-of-fold: a key seen only in the line itself gives it no lift', async () => {
    const cfg = config([{ id: 'hs6', keys: ['hs6'], k: 2 }], { folds: 20 });
    await buildFeatures(ws, cfg, { history: { until: '2023-12-31' } });
    const rows = await ws.all<{ declaration_id: string; n_0: number; s_0: number; fold: number }>(
      `SELECT declaration_id, n_0, s_0, fold FROM sel_feat WHERE role = 'hist' ORDER BY declaration_id`,
    );
    for (const r of rows) {
      const same = rows.filter((x) => x.declaration_id[0] === r.declaration_id[0] && x.fold !== r.fold);
      expect(r.n_0).toBe(same.length); // only lines of other folds count
    }
  });
});

describe('factors over extra source fields', () => {
  it('reads extra.<Field> from declaration_lines.extra, with the same shrinkage', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    try {
      const rows: [string, string, string, boolean | null][] = [
        ['E1', '2023-01-01', '8', true],
        ['E2', '2023-01-02', '8', true],
        ['E3', '2023-01-03', '8', false],
        ['E4', '2023-01-04', '0', false],
        ['E5', '2023-01-05', '0', false],
        ['E6', '2023-01-06', "it's 0", false],
        ['F1', '2024-01-01', '8', null],
        ['F2', '2024-01-01', '', null],
      ];
      for (const [id, date, rate, finding] of rows) {
        await ws.run(
          `INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, value, finding, extra)
           VALUES ($id, 1, CAST($date AS DATE), 'OP', '010121', 1, $finding, map(['Tax Rate'], [$rate]))`,
          { id, date, rate, finding },
        );
      }
      const cfg = config([{ id: 'tax_rate', keys: ['extra.Tax Rate'], k: 1 }]);
      const model = await fitModel(ws, cfg, { history: { until: '2023-12-31' } });
      await scoreLines(ws, cfg, model, { from: '2024-01-01' });
      const r = await ws.all<{ declaration_id: string; c_0: number }>(
        'SELECT declaration_id, c_0 FROM sel_scores ORDER BY 1',
      );
      const rate = (2 + 1 * (2 / 6)) / (3 + 1);
      expect(r[0].c_0).toBeCloseTo(logit(rate) - logit(2 / 6), 12);
      expect(r[1].c_0).toBe(0); // empty value = missing key
    } finally {
      ws.close();
    }
  });
});

describe('fitted weights on a structured synthetic history', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    await insertSynthetic(ws, 6000);
  });
  afterAll(() => ws.close());

  it('every score is exactly the intercept plus its factor contributions; weights are non-negative', async () => {
    const cfg = loadSelectivityConfig();
    const model = await fitModel(ws, cfg, { history: { until: '2023-06-30' } });
    expect(model.fittedOn).toBe('history-out-of-fold');
    for (const w of Object.values(model.weights)) expect(w).toBeGreaterThanOrEqual(0);
    // The planted HS × origin risk must carry weight.
    expect(
      model.weights.hs6_origin + model.weights.hs6_origin_tax + model.weights.hs6_origin_departure_tax,
    ).toBeGreaterThan(0.3);
    await scoreLines(ws, cfg, model, { from: '2023-07-01' });
    const sum = cfg.factors.map((_, j) => `c_${j}`).join(' + ');
    const r = await ws.one<{ n: number; maxdiff: number; maxw: number }>(
      `SELECT count(*) AS n, max(abs(score - ($b + ${sum}))) AS maxdiff FROM sel_scores`,
      { b: model.intercept },
    );
    expect(r!.n).toBeGreaterThan(1400);
    expect(r!.maxdiff).toBeLessThan(1e-9);
    // The riskiest lines are the planted pair.
    const top = await ws.all<{ hs_code: string; origin_country: string }>(
      `SELECT d.hs_code, d.origin_country FROM sel_scores s JOIN declaration_lines d USING (declaration_id, line_no) ORDER BY s.score DESC LIMIT 50`,
    );
    expect(top.every((t) => t.hs_code === '851712' && t.origin_country === 'CN')).toBe(true);
  });
});

describe('operator GRI as a factor (segmentation API)', () => {
  it('computes the GRI as of the history end without touching the stored run, and keys lines by its level', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    try {
      await insertSynthetic(ws, 3000);
      const n = await griAsOf(ws, '2023-06-30');
      expect(n).toBeGreaterThan(100);
      expect(await ws.scalar('SELECT count(*) FROM operator_segments')).toBe(0);
      expect(await ws.scalar('SELECT count(*) FROM seg_runs')).toBe(0);
      const levels = (await ws.all<{ l: string }>('SELECT DISTINCT gri_level AS l FROM sel_gri ORDER BY 1')).map(
        (r) => r.l,
      );
      expect(levels.every((l) => ['high', 'medium', 'low'].includes(l))).toBe(true);
      const cfg = config([{ id: 'operator_gri', keys: ['gri_level'], k: 20 }]);
      await buildFeatures(ws, cfg, { history: { until: '2023-06-30' }, target: { from: '2023-07-01' } });
      const missing = await ws.scalar(
        `SELECT count(*) FROM sel_lines l JOIN sel_gri g USING (operator_id) WHERE l.k_0 IS DISTINCT FROM g.gri_level`,
      );
      expect(missing).toBe(0);
    } finally {
      ws.close();
    }
  });
});

describe('logistic fit (known answers)', () => {
  it('one binary factor, no penalty: intercept = logit(1/4), weight = logit(3/4) − logit(1/4) = 2·ln 3', () => {
    const X = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    const f = fitLogistic(X, y, { l2: 0, nonNegative: false });
    expect(f.intercept).toBeCloseTo(Math.log(1 / 3), 8);
    expect(f.weights[0]).toBeCloseTo(2 * Math.log(3), 8);
  });

  it('with non-negative weights, a factor pointing the wrong way gets weight 0 and the rest is refitted', () => {
    const X = [
      [0, 1],
      [0, 0],
      [0, 1],
      [0, 0],
      [1, 0],
      [1, 1],
      [1, 0],
      [1, 1],
    ];
    const y = [0, 1, 0, 0, 1, 1, 1, 0];
    const free = fitLogistic(X, y, { l2: 0, nonNegative: false });
    expect(free.weights[1]).toBeLessThan(0);
    const nn = fitLogistic(X, y, { l2: 0, nonNegative: true });
    expect(nn.weights[1]).toBe(0);
    const alone = fitLogistic(
      X.map((r) => [r[0]]),
      y,
      { l2: 0, nonNegative: false },
    );
    expect(nn.weights[0]).toBeCloseTo(alone.weights[0], 8);
    expect(nn.intercept).toBeCloseTo(alone.intercept, 8);
  });

  it('L2 shrinks the weight toward 0', () => {
    const X = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    expect(fitLogistic(X, y, { l2: 5, nonNegative: false }).weights[0]).toBeLessThan(2 * Math.log(3) - 0.5);
  });
});

describe('factor configuration errors', () => {
  const base = () => ({ ...loadSelectivityConfig() });
  it('names an unknown key with the vocabulary', () => {
    const c = base();
    expect(() => validateSelectivityConfig({ ...c, factors: [{ ...c.factors[0], keys: ['hs7'] }] }, 'my.yaml')).toThrow(
      /^my\.yaml: factors\.0\.keys\.0: expected hs2\|hs4\|hs6\|unit_value_band\|value_class\|mass_class\|gri_level, a canonical column/,
    );
  });
  it('puts declared values and masses in classes of a log scale, named by their bounds', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    try {
      const cls = (cfg: ReturnType<typeof base>) =>
        ws.all<{ v: string | null; m: string | null }>(
          `SELECT ${keySql(cfg, 'value_class', () => '')} AS v, ${keySql(cfg, 'mass_class', () => '')} AS m
           FROM (VALUES (55.0, 1000.0), (0.0, 0.004), (NULL, 1.0)) d(value, net_mass_kg)`,
        );
      // 6 per decade: 55 lies in [10^(10/6), 10^(11/6)) = [46.4, 68.1); 1000 starts class 18, [1000, 1468).
      expect(await cls(base())).toEqual([
        { v: '46.4–68.1', m: '1000–1470' },
        { v: '0', m: '0.00316–0.00464' },
        { v: null, m: '1–1.47' },
      ]);
      expect((await cls({ ...base(), size_classes: { per_decade: 1 } }))[0]).toEqual({ v: '10–100', m: '1000–10000' });
    } finally {
      ws.close();
    }
  });
  it('requires a parent to be listed first', () => {
    const c = base();
    expect(() =>
      validateSelectivityConfig({ ...c, factors: [{ ...c.factors[1] }, { ...c.factors[0] }] }, 'my.yaml'),
    ).toThrow("my.yaml: factors.0.parent: 'hs2' must be a factor listed before 'hs4'");
  });
  it('refuses raw SQL in place of a key', () => {
    const c = base();
    expect(() =>
      validateSelectivityConfig({ ...c, factors: [{ ...c.factors[0], keys: ['office); DROP TABLE x; --'] }] }),
    ).toThrow(/factors\.0\.keys\.0/);
  });
});
