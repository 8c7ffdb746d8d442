// The real `cip` binary on the hand-built workspace: JSON outputs, config files, errors, history.
import { describe, expect, it, beforeAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { buildFixture, CONFIG } from './fixture.ts';
import { Workspace } from '../../src/workspace/workspace.ts';

const dir = tmpDir();
const w = ['--workspace', dir];
const env = { CIP_USER: 'analyst1' };

beforeAll(async () => {
  const ws = await buildFixture(dir);
  ws.close();
  writeFileSync(join(dir, 'gri.yaml'), JSON.stringify(CONFIG));
});

describe('cip gri / segment / explain', () => {
  it('segment size works before any GRI', () => {
    const text = cip(['segment', 'size', ...w]).stdout;
    expect(text).toContain('Table 1. Distribution by size — window 2024-01-01 .. 2025-12-31');
    expect(text).toMatch(/Total\s+6\s+100\.0%\s+1,550,999\s+100\.0%/);
  });

  it('gri compute --config FILE --weights frequency, then matrix, explain, config history', () => {
    const run = cipJson<{
      configId: string;
      scoring: { method: string; levels: Record<string, number>; table3: { operators: number; total: number } };
    }>(['gri', 'compute', '--config', join(dir, 'gri.yaml'), '--weights', 'frequency', ...w], env);
    expect(run.configId).toBe('general@v1');
    expect(run.scoring.method).toBe('frequency');
    expect(run.scoring.levels).toEqual({ high: 1, medium: 2, low: 3 });
    expect(run.scoring.table3).toMatchObject({ operators: 3, total: 2 });
    const m = cipJson<{ rows: { size: string; level: string | null; operators: number }[] }>([
      'segment',
      'matrix',
      '--extended',
      ...w,
    ]);
    expect(m.rows.at(-1)).toMatchObject({ size: 'total', operators: 6 });
    const e = cip(['explain', 'O1', ...w]).stdout;
    expect(e).toContain('O1: GRI 1.0000 → HIGH');
    expect(e).toContain('75% of lines through brokers AG0012, flagged high-risk; threshold 50%');
    const bars = cipJson<{ scoring: { levels: Record<string, number> } }>(
      ['gri', 'rescore', '--bars', '0.4,0.5', ...w],
      env,
    );
    expect(bars.scoring.levels).toEqual({ high: 3, medium: 0, low: 3 });
  });

  it('a bad configuration file is refused with the file and the field, nothing saved', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'size:\n  large: 1000\n  medium: 5000\nweights:\n  method: magic\n');
    const r = cip(['gri', 'config', 'set', join(dir, 'bad.yaml'), ...w], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'bad.yaml')}: invalid configuration`);
    expect(r.stderr).toContain('weights.method:');
    expect(r.stderr).toContain('size: size.large must be greater than size.medium');
    const ws = await Workspace.open(dir);
    const versions = await ws.all<{ version: number; created_by: string }>(
      `SELECT version, created_by FROM seg_configs ORDER BY version`,
    );
    ws.close();
    expect(versions).toEqual([
      { version: 1, created_by: 'analyst1' },
      { version: 2, created_by: 'analyst1' },
    ]);
  });

  it('Table 5 and links for a sensitive HS code', () => {
    const t = cipJson<{
      hsCode: string;
      importers: number;
      cells: { size: string; level: string; importers: number; operators: { tin: string }[] }[];
    }>(['segment', 'hs', '8471.30', ...w]);
    expect(t.hsCode).toBe('847130');
    expect(t.importers).toBe(6);
    expect(t.cells.find((c) => c.size === 'large' && c.level === 'high')!.operators.map((o) => o.tin)).toEqual([
      'O1',
      'O2',
    ]); // bars 0.4/0.5 after the rescore
    const l = cipJson<{ brokers: { id: string; operators: number }[] }>(['segment', 'links', '8471', ...w]);
    expect(l.brokers.map((b) => [b.id, b.operators])).toEqual([
      ['AG0099', 3],
      ['AG0012', 2],
    ]); // AG0044 serves one operator only
  });
});
