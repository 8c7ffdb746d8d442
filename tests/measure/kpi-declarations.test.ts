// The declarations kept by the imports (ingest/declarations.ts): the KPIs read from them give what grouping the
// lines gives, window edges included; each import keeps them whole, a declaration completed by a later import too.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { tmpDir } from '../helpers/tmp.ts';
import { buildKpiWorkspace } from './kpi-fixture.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { computeKpis, type KpiOptions } from '../../src/measure/kpi/index.ts';
import { importFile } from '../../src/ingest/importer.ts';
import { declarationsCurrent, declarationsSelect, rebuildDeclarations } from '../../src/ingest/declarations.ts';

const KEPT = 'SELECT * FROM declarations ORDER BY declaration_id';
const FROM_LINES = `SELECT * FROM (${declarationsSelect('true')}) ORDER BY declaration_id`;

describe('KPIs from the kept declarations', () => {
  it('equal the KPIs grouped from the lines, with a declaration across a window edge', async () => {
    const dir = join(tmpDir(), 'kpi-kept');
    await buildKpiWorkspace(dir);
    const ws = await Workspace.open(dir);
    try {
      // D10: lines in March and April (a quarter edge), one AEO-flagged, the April one red.
      await ws.run(`INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, hs_code, transport_mode,
          value, duty, vat, channel, inspected, finding, selection_reason, release_hours, aeo_flag) VALUES
        ('D10', 1, '2024-03-30', 'Import', 'C', '010101', 'Sea', 800, 80, 120, 'green', false, false, NULL, 3, true),
        ('D10', 2, '2024-04-02', 'Import', 'C', '010102', NULL, 400, 40, 60, 'RED', true, true, 'random', 9, NULL)`);
      const windows: KpiOptions[] = [
        { period: 'quarter' },
        { period: 'month', from: '2024-04-01' },
        { period: 'month', to: '2024-03-31' },
        { period: 'year', from: '2024-03-15', to: '2024-06-30' },
      ];
      expect(await declarationsCurrent(ws)).toBe(false);
      const fromLines = [];
      for (const w of windows) fromLines.push(await computeKpis(ws, w));
      await rebuildDeclarations(ws);
      expect(await declarationsCurrent(ws)).toBe(true);
      for (const [i, w] of windows.entries()) expect(await computeKpis(ws, w), JSON.stringify(w)).toEqual(fromLines[i]);
      // The window really cut D10: its April line alone is in the second window, as a red declaration.
      const t3 = fromLines[1].kpis.find((k) => k.code === 'T3_channel_share')!;
      expect(t3.points.find((p) => p.period_start === '2024-04-01' && p.dimension === 'red')?.numerator).toBe(1);
    } finally {
      ws.close();
    }
  });
});

describe('each import keeps the declarations', () => {
  const header = 'declaration_id,line_no,date,operator_id,hs_code,value,duty,channel,inspected,finding\n';

  it('adds the new declarations and makes a completed one again from all its lines', async () => {
    const dir = join(tmpDir(), 'kpi-import');
    const ws = await Workspace.open(dir, { create: true });
    try {
      const a = join(tmpDir(), 'a.csv');
      const b = join(tmpDir(), 'b.csv');
      writeFileSync(
        a,
        header +
          'X1,1,2024-01-05,OP1,010101,100,10,green,false,false\n' +
          'X1,2,2024-01-05,OP1,010102,50,5,green,false,false\n' +
          'X2,1,2024-02-01,OP2,020202,70,,yellow,true,false\n',
      );
      // b completes X1 (a red line, a month later), repeats a line of a (a duplicate) and adds X3.
      writeFileSync(
        b,
        header +
          'X1,3,2024-02-10,OP1,030303,30,3,red,true,true\n' +
          'X1,1,2024-01-05,OP1,010101,100,10,green,false,false\n' +
          'X3,1,2024-03-01,OP3,040404,20,2,,false,false\n',
      );
      await importFile(ws, 'declarations', a);
      expect(await ws.all(KEPT)).toEqual(await ws.all(FROM_LINES));
      const r = await importFile(ws, 'declarations', b);
      expect(r.summary).toMatchObject({ imported: 2, duplicates: 1 });
      expect(await declarationsCurrent(ws)).toBe(true);
      const kept = await ws.all<Record<string, unknown>>(KEPT);
      expect(kept).toEqual(await ws.all(FROM_LINES));
      expect(kept.find((d) => d.declaration_id === 'X1')).toMatchObject({
        lines: 3,
        channel: 'red',
        finding: true,
        value: 180,
      });
      // The same file again adds nothing.
      await importFile(ws, 'declarations', b);
      expect(await ws.all(KEPT)).toEqual(kept);
    } finally {
      ws.close();
    }
  });

  it('a workspace made before the table gets it from its lines when opened', async () => {
    const dir = join(tmpDir(), 'kpi-migrate');
    await buildKpiWorkspace(dir);
    let ws = await Workspace.open(dir);
    await ws.run(`DROP TABLE declarations; DELETE FROM schema_migrations WHERE id = 'ingest-005-declarations'`);
    ws.close();
    ws = await Workspace.open(dir);
    try {
      expect(await declarationsCurrent(ws)).toBe(true);
      expect(await ws.all(KEPT)).toEqual(await ws.all(FROM_LINES));
    } finally {
      ws.close();
    }
  });
});
