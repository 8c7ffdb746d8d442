// `cip gri operators` and its module: every operator with size, GRI, level, raised flags and main reason, filtered
// by level, size and unit; exports to CSV and XLSX with formula-like text neutralised. Known answers on the fixture.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { computeSegmentation, parseConfig } from '../../src/segmentation/index.ts';
import { neutralise, operatorList, writeOperatorList } from '../../src/segmentation/operator-list.ts';
import { buildFixture, CONFIG } from './fixture.ts';

async function fixture(dir: string) {
  const ws = await buildFixture(dir);
  await ws.run(`INSERT INTO operators (operator_id, name, region, office) VALUES
    ('O1', '=HYPERLINK("http://x","y")', 'North', 'N1'), ('O2', 'Beta', 'North', 'N2'),
    ('O3', 'Gamma', 'South', 'S1'), ('O4', '@Delta', 'South', 'S1')`);
  await computeSegmentation(ws, {
    config: parseConfig({ ...CONFIG, weights: { method: 'expert', expert: { TRX_BROKER: 1, CUS_REPEAT: 3 } } }),
  });
  return ws;
}

describe('operator list', () => {
  it('lists every operator, highest GRI first, with flags by weight and the main reason', async () => {
    const ws = await fixture(tmpDir());
    try {
      const all = await operatorList(ws, { risk: 'general', offices: null });
      expect(all.total).toBe(6);
      expect(all.rows.map((r) => [r.operator_id, r.gri, r.risk_level, r.flags, r.main_reason])).toEqual([
        ['O1', 1, 'high', ['CUS_REPEAT', 'TRX_BROKER'], 'CUS_REPEAT: Repeat offender (customs)'],
        ['O2', 0.25, 'low', ['TRX_BROKER'], 'TRX_BROKER: High share of lines through high-risk customs brokers'],
        ['O4', 0.25, 'low', ['TRX_BROKER'], 'TRX_BROKER: High share of lines through high-risk customs brokers'],
        ['O3', 0, 'low', [], null],
        ['O5', 0, 'low', [], null],
        ['O6', 0, 'low', [], null],
      ]);
      expect(all.rows[0]).toMatchObject({ name: '=HYPERLINK("http://x","y")', office: 'N1', region: 'North' });
      expect(all.rows[0]).toMatchObject({ size_segment: 'large', total_value: 600000, lines: 4 });
      const f = (x: Partial<Parameters<typeof operatorList>[1]>) =>
        operatorList(ws, { risk: 'general', offices: null, ...x }).then((l) => l.rows.map((r) => r.operator_id));
      expect(await f({ level: 'high' })).toEqual(['O1']);
      expect(await f({ size: 'medium' })).toEqual(['O4', 'O3']);
      expect(await f({ unit: 'South' })).toEqual(['O4', 'O3']);
      expect(await f({ unit: 'office:N2' })).toEqual(['O2']);
      expect(await f({ unit: 'dir:North' })).toEqual(['O1', 'O2']);
      expect(await f({ offices: ['S1'] })).toEqual(['O4', 'O3']);
      const page = await operatorList(ws, { risk: 'general', offices: null }, { offset: 4, limit: 5 });
      expect([page.total, page.rows.map((r) => r.operator_id)]).toEqual([6, ['O5', 'O6']]);
      const none = await operatorList(ws, { risk: 'general', offices: null, level: 'medium' });
      expect([none.total, none.rows]).toEqual([0, []]);
    } finally {
      ws.close();
    }
  });

  it('exports CSV and XLSX with formula-like text neutralised, numbers kept as numbers', async () => {
    expect(['=1+1', '+1', '-x', '@x', '\tx', 'A=1', '12'].map(neutralise)).toEqual([
      "'=1+1",
      "'+1",
      "'-x",
      "'@x",
      "'\tx",
      'A=1',
      '12',
    ]);
    const dir = tmpDir();
    const ws = await fixture(join(dir, 'ws'));
    try {
      expect(await writeOperatorList(ws, { risk: 'general', offices: null }, 'csv', join(dir, 'all.csv'))).toBe(6);
      const lines = readFileSync(join(dir, 'all.csv'), 'utf8').trim().split('\n');
      expect(lines[0]).toBe(
        'operator_id,name,office,region,size_segment,total_value,lines,gri,risk_level,flags,main_reason',
      );
      expect(lines[1]).toBe(
        `O1,"'=HYPERLINK(""http://x"",""y"")",N1,North,large,600000.0,4,1.0,high,CUS_REPEAT TRX_BROKER,CUS_REPEAT: Repeat offender (customs)`,
      );
      expect(lines).toHaveLength(7);
      const x = join(dir, 's1.xlsx');
      expect(await writeOperatorList(ws, { risk: 'general', offices: null, unit: 'S1' }, 'xlsx', x)).toBe(2);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(x);
      const sheet = wb.getWorksheet('operators')!;
      expect(sheet.rowCount).toBe(3);
      expect(sheet.getRow(2).values).toEqual([
        undefined,
        'O4',
        "'@Delta",
        'S1',
        'South',
        'medium',
        100000,
        1,
        0.25,
        'low',
        'TRX_BROKER',
        'TRX_BROKER: High share of lines through high-risk customs brokers',
      ]);
    } finally {
      ws.close();
    }
  });

  it('cip gri operators: table, filters, --json, --csv and --xlsx; bad options name the expected values', async () => {
    const dir = tmpDir();
    const wsDir = join(dir, 'ws');
    (await fixture(wsDir)).close();
    const text = cip(['gri', 'operators', '-w', wsDir, '--limit', '2']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^6 operators \(GRI 'general', general@v0, computed .*\); rows 1–2 shown/);
    expect(text.stdout).toContain('CUS_REPEAT: Repeat offender (customs)');
    const j = cipJson<{ total: number; rows: { operator_id: string }[] }>([
      'gri',
      'operators',
      '-w',
      wsDir,
      '--level',
      'low',
      '--size',
      'large',
    ]);
    expect([j.total, j.rows.map((r) => r.operator_id)]).toEqual([1, ['O2']]);
    const csv = join(dir, 'ops.csv');
    const xlsx = join(dir, 'ops.xlsx');
    const e = cip(['gri', 'operators', '-w', wsDir, '--unit', 'N1', '--csv', csv, '--xlsx', xlsx]);
    expect(e.code).toBe(0);
    expect(e.stderr).toContain(`1 operators written to ${csv}`);
    expect(readFileSync(csv, 'utf8').split('\n')[1]).toMatch(/^O1,/);
    expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
    const bad = cip(['gri', 'operators', '-w', wsDir, '--level', 'severe']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--level severe: expected one of high, medium, low');
  });
});
