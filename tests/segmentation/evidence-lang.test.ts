// The threshold method appended to an operator's evidence, in the reader's language; the English text is the one the
// bulk SQL formatting has always carried.
import { describe, expect, it } from 'vitest';
import { thresholdMethod } from '../../src/segmentation/evidence-text.ts';

describe('threshold method in four languages', () => {
  it('renders each relative threshold; an absolute one adds nothing', () => {
    expect(thresholdMethod({ type: 'percentile', p: 0.9 }, 'en')).toBe(' (percentile 90 of operators)');
    expect(thresholdMethod({ type: 'meanSd', k: 0.5 }, 'es')).toBe(' (media + 0.5·de de los operadores)');
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
