// Defaults from the data (issue #14, item 3): the weighting chosen on a held-out period, explained; indicators
// that flag no operator or lack their data weigh nothing and are named; refused changes save no configuration
// version; an unknown risk is refused with the risks the workspace knows.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { bestCandidate, patternAuc } from '../../src/segmentation/weight-choice.ts';
import { computeSegmentation, parseConfig } from '../../src/segmentation/index.ts';
import { buildFixture, CONFIG } from './fixture.ts';

describe('weight choice: pure parts', () => {
  it('AUC over flag patterns counts ties half', () => {
    // score 0: 4 operators, 1 positive; score 1: 2 operators, 1 positive → (1·1.5 + 1·3.5) / (2·4)
    const p = [
      { flags: 0, operators: 4, noncompliant: 0, outcome: 1 },
      { flags: 1, operators: 2, noncompliant: 0, outcome: 1 },
    ];
    expect(patternAuc(p, [1])).toBe(0.625);
    expect(patternAuc(p, [0])).toBe(0.5);
    expect(patternAuc([{ flags: 1, operators: 3, outcome: 0 }], [1])).toBeNull();
  });

  it('the best AUC wins; equal to three decimals, the simpler weighting', () => {
    expect(
      bestCandidate([
        { method: 'equal', auc: 0.7001 },
        { method: 'frequency', auc: 0.7004 },
        { method: 'learned', auc: 0.71 },
      ]),
    ).toBe('learned');
    expect(
      bestCandidate([
        { method: 'equal', auc: 0.7001 },
        { method: 'frequency', auc: 0.7004 },
        { method: 'learned', auc: null },
      ]),
    ).toBe('equal');
    expect(bestCandidate([{ method: 'learned', auc: null }])).toBeNull();
  });
});

describe('weights on the hand-built fixture', () => {
  it('an indicator that flags nobody and indicators without data weigh nothing, and the run says so', async () => {
    const ws = await buildFixture(tmpDir());
    try {
      const run = await computeSegmentation(ws, {
        config: parseConfig({
          ...CONFIG,
          indicators: [
            { code: 'TRX_BROKER' },
            { code: 'CUS_REPEAT', threshold: { type: 'absolute', value: 99 } },
            { code: 'TAX_NO_RETURN' },
            { code: 'XC_VAT' },
          ],
        }),
      });
      expect(run.scoring.weights.map((w) => w.weight)).toEqual([1, 0, 0, 0]);
      expect(run.notes.map((n) => n.text)).toEqual([
        'Weights: equal, as configured (weights.method: auto lets the data choose).',
        'CUS_REPEAT flag no operator in the window: they weigh nothing.',
        'TAX_NO_RETURN, XC_VAT lack their data (tax_records.return_filed, tax_records.vat_on_imports_declared): they weigh nothing.',
      ]);
    } finally {
      ws.close();
    }
  });

  it('auto without findings in the held-out period: equal weights, saying why', async () => {
    const ws = await buildFixture(tmpDir());
    try {
      await ws.run('UPDATE declaration_lines SET finding = false');
      const run = await computeSegmentation(ws, { config: parseConfig({ ...CONFIG, weights: { method: 'auto' } }) });
      expect(run.scoring.method).toBe('equal');
      expect(run.weightChoice).toMatchObject({ basis: 'no_outcomes', heldOut: { trainEnd: '2024-12-31' } });
      expect(run.notes[0].text).toBe(
        'Weights: equal. No operator of the window ending 2024-12-31 has a finding (or case) in the held-out period up to 2025-12-31, so the data cannot choose a weighting; map finding (or import cases) to let them.',
      );
    } finally {
      ws.close();
    }
  });

  it('auto without history before the training end: equal weights, saying why', async () => {
    const ws = await buildFixture(tmpDir());
    try {
      const run = await computeSegmentation(ws, {
        config: parseConfig({ ...CONFIG, weights: { method: 'auto' }, window: { end: '2023-12-31' } }),
      });
      expect(run.scoring.method).toBe('equal');
      expect(run.weightChoice?.basis).toBe('no_history');
      expect(run.notes[0].key).toBe('weights.no_history');
    } finally {
      ws.close();
    }
  });
});

describe('refused changes leave no configuration version', () => {
  it('gri compute --weights expert without expert weights, gri rescore likewise, gri compute --risk nosuch', async () => {
    const dir = tmpDir();
    const wsDir = join(dir, 'ws');
    (await buildFixture(wsDir)).close();
    const r = cip(['gri', 'compute', '--weights', 'expert', '-w', wsDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expert weights: give a positive weight to at least one available indicator');
    expect(cipJson<unknown[]>(['gri', 'config', 'history', '-w', wsDir])).toEqual([]);

    expect(cip(['gri', 'compute', '-w', wsDir]).code).toBe(0);
    expect(cipJson<{ configId: string }[]>(['gri', 'config', 'history', '-w', wsDir]).map((v) => v.configId)).toEqual([
      'general@v1',
    ]);
    const rs = cip(['gri', 'rescore', '--weights', 'expert', '-w', wsDir]);
    expect(rs.code).toBe(1);
    expect(cipJson<unknown[]>(['gri', 'config', 'history', '-w', wsDir])).toHaveLength(1);

    const u = cip(['gri', 'compute', '--risk', 'nosuch', '-w', wsDir]);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain("unknown risk 'nosuch': known risks are general");
    expect(cipJson<unknown[]>(['gri', 'config', 'history', '--risk', 'nosuch', '-w', wsDir])).toEqual([]);
  });
});
