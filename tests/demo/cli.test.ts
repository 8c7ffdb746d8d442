// `cip demo` as a user runs it: JSON summary, option errors, refusal to overwrite imported data.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { demoOptionsFromCli, parseCount } from '../../src/cli/commands/demo.ts';

const base = tmpDir('cip-demo-cli-');

describe('cip demo', () => {
  it('generates a workspace and reports its tables and true effect as JSON', () => {
    const dir = join(base, 'ws');
    const r = cipJson<{
      workspace: string;
      rows: number;
      seed: number;
      effect: number;
      tables: Record<string, number>;
      treatment: string;
      treatmentStart: string;
      truth: { trueEffect: number; treatedOperators: number };
    }>(['demo', '--rows', '3k', '--seed', '11', '--effect', '-0.4', '--workspace', dir]);
    expect(r.workspace).toBe(dir);
    expect(r.rows).toBe(3000);
    expect(r.seed).toBe(11);
    expect(r.effect).toBe(-0.4);
    expect(r.tables.declaration_lines).toBe(3000);
    expect(Object.keys(r.tables).sort()).toEqual([
      'audits',
      'cases',
      'declaration_lines',
      'operators',
      'tax_records',
      'treatments_applied',
    ]);
    expect(r.treatment).toBe('enhanced-engagement');
    expect(r.treatmentStart).toBe('2025-01-01');
    expect(r.truth.trueEffect).toBeLessThan(0);
    expect(r.truth.treatedOperators).toBe(r.tables.treatments_applied);
  }, 60_000);

  it('names the option and what was expected when an option is wrong', () => {
    const dir = join(base, 'bad');
    const e = cip(['demo', '--effect', '1.5', '-w', dir]);
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(
      'error: --effect: expected a number from -1 to 1 (e.g. -0.5 halves non-compliance), got 1.5\n',
    );
    const ok = { rows: '300k', seed: '42', effect: '-0.5' };
    expect(demoOptionsFromCli(ok)).toEqual({ rows: 300_000, seed: 42, effect: -0.5 });
    expect(() => demoOptionsFromCli({ ...ok, rows: 'lots' })).toThrow(
      "--rows: expected a whole number such as 300000, 300k or 10M, got 'lots'",
    );
    expect(() => demoOptionsFromCli({ ...ok, rows: '500' })).toThrow('--rows: expected at least 1000 lines, got 500');
    expect(() => demoOptionsFromCli({ ...ok, seed: '-3' })).toThrow(
      "--seed: expected a whole number such as 300000, 300k or 10M, got '-3'",
    );
    expect(() => demoOptionsFromCli({ ...ok, seed: '3000000000' })).toThrow(
      '--seed: expected a whole number from 0 to 2147483647, got 3000000000',
    );
    expect(() => demoOptionsFromCli({ ...ok, effect: 'big' })).toThrow("--effect: expected a number, got 'big'");
  });

  it('refuses to replace imported data unless --force', async () => {
    const dir = join(base, 'imported');
    const ws = await Workspace.open(dir, { create: true });
    await ws.run(`INSERT INTO imports (kind, file_name, file_sha256, started_at, finished_at, rows_read, rows_imported, rows_rejected, rows_duplicate)
      VALUES ('declarations', 'lines.csv', 'abc', now(), now(), 1, 1, 0, 0)`);
    await ws.run(`INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, value, import_id)
      VALUES ('D1', 1, DATE '2024-05-01', '900', '85171300', 100.0, 1)`);
    ws.close();
    const r = cip(['demo', '--rows', '2000', '-w', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`workspace ${dir} holds imported data (1 import(s)); 'cip demo' would replace it.`);
    const check = await Workspace.open(dir);
    expect(await check.scalar('SELECT count(*) FROM declaration_lines')).toBe(1);
    check.close();
    expect(cip(['demo', '--rows', '2000', '--force', '-w', dir]).code).toBe(0);
    const after = await Workspace.open(dir);
    expect(await after.scalar('SELECT count(*) FROM declaration_lines')).toBe(2000);
    expect(await after.scalar('SELECT count(*) FROM imports')).toBe(0);
    after.close();
  }, 60_000);

  it('parses counts with k and M suffixes', () => {
    expect(parseCount('--rows', '300000')).toBe(300_000);
    expect(parseCount('--rows', '300k')).toBe(300_000);
    expect(parseCount('--rows', '10M')).toBe(10_000_000);
    expect(parseCount('--rows', '1.5m')).toBe(1_500_000);
    expect(parseCount('--rows', '1_000')).toBe(1000);
    expect(() => parseCount('--rows', '1.5')).toThrow("--rows: expected a whole number, got '1.5'");
  });
});
