// Mappings saved by name in the workspace: `cip mapping save` (or the web app) and `cip import --mapping NAME`, as a
// nightly import would run it; a name that is neither a file nor a saved mapping is refused in words.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');

describe('saved mappings', () => {
  it('cip mapping save NAME, then cip import --mapping NAME; history names who saved it', () => {
    const ws = join(tmpDir(), 'ws');
    cipJson(['init', ws]);
    const saved = cipJson(['mapping', 'save', 'dua-es', join(FIX, 'dua-es.yaml'), '-w', ws], { CIP_USER: 'ana' });
    expect(saved).toEqual({
      name: 'dua-es',
      kind: 'declarations',
      fields: [
        'declaration_id',
        'line_no',
        'date',
        'operator_id',
        'declarant_id',
        'hs_code',
        'origin_country',
        'value',
        'net_mass_kg',
        'channel',
        'inspected',
        'office',
      ],
    });
    const r = cipJson(['import', 'declarations', join(FIX, 'dua-es-latin1.csv'), '--mapping', 'dua-es', '-w', ws], {
      CIP_USER: 'nightly',
    });
    expect(r).toEqual({ read: 4, imported: 4, rejected: 0, duplicates: 0 });
    const h = cipJson<{ actor: string; action: string; entity_id: string }[]>(['history', 'list', '-w', ws]);
    expect(h.map((e) => [e.actor, e.action, e.entity_id])).toEqual([
      ['nightly', 'import', '1'],
      ['ana', 'mapping.save', 'dua-es'],
    ]);
    const bad = cip(['import', 'declarations', join(FIX, 'broken.csv'), '--mapping', 'nightly', '-w', ws]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'error: --mapping nightly: no such file, and no mapping saved under that name (saved: dua-es)\n',
    );
  });
});
