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

const vars = (s: string) => [...s.matchAll(/\{(\w+(?::pct)?)\}/g)].map((m) => m[1]).sort();

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
  it("writes numbers in the reader's locale: separators, and {x:pct} as a percentage", () => {
    const gov = new MessageCatalogue(pathToFileURL(join(SRC, 'governance', 'messages.yaml')));
    const p = { id: 'I1', name: 'Hit rate', value: 12345.6, period: '2025-Q4', goal: 20 };
    expect(gov.message('agenda.indicator_off_target', p, 'en').text).toBe(
      'Indicator I1 off target: Hit rate 12,345.6% in 2025-Q4 (goal 20%)',
    );
    expect(gov.message('agenda.indicator_off_target', p, 'es').text).toBe(
      'Indicador I1 fuera de meta: Hit rate 12.345,6 % en 2025-Q4 (meta 20 %)',
    );
    expect(gov.message('agenda.indicator_off_target', p, 'fr').text).toBe(
      'Indicateur I1 hors cible : Hit rate 12\u202f345,6 % en 2025-Q4 (objectif 20 %)',
    );
    const effect = new MessageCatalogue(pathToFileURL(join(SRC, 'measure', 'effect', 'messages.yaml')));
    const rates = { treated_rate: 0.184, control_rate: 0.0525 };
    expect(effect.message('selection.similar', rates, 'en').text).toBe(
      "Here the treated's raw finding rate before the start was 18.4% against 5.3% for the eligible untreated.",
    );
    expect(effect.message('selection.similar', rates, 'fr').text).toBe(
      'Ici le taux brut de constatation des traités avant le début était de 18,4\u00a0% contre 5,3\u00a0% pour les non-traités éligibles.',
    );
  });
});
