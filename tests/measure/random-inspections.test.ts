// Random inspections (issue #14 item 6): selection_reason is imported from words in en/es/fr/pt, the demo generator
// inspects a share of declarations by lot (their expected hit rate is the population's), KPI T14 sets random
// against targeted hit rates, the backtest and the effect estimate can read random inspections only, and the
// selectivity export draws a reproducible lot and marks it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { importFile } from '../../src/ingest/index.ts';
import { suggestMapping } from '../../src/ingest/suggest.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeKpis } from '../../src/measure/kpi/index.ts';
import { loadSelectivityConfig } from '../../src/measure/selectivity/config.ts';
import { exportSelectivity } from '../../src/measure/selectivity/export.ts';
import { runBacktest } from '../../src/measure/backtest/backtest.ts';
import { estimateEffect } from '../../src/measure/effect/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('selection_reason on import', () => {
  it('reads the reason from words in four languages, is suggested from the column name, refuses unknown words', async () => {
    const dir = tmpDir();
    const header = 'NUMERO_DECLARACION,FECHA,NIT,PARTIDA,VALOR,INSPECCIONADO,RESULTADO,MOTIVO_SELECCION';
    const reasons = ['ALEATORIO', 'Regla de riesgo', 'score de risque', 'servidor', 'random', 'SORTEIO', 'capricho'];
    const rows = reasons.map((r, i) => `D${i},2024-01-0${i + 1},OP${i},01012100,100,SI,NO,${r}`);
    const file = join(dir, 'dua.csv');
    writeFileSync(file, [header, ...rows].join('\n') + '\n');
    const s = suggestMapping(
      'declarations',
      header.split(','),
      rows.map((r) => Object.fromEntries(header.split(',').map((h, i) => [h, r.split(',')[i]]))),
    );
    expect(s.mapping.fields.selection_reason).toBe('MOTIVO_SELECCION');
    const ws = await Workspace.open(join(dir, 'ws'), { create: true });
    try {
      const r = await importFile(ws, 'declarations', file, { mapping: s.mapping });
      expect(r.summary.imported).toBe(6);
      expect(r.summary.rejected).toBe(1);
      const stored = await ws.all<{ id: string; reason: string }>(
        'SELECT declaration_id AS id, selection_reason AS reason FROM declaration_lines ORDER BY 1',
      );
      expect(stored.map((x) => x.reason)).toEqual(['random', 'rule', 'score', 'officer', 'random', 'random']);
      const bad = r.issues.find((i) => i.code === 'unknown_selection_reason');
      expect(bad?.examples[0].value).toBe('capricho');
      expect(bad?.examples[0].message).toContain('map: { VALUE: random }');
    } finally {
      ws.close();
    }
  });
});

describe('random inspections in the demo, KPIs, backtest, effect and export', () => {
  let ws: Workspace;
  const dir = tmpDir();
  beforeAll(async () => {
    ws = await Workspace.open(join(dir, 'ws'), { create: true });
    await generateDemo(ws, { rows: 60_000, seed: 3, randomShare: 0.1 });
  }, 120_000);
  afterAll(() => ws.close());

  it('inspects a share of declarations by lot, whose expected hit rate is the population rate', async () => {
    const r = await ws.one<{ decl: number; all: number; insp: number; other: number }>(
      `SELECT count(DISTINCT declaration_id) FILTER (WHERE selection_reason = 'random') AS decl,
         count(DISTINCT declaration_id) AS "all", bool_and(inspected) FILTER (WHERE selection_reason = 'random') AS insp,
         count(*) FILTER (WHERE inspected AND selection_reason IS NULL) AS other FROM declaration_lines`,
    );
    expect(Number(r!.decl) / Number(r!.all)).toBeGreaterThan(0.09);
    expect(Number(r!.decl) / Number(r!.all)).toBeLessThan(0.11);
    expect(r!.insp).toBe(true);
    expect(Number(r!.other)).toBe(0); // every inspected line says why
    // Truth: a line inspected at random is found non-compliant with the detection of its channel; the population
    // rate is every line's non-compliance with the random inspections' mix of channels (red 45 %, yellow 55 %).
    const t = await ws.one<{ pop: number; rnd: number; targeted: number }>(
      `SELECT avg(t.p_nc) * (0.45 * 0.9 + 0.55 * 0.6) AS pop,
         avg(t.p_find) FILTER (WHERE l.selection_reason = 'random') AS rnd,
         avg(t.p_find) FILTER (WHERE l.selection_reason IN ('rule', 'score', 'officer')) AS targeted
       FROM demo_truth_lines t JOIN declaration_lines l USING (declaration_id, line_no)`,
    );
    expect(Math.abs(t!.rnd - t!.pop) / t!.pop).toBeLessThan(0.05);
    expect(t!.targeted).toBeGreaterThan(1.3 * t!.rnd);
  });

  it('KPI T14 sets the hit rate of random inspections against targeted ones', async () => {
    const k = await computeKpis(ws, { period: 'year' });
    const t14 = k.kpis.find((x) => x.code === 'T14_hit_rate_random_vs_targeted')!;
    expect(t14.dimension).toBe('selection');
    const y2024 = Object.fromEntries(t14.points.filter((p) => p.period === '2024').map((p) => [p.dimension, p]));
    const direct = await ws.all<{ sel: string; n: number; f: number }>(
      `SELECT CASE WHEN bool_or(selection_reason = 'random') THEN 'random' ELSE 'targeted' END AS sel,
         count(*) AS n, count(*) FILTER (WHERE f) AS f
       FROM (SELECT declaration_id, bool_or(selection_reason = 'random') AS r, bool_or(finding) AS f,
               any_value(selection_reason) AS selection_reason FROM declaration_lines
             WHERE inspected AND year(date) = 2024 GROUP BY declaration_id) GROUP BY r ORDER BY 1`,
    );
    for (const d of direct) {
      expect(y2024[d.sel].denominator).toBe(Number(d.n));
      expect(y2024[d.sel].value).toBeCloseTo(Number(d.f) / Number(d.n), 12);
    }
    expect(y2024.targeted.value!).toBeGreaterThan(y2024.random.value!);
  });

  it('the backtest evaluates on random inspections only when asked, and says how many there were', async () => {
    const o = { trainUntil: '2024-06-30', testFrom: '2024-07-01', testUntil: '2025-06-30' };
    const all = await runBacktest(ws, loadSelectivityConfig(), o);
    const rnd = await runBacktest(ws, loadSelectivityConfig(), { ...o, evaluate: 'random' });
    const n = Number(
      await ws.scalar(
        `SELECT count(*) FROM declaration_lines WHERE selection_reason = 'random' AND date BETWEEN '2024-07-01' AND '2025-06-30'`,
      ),
    );
    expect(all.evaluated).toEqual({ on: 'inspected', random: n });
    expect(rnd.evaluated).toEqual({ on: 'random', random: n });
    expect(rnd.lines.rows).toBe(n);
    expect(all.lines.rows).toBe(all.periods.test.labelled);
    // Same scores, other lines: the model is the same.
    expect(rnd.model.weights).toEqual(all.model.weights);
    // The demo records amounts reassessed: revenue found is reported, growing with the share.
    expect(all.lines.amount).toBeGreaterThan(0);
    const shares = all.lines.top.map((t) => t.amountShare!);
    expect([...shares].sort((a, b) => a - b)).toEqual(shares);
  }, 60_000);

  it('the effect estimate can count random inspections only', async () => {
    const r = await estimateEffect(ws, { treatment: 'enhanced-engagement', reps: 50, inspections: 'random' });
    expect(r.inspections).toBe('random');
    const all = await estimateEffect(ws, { treatment: 'enhanced-engagement', reps: 50 });
    expect(all.inspections).toBe('all');
    expect(r.groups.treated_matched).toBeLessThan(all.groups.treated_matched);
  }, 60_000);

  it('the export draws a reproducible lot of declarations and marks their lines', async () => {
    const cfg = loadSelectivityConfig();
    const run = async (name: string, seed: number, randomShare?: number) => {
      const out = join(dir, name);
      const r = await exportSelectivity(ws, cfg, { out, level: 'line', asOf: '2025-06-30', seed, randomShare });
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      const col = lines[0].split(',').indexOf('selected');
      return { r, lines, picked: lines.slice(1).filter((l) => l.split(',')[col] === 'random'), col };
    };
    const a = await run('a.csv', 7);
    const b = await run('b.csv', 7);
    const c = await run('c.csv', 8);
    expect(a.col).toBe(13);
    expect(a.r.random!.share).toBe(0.05);
    expect(a.picked.length).toBe(a.r.random!.lines);
    expect(a.picked).toEqual(b.picked);
    expect(c.picked).not.toEqual(a.picked);
    const decls = new Set(a.lines.slice(1).map((l) => l.split(',')[0])).size;
    expect(a.r.random!.declarations / decls).toBeGreaterThan(0.035);
    expect(a.r.random!.declarations / decls).toBeLessThan(0.065);
    // Every line of a declaration drawn is marked: the lot is per declaration.
    const drawn = new Set(a.picked.map((l) => l.split(',')[0]));
    expect(a.lines.slice(1).filter((l) => drawn.has(l.split(',')[0])).length).toBe(a.picked.length);
    // No lot: no column, no count.
    const none = await run('n.csv', 7, 0);
    expect(none.col).toBe(-1);
    expect(none.r.random).toBeNull();
  }, 120_000);
});
