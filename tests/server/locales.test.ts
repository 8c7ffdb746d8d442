// Every UI text exists in English, Spanish, French and Portuguese, and every key the code uses is defined.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES, PERMISSIONS } from '../../src/server/roles.ts';

const WEB = join(import.meta.dirname, '..', '..', 'web', 'src');
const load = (l: string) =>
  JSON.parse(readFileSync(join(WEB, 'locales', `${l}.json`), 'utf8')) as Record<string, unknown>;
const flat = (o: Record<string, unknown>, p = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object'
        ? Object.entries(flat(v as Record<string, unknown>, `${p}${k}.`))
        : [[`${p}${k}`, String(v)]],
    ),
  );

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('locales', () => {
  const en = flat(load('en'));
  for (const lang of ['es', 'fr', 'pt']) {
    it(`${lang} has exactly the keys of en, none empty`, () => {
      const other = flat(load(lang));
      expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
      for (const [k, v] of Object.entries(other)) expect(v.trim(), `${lang}:${k}`).not.toBe('');
      // Interpolations must survive translation.
      for (const [k, v] of Object.entries(en)) {
        const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect(vars(other[k]), `${lang}:${k}`).toEqual(vars(v));
      }
    });
  }

  it('every literal key used by the web app is defined', () => {
    const missing: string[] = [];
    for (const file of sources(WEB)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g))
        if (!(m[1] in en)) missing.push(`${file.slice(WEB.length + 1)}: ${m[1]}`);
      for (const m of text.matchAll(/label: '([a-z]+\.[a-zA-Z0-9_.]+)'/g))
        if (!(m[1] in en)) missing.push(`${file.slice(WEB.length + 1)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('names every role and permission of roles.json', () => {
    for (const r of ROLES) expect(en[`roles.${r}`], r).toBeDefined();
    for (const p of PERMISSIONS) expect(en[`permissions.${p}`], p).toBeDefined();
  });
});
