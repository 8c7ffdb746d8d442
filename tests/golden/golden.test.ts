// Results of the analytics compared with the golden results written by the code before issue #15's rewrite
// (see snapshot.ts): GRI levels and ranks, Tables 1/4/5, backtest metrics and scores, selectivity exports,
// KPIs and Annex 3, equal within 1e-9 (numbers) or identical (ranks, levels, CSV text).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { demoGolden, goldenDiff, kcsGolden, KCS_DATA, loadDemoFixture, loadKcs, type Golden } from './snapshot.ts';

const expected = (name: string): Golden =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'golden', `${name}.json`), 'utf8')) as Golden;

async function check(name: string, load: (ws: Workspace) => Promise<void>, snap: (ws: Workspace) => Promise<Golden>) {
  const ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
  try {
    await load(ws);
    const actual = JSON.parse(JSON.stringify(await snap(ws))) as Golden;
    const want = expected(name);
    for (const part of Object.keys(want) as (keyof Golden)[]) {
      expect(goldenDiff(want[part], actual[part], part), `${name}: ${part}`).toEqual([]);
    }
  } finally {
    ws.close();
  }
}

describe('golden results (before/after issue #15)', () => {
  it('demo data set: GRI, tables, backtests, exports, KPIs and Annex 3 as before', async () => {
    await check('demo', loadDemoFixture, demoGolden);
  }, 300_000);

  it.skipIf(!existsSync(KCS_DATA))(
    'Korean split: GRI, tables, backtests and exports as before',
    async () => {
      await check('kcs', loadKcs, kcsGolden);
    },
    300_000,
  );

  it('the comparison catches a changed number, level or order', () => {
    const g = { a: [1, 2.5], b: { c: 'x', computedAt: 't1' } };
    expect(goldenDiff(g, { a: [1, 2.5 + 1e-12], b: { c: 'x', computedAt: 't2' } })).toEqual([]);
    expect(goldenDiff(g, { a: [1, 2.5 + 1e-6], b: { c: 'x' } })).toEqual(['$.a[1]: 2.5 ≠ 2.500001']);
    expect(goldenDiff(g, { a: [1], b: { c: 'y' } })).toEqual(['$.a: 2 items ≠ 1', '$.b.c: "x" ≠ "y"']);
  });
});
