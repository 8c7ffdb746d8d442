// The public benchmark pinned: the Korean synthetic split imported through the real importer
// (examples/mappings/kcs.yaml), trained on 2020 only, tested on Q2 2021. Published LightGBM: 0.762 precision at the
// top 5% and 0.641 at the top 10% of test lines (DATA.md); a gradient-boosted model with an out-of-fold target encoding
// of HS6 × origin × departure × tax type 0.988 / 0.925, AUC 0.901 (issue #14): the floors asserted here. This model
// reaches 0.991 / 0.974, AUC 0.957, pinned to ±0.0005. The test labels reach nothing but the metrics.
// Without ../shared the test is skipped on a developer's machine and fails in CI (CI is set), where the data is.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { importFile } from '../../src/ingest/index.ts';
import { loadSelectivityConfig } from '../../src/measure/selectivity/config.ts';
import { runBacktest } from '../../src/measure/backtest/backtest.ts';
import { tmpDir } from '../helpers/tmp.ts';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'kcs-synthetic');
const MAPPING = join(import.meta.dirname, '..', '..', 'examples', 'mappings', 'kcs.yaml');

if (!existsSync(DATA) && process.env.CI)
  it('finds the Korean benchmark data in CI', () => {
    throw new Error(`${DATA} is missing: CI must have ../shared/data/kcs-synthetic`);
  });

describe.skipIf(!existsSync(DATA))('Korean customs benchmark (kcs-synthetic)', () => {
  it('reaches precision ≥ 0.988 at the top 5%, ≥ 0.925 at the top 10%, AUC ≥ 0.90, every score explained', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    try {
      for (const f of ['train', 'valid', 'test']) {
        await importFile(ws, 'declarations', join(DATA, `df_syn_${f}_eng.csv`), { mappingFile: MAPPING });
      }
      expect(await ws.scalar('SELECT count(*) FROM declaration_lines')).toBe(54000);
      const cfg = loadSelectivityConfig();
      const r = await runBacktest(ws, cfg, {
        trainUntil: '2020-12-31',
        testFrom: '2021-04-01',
        testUntil: '2021-06-30',
      });
      expect(r.periods.test.labelled).toBe(8481);
      expect(r.history.lines).toBe(37385);
      const at = (s: number) => r.lines.top.find((t) => t.share === s)!.precision;
      expect(at(0.05)).toBeGreaterThanOrEqual(0.988);
      expect(at(0.1)).toBeGreaterThanOrEqual(0.925);
      expect(r.lines.auc).toBeGreaterThanOrEqual(0.9);
      expect(at(0.05)).toBeCloseTo(0.9906, 3);
      expect(at(0.1)).toBeCloseTo(0.9741, 3);
      expect(r.lines.auc).toBeCloseTo(0.9567, 3);
      // The Korean data holds no amount reassessed: revenue found is not reported, rather than reported as 0.
      expect(r.lines.amount).toBeNull();
      expect(r.lines.top[2].amountShare).toBeNull();
      const sum = cfg.factors.map((_, j) => `c_${j}`).join(' + ');
      const maxdiff = await ws.scalar<number>(`SELECT max(abs(score - ($b + ${sum}))) FROM sel_scores`, {
        b: r.model.intercept,
      });
      expect(maxdiff).toBeLessThan(1e-9);
    } finally {
      ws.close();
    }
  }, 180_000);
});
