// SIGKILL in the middle of a large import: the workspace must be exactly as before and still open.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { CIP, cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { snapshot } from './snapshot.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const LINES = 2_000_000;

async function generateCsv(file: string, n: number): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `COPY (SELECT 'K' || (i // 4) AS declaration_id, (i % 4) + 1 AS line_no,
                  strftime(DATE '2023-01-01' + CAST(i % 700 AS INTEGER), '%Y-%m-%d') AS date,
                  'TIN' || (i % 9973) AS importer_tin, CAST(10000000 + (i * 7919) % 89999999 AS VARCHAR) AS hs_code,
                  round(10 + (i % 100000) / 7.0, 2) AS cif_value
           FROM range(${n}) t(i)) TO '${file}' (HEADER)`,
  );
  c.closeSync();
  db.closeSync();
}

describe('cip import killed with SIGKILL', () => {
  it('leaves the workspace exactly as before the import, and usable', async () => {
    const dir = tmpDir();
    const ws = join(dir, 'ws');
    cipJson(['init', ws]);
    cipJson(['import', 'declarations', join(FIX, 'dua-es-latin1.csv'), '-m', join(FIX, 'dua-es.yaml'), '-w', ws]);
    const big = join(dir, 'big.csv');
    await generateCsv(big, LINES);
    const mapping = join(dir, 'big.yaml');
    writeFileSync(
      mapping,
      'fields: { declaration_id: declaration_id, line_no: line_no, date: date, operator_id: importer_tin, hs_code: hs_code, value: cif_value }\n',
    );
    const before = await snapshot(ws);

    const child = spawn(process.execPath, [CIP, 'import', 'declarations', big, '-m', mapping, '-w', ws], {
      env: { ...process.env, CIP_PROGRESS: 'plain' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let killedAt: string | undefined;
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      // Kill once rows are being written into the table (the insert phase is under way).
      const m = [...stderr.matchAll(/^progress: importing (\d+)%$/gm)].at(-1);
      if (!killedAt && m && Number(m[1]) >= 5) {
        killedAt = m[0];
        child.kill('SIGKILL');
      }
    });
    const { signal } = await exit;
    expect(stderr).toContain('progress: importing 0%');
    expect(killedAt, `the import ended before it could be killed:\n${stderr}`).toBeDefined();
    expect(signal).toBe('SIGKILL');

    // Exactly as before: every table, same rows.
    expect(await snapshot(ws)).toEqual(before);
    // And it still opens and takes imports.
    const info = cipJson<{ tables: { table: string; rows: number }[]; imports: number }>(['info', '-w', ws]);
    expect(info.tables.find((t) => t.table === 'declaration_lines')?.rows).toBe(4);
    expect(info.imports).toBe(1);
    const r = cip(['import', 'declarations', join(FIX, 'broken.csv'), '-w', ws, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ read: 9, imported: 3, rejected: 6, duplicates: 0 });
  });
});
