// Server-made sentences (src/**/messages.yaml): every key in English, Spanish, French and Portuguese with the same
// placeholders, and a message renders in the language asked for, English when the language is unknown.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageCatalogue } from '../../src/i18n/messages.ts';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name === 'messages.yaml' ? [join(dir, e.name)] : [],
  );
}

const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  const all = files(SRC);
  it('exist for governance, ingest, segmentation and the effect estimate', () => {
    expect(all.map((f) => relative(SRC, f)).sort()).toEqual([
      'governance/messages.yaml',
      'ingest/messages.yaml',
      'measure/effect/messages.yaml',
      'segmentation/messages.yaml',
    ]);
  });
  for (const f of all) {
    it(`${relative(SRC, f)}: four languages, the same placeholders in each`, () => {
      const t = new MessageCatalogue(pathToFileURL(f)).templates();
      expect(Object.keys(t).length).toBeGreaterThan(0);
      for (const [key, langs] of Object.entries(t))
        for (const lang of ['es', 'fr', 'pt'] as const)
          expect(vars(langs[lang]), `${key} ${lang}`).toEqual(vars(langs.en));
    });
  }
  it('renders in the language asked for; unknown language → English; a missing parameter is a defect', () => {
    const c = new MessageCatalogue(pathToFileURL(join(SRC, 'segmentation', 'messages.yaml')));
    expect(c.message('indicators.silent', { codes: 'A, B' }, 'es').text).toBe(
      'A, B no señalan a ningún operador en la ventana: no pesan nada.',
    );
    expect(c.message('indicators.silent', { codes: 'A' }, 'xx').text).toBe(
      'A flag no operator in the window: they weigh nothing.',
    );
    expect(c.render({ key: 'indicators.silent', params: { codes: 'A' } }, 'fr').text).toBe(
      'A ne signalent aucun opérateur sur la fenêtre : ils ne pèsent rien.',
    );
    expect(() => c.message('indicators.silent', {}, 'en')).toThrow('no value for {codes}');
  });
});
