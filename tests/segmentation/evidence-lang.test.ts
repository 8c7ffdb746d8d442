// The threshold method and a missing value in an operator's evidence, in the reader's language; the English text is
// the one the bulk SQL formatting has always carried.
import { describe, expect, it } from 'vitest';
import { evidenceText, fmtText, thresholdMethod } from '../../src/segmentation/evidence-text.ts';
import type { ActiveIndicator } from '../../src/segmentation/indicators.ts';

describe('threshold method in four languages', () => {
  it('renders each relative threshold; an absolute one adds nothing', () => {
    expect(thresholdMethod({ type: 'percentile', p: 0.9 }, 'en')).toBe(' (percentile 90 of operators)');
    expect(thresholdMethod({ type: 'meanSd', k: 0.5 }, 'es')).toBe(' (media + 0,5·de de los operadores)');
    expect(thresholdMethod({ type: 'zscore', z: 2, within: 'sector' }, 'fr')).toBe(
      ' (score z 2 au sein du secteur CITI)',
    );
    expect(thresholdMethod({ type: 'zscore', z: 2, within: 'chapter' }, 'pt')).toBe(
      ' (escore z 2 dentro do capítulo SH)',
    );
    expect(thresholdMethod({ type: 'absolute', value: 0.5 }, 'pt')).toBe('');
    expect(thresholdMethod(null, 'es')).toBe('');
  });
});

describe('a missing value in an operator’s evidence', () => {
  const custom: ActiveIndicator = {
    code: 'X_RATIO',
    family: 'custom',
    name: 'Value ratio',
    names: {},
    requires: [],
    available: true,
    missing: [],
    direction: 'above',
    format: 'pct',
    threshold: null,
    expr: 'ratio > 0.5',
  };

  it('is the reader’s word for it; the English (and the bulk SQL’s) stays n/a', () => {
    expect(evidenceText(custom, 0, { c0: null }, 'es')).toBe('Value ratio: valor n/d; regla ratio > 0.5');
    expect(evidenceText(custom, 0, { c0: null }, 'fr')).toBe('Value ratio : valeur n.d. ; règle ratio > 0.5');
    expect(evidenceText(custom, 0, { c0: null }, 'pt')).toBe('Value ratio: valor n/d; regra ratio > 0.5');
    expect(evidenceText(custom, 0, { c0: null }, 'en')).toBe('Value ratio: value n/a; rule ratio > 0.5');
    expect(evidenceText(custom, 0, { c0: null })).toBe('Value ratio: value n/a; rule ratio > 0.5');
    expect(fmtText(Number.NaN, 'int', 'fr')).toBe('n.d.');
    expect(fmtText(0.25, 'pct', 'fr')).toBe('25\u00a0%');
  });
});
