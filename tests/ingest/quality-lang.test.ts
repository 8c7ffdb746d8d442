// Data-quality examples in the reader's language: English keeps the sentence stored at import, other languages get
// the sentence of the problem's code with its column and value.
import { describe, expect, it } from 'vitest';
import { localiseIssues, type QualityIssue } from '../../src/ingest/quality.ts';

const issue = (code: string): QualityIssue => ({
  code,
  severity: 'error',
  file: 'lines.csv',
  column: 'channel',
  count: 1,
  examples: [{ file: 'lines.csv', row: 4, column: 'channel', value: 'purple', message: 'channel: expected a channel' }],
});

describe('localiseIssues', () => {
  it('keeps English, renders es/fr/pt from the code, falls back to a generic sentence for an unknown code', () => {
    expect(localiseIssues([issue('unknown_channel')], 'en')[0].examples[0].message).toBe('channel: expected a channel');
    expect(localiseIssues([issue('unknown_channel')], 'es')[0].examples[0].message).toBe(
      'channel: «purple» no es un canal (verde, amarillo, rojo o azul); dele un significado en map: de la correspondencia',
    );
    expect(localiseIssues([issue('something_new')], 'pt')[0].examples[0].message).toBe(
      'channel: «purple» foi rejeitado (something_new)',
    );
    expect(localiseIssues([issue('unknown_channel')], 'fr')[0].examples[0]).toMatchObject({ row: 4, value: 'purple' });
  });
});
