import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { allMigrations } from '../../src/workspace/migrations.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('workspace', () => {
  it('cip init creates one database file with every migration applied once', async () => {
    const dir = join(tmpDir(), 'ws');
    const out = cipJson<{ workspace: string; schema: { count: number } }>(['init', dir]);
    expect(out.workspace).toBe(dir);
    expect(existsSync(join(dir, 'workspace.duckdb'))).toBe(true);
    expect(out.schema.count).toBe(allMigrations().length);
    // Re-opening applies nothing twice.
    const ws = await Workspace.open(dir);
    expect(await ws.scalar('SELECT count(*) FROM schema_migrations')).toBe(allMigrations().length);
    ws.close();
  });

  it('cip init sets the language and reporting currency the exports default to; bad values are refused', () => {
    const dir = join(tmpDir(), 'ws');
    expect(cipJson(['init', dir, '--language', 'fr', '--currency', 'eur'])).toMatchObject({
      language: 'fr',
      currency: 'EUR',
    });
    expect(cipJson(['init', dir])).toMatchObject({ language: 'fr', currency: 'EUR' });
    const bad = cip(['init', dir, '--currency', 'EURO']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("error: --currency: expected an ISO 4217 code such as USD or EUR, got 'EURO'\n");
    expect(cip(['init', dir, '--language', 'de']).stderr).toBe(
      "error: --language: expected one of en, es, fr, pt, got 'de'\n",
    );
    expect(cipJson(['init', dir])).toMatchObject({ language: 'fr', currency: 'EUR' });
  });

  it('refuses to open a missing workspace with a message naming the fix', () => {
    const dir = join(tmpDir(), 'none');
    const r = cip(['info', '--workspace', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`No workspace at ${dir}`);
    expect(r.stderr).toContain('cip init');
  });

  it('takes the workspace from CIP_WORKSPACE when --workspace is absent', () => {
    const dir = join(tmpDir(), 'env-ws');
    cipJson(['init', dir]);
    const s = cipJson<{ tables: { table: string; rows: number }[] }>(['info'], { CIP_WORKSPACE: dir });
    expect(s.tables.find((t) => t.table === 'declaration_lines')?.rows).toBe(0);
  });

  it('rolls back a failed transaction completely', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'tx'), { create: true });
    await expect(
      ws.transaction(async () => {
        await ws.run("INSERT INTO settings VALUES ('a', '1')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ws.getSetting('a')).toBeUndefined();
    ws.close();
  });
});
