// The operator page formats evidence in TypeScript (src/segmentation/evidence-text.ts); the view and the PCA plan
// format it in SQL (evidence.ts). Both must give the same text: number formats against DuckDB's own format(),
// then every raised flag of a demo workspace, with population thresholds and a custom indicator.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import {
  computeSegmentation,
  explainOperator,
  getConfig,
  mergeConfig,
  setConfig,
} from '../../src/segmentation/index.ts';
import { fmtSql } from '../../src/segmentation/measures.ts';
import { operatorTable } from '../../src/segmentation/evidence.ts';
import { evidenceText, fmtText } from '../../src/segmentation/evidence-text.ts';
import type { Run } from '../../src/segmentation/pipeline.ts';
import { builtinIndicators } from '../../src/segmentation/catalogue.ts';

let ws: Workspace;
beforeAll(async () => {
  ws = await Workspace.open(tmpDir(), { create: true });
});
afterAll(() => ws?.close());

const FORMATS = ['pct', 'pp', 'int', 'num'] as const;

describe('fmtText renders numbers as fmtSql does in DuckDB', () => {
  it('exact halves, negatives, zeros, large values and random doubles', async () => {
    const tricky = [
      0,
      -0,
      0.5,
      1.5,
      2.5,
      -0.5,
      -1.5,
      -2.5,
      0.125,
      0.135,
      0.005,
      0.015,
      0.025,
      0.145,
      0.4,
      -0.004,
      -0.4,
      12.5,
      1234.5,
      1235.5,
      999.5,
      999999.5,
      1e6,
      1234567.891,
      -9876543.5,
      1 / 3,
      2 / 3,
      0.285,
      0.575,
      1.005,
      4.35,
      0.29,
      0.57,
    ];
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 300; k++) tricky.push((rand() - 0.3) * 10 ** Math.floor(rand() * 8 - 3));
    for (let k = 0; k < 100; k++) tricky.push(Math.round(rand() * 4000) / 8 / 100); // exact halves after × 100
    const rows = tricky.map((x, i) => `(${i}, CAST('${Object.is(x, -0) ? '-0.0' : String(x)}' AS DOUBLE))`).join(', ');
    const out = await ws.all<Record<string, string>>(
      `SELECT i, ${FORMATS.map((f) => `${fmtSql('x', f)} AS ${f}`).join(', ')} FROM (VALUES ${rows}) t(i, x) ORDER BY i`,
    );
    expect(out).toHaveLength(tricky.length);
    for (const r of out) {
      const x = tricky[Number(r.i)];
      for (const f of FORMATS) expect([x, f, fmtText(x, f)]).toEqual([x, f, r[f]]);
    }
    const nul = await ws.one<Record<string, string>>(
      `SELECT ${FORMATS.map((f) => `${fmtSql('NULL::DOUBLE', f)} AS ${f}`).join(', ')}`,
    );
    for (const f of FORMATS) expect(fmtText(null, f)).toBe(nul![f]);
  });
});

describe('evidence of every raised flag: TypeScript = SQL view', () => {
  it('demo workspace, population thresholds and a custom indicator', async () => {
    await generateDemo(ws, { rows: 30_000, seed: 11 });
    // Percentile / mean+sd / z-score thresholds live per operator in the run's table (t<i> columns).
    const kinds = [
      { type: 'percentile', p: 0.9 },
      { type: 'meanSd', k: 1 },
      { type: 'zscore', z: 1.5, within: 'chapter' },
    ];
    const indicators = builtinIndicators().map((d, k) => ({
      code: d.code,
      enabled: true,
      ...(k % 4 === 1 ? { threshold: kinds[k % 3] } : {}),
    }));
    const custom = [
      {
        code: 'MY_ORIGIN',
        name: 'Lines from CN',
        expr: "share(lines where origin_country = 'CN') > 0.4",
        format: 'pct',
      },
    ];
    await setConfig(ws, mergeConfig((await getConfig(ws)).config, { indicators, custom }), 'tester');
    const run: Run = await computeSegmentation(ws);
    expect(run.indicators.some((i) => i.threshold && i.threshold.type !== 'absolute')).toBe(true);
    const view = await ws.all<{ operator_id: string; indicator_code: string; evidence: string }>(
      `SELECT operator_id, indicator_code, evidence FROM operator_indicator_flags`,
    );
    const rows = new Map(
      (await ws.conn.runAndReadAll(`SELECT * FROM ${operatorTable('general')}`))
        .getRowObjectsJS()
        .map((r) => [r.operator_id as string, r]),
    );
    const index = new Map(run.indicators.map((ind, i) => [ind.code, i]));
    const codes = new Set<string>();
    for (const v of view) {
      const i = index.get(v.indicator_code)!;
      expect([v.operator_id, v.indicator_code, evidenceText(run.indicators[i], i, rows.get(v.operator_id)!)]).toEqual([
        v.operator_id,
        v.indicator_code,
        v.evidence,
      ]);
      codes.add(v.indicator_code);
    }
    expect(view.length).toBeGreaterThan(500);
    expect(codes.size).toBeGreaterThanOrEqual(10);
    expect(codes.has('MY_ORIGIN')).toBe(true);
    // and the operator page shows exactly that text
    const op = view.find((v) => v.indicator_code === 'TRX_BROKER')!.operator_id;
    const e = await explainOperator(ws, op);
    const mine = view
      .filter((v) => v.operator_id === op)
      .map((v) => [v.indicator_code, v.evidence])
      .sort();
    expect(
      e.indicators
        .filter((x) => x.flag)
        .map((x) => [x.code, x.evidence])
        .sort(),
    ).toEqual(mine);
  });
});
