// Known answers for the shortcuts the import takes for speed: they must give exactly what the slow path gives.
import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../src/ingest/source.ts';
import { blankToNull } from '../../src/ingest/compile.ts';

describe('import shortcuts', () => {
  it("blankToNull(x) equals NULLIF(trim(x), '') for ASCII, non-ASCII and whitespace edge cases", async () => {
    const db = await memoryReader();
    try {
      const values = ['a', ' a', 'a ', '  a  ', '', '   ', '\ta\t', 'a b', 'é', ' é ', 'é ', '\u00a0a\u00a0', 'a\u3000', '\u2007', 'x\u200a', null];
      const rows = await db.all<{ x: string | null; fast: string | null; slow: string | null }>(
        `SELECT x, ${blankToNull('x')} AS fast, NULLIF(trim(x), '') AS slow
         FROM (VALUES ${values.map((v, i) => `(${i}, ${v === null ? 'NULL' : `'${v}'`})`).join(', ')}) t(i, x) ORDER BY i`,
      );
      expect(rows).toHaveLength(values.length);
      for (const r of rows) expect(r.fast, JSON.stringify(r.x)).toBe(r.slow);
      expect(rows.map((r) => r.fast)).toEqual(['a', 'a', 'a', 'a', null, null, '\ta\t', 'a b', 'é', 'é', 'é', 'a', 'a', null, 'x', null]);
    } finally {
      db.close();
    }
  });
});
