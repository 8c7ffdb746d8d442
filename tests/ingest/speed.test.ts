// Known answers for the shortcuts the import takes for speed: they must give exactly what the slow path gives.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { importFile } from '../../src/ingest/importer.ts';
import { fileFingerprint, sha256File, sha256InBackground } from '../../src/ingest/hash.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { memoryReader } from '../../src/ingest/source.ts';
import { blankToNull, hsDigits } from '../../src/ingest/compile.ts';

describe('import shortcuts', () => {
  it("blankToNull(x) equals NULLIF(trim(x), '') for ASCII, non-ASCII and whitespace edge cases", async () => {
    const db = await memoryReader();
    try {
      const values = [
        'a',
        ' a',
        'a ',
        '  a  ',
        '',
        '   ',
        '\ta\t',
        'a b',
        'é',
        ' é ',
        'é ',
        '\u00a0a\u00a0',
        'a\u3000',
        '\u2007',
        'x\u200a',
        null,
      ];
      const rows = await db.all<{ x: string | null; fast: string | null; slow: string | null }>(
        `SELECT x, ${blankToNull('x')} AS fast, NULLIF(trim(x), '') AS slow
         FROM (VALUES ${values.map((v, i) => `(${i}, ${v === null ? 'NULL' : `'${v}'`})`).join(', ')}) t(i, x) ORDER BY i`,
      );
      expect(rows).toHaveLength(values.length);
      for (const r of rows) expect(r.fast, JSON.stringify(r.x)).toBe(r.slow);
      expect(rows.map((r) => r.fast)).toEqual([
        'a',
        'a',
        'a',
        'a',
        null,
        null,
        '\ta\t',
        'a b',
        'é',
        'é',
        'é',
        'a',
        'a',
        null,
        'x',
        null,
      ]);
    } finally {
      db.close();
    }
  });

  it("hsDigits(x) equals NULLIF(regexp_replace(x, '[^0-9]', '', 'g'), '') for digits, separators, empty, NULL and non-ASCII digits", async () => {
    const db = await memoryReader();
    try {
      const values = [
        '8471300000',
        '0',
        '000000',
        '',
        ' ',
        '0847.13',
        '84-71-30',
        ' 847130',
        '847130 ',
        'abc',
        '12a',
        'a12',
        '\u0663\u0664\u0665',
        '\uff18\uff14\uff17\uff11',
        '847\u00a0130',
        '\u09e9',
        'é12',
        '1é',
        '+12',
        '-0',
        '1_000',
        '1.5',
        '1e3',
        '0x1F',
        '12\n',
        '18446744073709551615',
        '18446744073709551616',
        '0847130000',
        null,
      ];
      const rows = await db.all<{ x: string | null; fast: string | null; slow: string | null }>(
        `SELECT x, ${hsDigits('x')} AS fast, NULLIF(regexp_replace(x, '[^0-9]', '', 'g'), '') AS slow
         FROM (VALUES ${values.map((v, i) => `(${i}, ${v === null ? 'NULL' : `'${v}'`})`).join(', ')}) t(i, x) ORDER BY i`,
      );
      expect(rows).toHaveLength(values.length);
      for (const r of rows) expect(r.fast, JSON.stringify(r.x)).toBe(r.slow);
      expect(rows.map((r) => r.fast)).toEqual([
        '8471300000',
        '0',
        '000000',
        null,
        null,
        '084713',
        '847130',
        '847130',
        '847130',
        null,
        '12',
        '12',
        null,
        null,
        '847130',
        null,
        '12',
        '1',
        '12',
        '0',
        '1000',
        '15',
        '13',
        '01',
        '12',
        '18446744073709551615',
        '18446744073709551616',
        '0847130000',
        null,
      ]);
    } finally {
      db.close();
    }
  });
});

describe('import idempotency with the SHA-256 computed during the import', () => {
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'ingest', 'broken.csv');

  it('the worker thread gives the same SHA-256 as hashing in the main thread', async () => {
    const expected = createHash('sha256').update(readFileSync(fixture)).digest('hex');
    expect(await sha256InBackground(fixture).result).toBe(expected);
    expect(await sha256File(fixture)).toBe(expected);
  });

  it('a re-import the fingerprint cannot spot (an import recorded without one) is caught before COMMIT', async () => {
    const dir = join(tmpDir(), 'late-sha');
    const ws = await Workspace.open(dir, { create: true });
    try {
      const first = await importFile(ws, 'declarations', fixture);
      expect(first.importId).not.toBeNull();
      expect(first.sha256).toBe(createHash('sha256').update(readFileSync(fixture)).digest('hex'));
      const [row] = await ws.all<{ file_size: number; file_fingerprint: string }>(
        'SELECT file_size, file_fingerprint FROM imports',
      );
      expect(row.file_size).toBe(readFileSync(fixture).length);
      expect(row.file_fingerprint).toBe(fileFingerprint(fixture).fingerprint);

      // As an import made before fingerprints were stored.
      await ws.run('UPDATE imports SET file_size = NULL, file_fingerprint = NULL');
      const count = async () => Number(await ws.scalar('SELECT count(*) FROM declaration_lines'));
      const lines = await count();
      const again = await importFile(ws, 'declarations', fixture);
      expect(again.importId).toBeNull();
      expect(again.alreadyImported?.importId).toBe(first.importId);
      expect(again.summary).toEqual({
        ...first.summary,
        imported: 0,
        duplicates: first.summary.read - first.summary.rejected,
      });
      expect(await count()).toBe(lines);
      expect(Number(await ws.scalar('SELECT count(*) FROM imports'))).toBe(1);
      expect(
        Number(await ws.scalar('SELECT count(*) FROM import_rejects WHERE import_id <> $id', { id: first.importId })),
      ).toBe(0);
    } finally {
      ws.close();
    }
  });
});
