// Treatment-matrix cells keep one text per language: an edit changes the editor's language and marks the others as
// needing translation; editing a marked language is its translation. History records every version.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { getMatrix, setCell } from '../../src/plan/treatments/matrix.ts';
import { tmpDir } from '../helpers/tmp.ts';

const cell = async (ws: Workspace, lang: 'en' | 'es' | 'fr' | 'pt') =>
  (await getMatrix(ws, 'general', lang)).find((c) => c.size === 'large' && c.risk === 'medium')!;

describe('treatment cells in four languages', () => {
  it('an edit in English leaves Spanish as it was, marked as needing translation, until it is translated', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'w'), { create: true });
    try {
      expect((await cell(ws, 'es')).package).toBe('Relación reforzada');
      expect((await cell(ws, 'es')).needsTranslation).toBe(false);

      await setCell(
        ws,
        'ana',
        'general',
        'large',
        'medium',
        { package: 'Elevated engagement', when: 'Quarterly' },
        'en',
      );
      const en = await cell(ws, 'en');
      expect([en.package, en.when, en.language, en.needsTranslation, en.version]).toEqual([
        'Elevated engagement',
        'Quarterly',
        'en',
        false,
        1,
      ]);
      const es = await cell(ws, 'es');
      expect([es.package, es.when, es.language, es.needsTranslation]).toEqual(['Relación reforzada', null, 'es', true]);
      expect(es.outdated).toEqual(['es', 'fr', 'pt']);

      const r = await setCell(
        ws,
        'luis',
        'general',
        'large',
        'medium',
        { package: 'Relación elevada', when: 'Trimestral' },
        'es',
      );
      expect(r.changed).toBe(true);
      expect([r.cell.package, r.cell.needsTranslation, r.cell.outdated]).toEqual([
        'Relación elevada',
        false,
        ['fr', 'pt'],
      ]);
      expect((await cell(ws, 'en')).package).toBe('Elevated engagement');
      expect((await cell(ws, 'en')).needsTranslation).toBe(false);
      expect((await cell(ws, 'fr')).needsTranslation).toBe(true);

      // a translator confirming the French text as it stands clears its mark, without touching the others
      const fr = await setCell(ws, 'marie', 'general', 'large', 'medium', {}, 'fr');
      expect([fr.changed, fr.cell.package, fr.cell.outdated]).toEqual([true, 'Relation renforcée', ['pt']]);
      // the same save again changes nothing
      expect((await setCell(ws, 'marie', 'general', 'large', 'medium', {}, 'fr')).changed).toBe(false);

      const h = await ws.all<{ actor: string; action: string }>(
        `SELECT actor, action FROM history WHERE entity_type = 'treatment_cell' ORDER BY seq`,
      );
      expect(h).toEqual([
        { actor: 'ana', action: 'treatments.set' },
        { actor: 'luis', action: 'treatments.set' },
        { actor: 'marie', action: 'treatments.set' },
      ]);
    } finally {
      ws.close();
    }
  });
});
