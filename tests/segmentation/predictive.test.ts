// On the demo workspace: a GRI computed on the first two years ranks operators so that those rated High have a
// clearly higher finding rate in the third year than those rated Low. The ratio is printed and asserted.
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation, parseConfig } from '../../src/segmentation/index.ts';

describe('GRI predicts later findings (demo workspace)', () => {
  it('High vs Low: finding rate of inspected lines in year 3, GRI from years 1–2', async () => {
    const ws = await Workspace.open(tmpDir(), { create: true });
    try {
      await generateDemo(ws, { rows: 150_000, seed: 42 });
      const last = await ws.scalar<string>(`SELECT max(date)::VARCHAR FROM declaration_lines`);
      const end = await ws.scalar<string>(`SELECT ($d::DATE - INTERVAL 12 MONTH)::DATE::VARCHAR`, { d: last });
      const ratios: Record<string, number> = {};
      for (const method of ['equal', 'frequency'] as const) {
        await computeSegmentation(ws, {
          config: parseConfig({ window: { end }, weights: { method }, levels: { method: 'quantile' } }),
        });
        const rates = await ws.all<{ level: string; hit: number; operators: number }>(
          `SELECT s.risk_level AS level, count(DISTINCT s.operator_id)::INTEGER AS operators,
                  (count(*) FILTER (WHERE l.finding))::DOUBLE / nullif(count(*) FILTER (WHERE l.inspected), 0) AS hit
           FROM operator_segments s JOIN declaration_lines l ON l.operator_id = s.operator_id AND l.date > $end::DATE
           GROUP BY 1`,
          { end },
        );
        const hit = Object.fromEntries(rates.map((r) => [r.level, r.hit]));
        ratios[method] = hit.high / hit.low;
        console.log(
          `${method} weights: year-3 finding rate of inspected lines high ${(100 * hit.high).toFixed(1)}%, medium ${(100 * hit.medium).toFixed(1)}%, low ${(100 * hit.low).toFixed(1)}% → high/low ratio ${ratios[method].toFixed(2)}`,
        );
        expect(hit.high).toBeGreaterThan(hit.medium);
        expect(hit.medium).toBeGreaterThan(hit.low);
      }
      expect(ratios.equal).toBeGreaterThan(2);
      expect(ratios.frequency).toBeGreaterThan(2);
    } finally {
      ws.close();
    }
  });
});
