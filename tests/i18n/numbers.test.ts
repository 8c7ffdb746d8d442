// Operator evidence in the reader's language writes numbers with that language's separators and percent sign;
// without a language it keeps the text the SQL formats (evidence.ts), which evidence-text.test.ts compares.
import { describe, expect, it } from 'vitest';
import { fmtText } from '../../src/segmentation/evidence-text.ts';

describe('evidence numbers', () => {
  it('follow the reader when a language is given', () => {
    expect(fmtText(1234567.4, 'num')).toBe('1,234,567');
    expect(fmtText(1234567.4, 'num', 'es')).toBe('1.234.567');
    expect(fmtText(1234567.4, 'num', 'fr')).toBe('1\u202f234\u202f567');
    expect(fmtText(0.184, 'pct')).toBe('18%');
    expect(fmtText(0.184, 'pct', 'fr')).toBe('18\u00a0%');
    expect(fmtText(0.184, 'pct', 'pt')).toBe('18%');
    expect(fmtText(null, 'num', 'es')).toBe('n/d');
    expect(fmtText(null, 'num')).toBe('n/a');
  });
});
