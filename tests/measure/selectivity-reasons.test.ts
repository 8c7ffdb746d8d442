// The top reasons of a scored line picked from its largest contributions (the export's way) give the text the
// list of every reason sorted by contribution, then text, gives: ties of contributions and of texts included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { loadSelectivityConfig } from '../../src/measure/selectivity/config.ts';
import { topReasonsByRankSql, topReasonsFrom, topReasonsSql } from '../../src/measure/selectivity/reasons.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('top reasons by rank', () => {
  const cfg = loadSelectivityConfig();
  const F = cfg.factors.length;
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    // Contributions drawn per line and factor by a hash, a quarter of them from a few values (ties, the 0.01 floor,
    // zero), and texts from a few words (ties of texts too).
    const c = `[0.0, 0.009, 0.01, 0.2, 0.7]`;
    const t = `['b', 'a', 'HS heading 0101', 'Origin CN', 'a']`;
    const cols = cfg.factors.flatMap((_, j) => [
      `CASE WHEN hash(i, ${j + 200}) % 4 = 0 THEN ${c}[1 + CAST(hash(i, ${j}) % 5 AS INTEGER)]
        ELSE (hash(i, ${j}) % 100000) / 100000.0 - 0.3 END AS c_${j}`,
      `${t}[1 + CAST(hash(i, ${j + 100}) % 5 AS INTEGER)] AS t_${j}`,
      `'-' || (i % 3) AS t2_${j}`,
    ]);
    await ws.run(`CREATE TEMP TABLE lines AS SELECT i, 1 + (i % 7) / 3.0 AS uv_ratio, ${cols.join(', ')}
      FROM range(4000) r(i)`);
  });
  afterAll(() => ws.close());

  for (const n of [1, 3, 20]) {
    it(`gives the text of the sorted list, ${n} reason(s)`, async () => {
      const p: Record<string, unknown> = {};
      const rank = topReasonsByRankSql(cfg, 'en', n, p, true);
      const list = topReasonsSql(cfg, 'en', n, p, true);
      // Lines whose first places tie: more reasons at or above the last level found than levels found.
      const L = Math.min(n, F);
      const atOrAbove = Array.from({ length: F }, (_, j) => `(cc_${j} > 0 AND cc_${j} >= m_${L})::INTEGER`);
      const found = Array.from({ length: L }, (_, r) => `(m_${r + 1} > 0)::INTEGER`);
      const tie = `${atOrAbove.join(' + ')} > ${found.join(' + ')}`;
      const r = await ws.one<{ lines: number; differ: number; ties: number }>(
        `SELECT count(*) AS lines, count(*) FILTER (WHERE ${rank} IS DISTINCT FROM ${list}) AS differ,
           count(*) FILTER (WHERE ${tie}) AS ties
         FROM (${topReasonsFrom(cfg, n, 'SELECT * FROM lines')})`,
      );
      expect(r).toMatchObject({ lines: 4000, differ: 0 });
      // Both ways of picking are exercised: lines with tied reasons in the first places, and lines without.
      expect(r!.ties).toBeGreaterThan(0);
      expect(r!.ties).toBeLessThan(4000);
    });
  }
});
