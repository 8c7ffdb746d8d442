// GRI validity floor (issue #14, item 4; the full study is `npm run bench validity`): on a demo workspace the
// default GRI, fitted on 2023–2024, ranks operators by any finding in 2025 with an AUC of at least 0.95 of the
// oracle's (the latent propensity's), and says which weighting the data chose and why.
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { griValidity } from '../../src/demo/studies/validity.ts';
import { lastRun } from '../../src/segmentation/index.ts';

describe('GRI validity against the oracle (demo workspace)', () => {
  it('the default weighting reaches 0.95 of the oracle AUC, and beats equal weights', async () => {
    const ws = await Workspace.open(tmpDir(), { create: true });
    try {
      await generateDemo(ws, { rows: 100_000, seed: 42 });
      const [auto, equal] = await griValidity(ws, ['equal', 'auto']).then((r) => [r[1], r[0]]);
      console.log(
        `validity: default (${auto.used}) AUC ${auto.auc.toFixed(4)} = ${auto.ratio.toFixed(4)} of the oracle's ${auto.oracleAuc.toFixed(4)}; equal ${equal.ratio.toFixed(4)}`,
      );
      expect(auto.ratio).toBeGreaterThanOrEqual(0.95);
      expect(auto.auc).toBeGreaterThan(equal.auc);
      const run = (await lastRun(ws))!;
      expect(run.weightChoice?.basis).toBe('held_out');
      expect(run.weightChoice?.method).toBe(auto.used);
      expect(run.weightChoice?.heldOut).toMatchObject({ trainEnd: '2023-12-31', end: '2024-12-31' });
      const best = Math.max(...run.weightChoice!.candidates.map((c) => c.auc ?? 0));
      expect(run.weightChoice!.candidates.find((c) => c.method === auto.used)!.auc).toBe(best);
      expect(run.notes[0].key).toBe('weights.held_out_cv');
      expect(run.notes[0].text).toMatch(new RegExp(`^Weights: ${auto.used}, chosen from the data\\.`));
    } finally {
      ws.close();
    }
  });
});
