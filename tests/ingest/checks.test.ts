// The checks made after an import's INSERT (repeated keys, value outliers, missing operators) read the new
// lines from the source, not from the table: they must give exactly what the table gives once committed.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { importFile } from '../../src/ingest/importer.ts';
import { missingOperators, valueOutliers, type QualityIssue } from '../../src/ingest/quality.ts';
import type { Mapping } from '../../src/ingest/mapping.ts';
import { tmpDir } from '../helpers/tmp.ts';

const MAPPING: Mapping = {
  fields: { declaration_id: 'decl', line_no: 'item', date: 'fecha', operator_id: 'tin', hs_code: 'hs', value: 'cif' },
};
const HEADER = 'decl,item,fecha,tin,hs,cif';

function csv(dir: string, name: string, rows: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
}

/** What the table-based checks say about one committed import (the reference). */
async function committedWarnings(ws: Workspace, importId: number): Promise<QualityIssue[]> {
  return [...(await valueOutliers(ws, importId, 'cif')), ...(await missingOperators(ws, importId, 'tin'))];
}

const examples = (i: QualityIssue | undefined) => i?.examples.map((e) => [e.row, e.value, e.message]);

describe('checks after the INSERT', () => {
  it('outliers against statistics that include earlier imports, missing operators, rejected rows left out', async () => {
    const dir = tmpDir();
    const ws = await Workspace.open(join(dir, 'ws'), { create: true });
    try {
      const ops = join(dir, 'ops.csv');
      writeFileSync(ops, 'tin,razon\nOP1,Trader 1\n');
      await importFile(ws, 'operators', ops, { mapping: { fields: { operator_id: 'tin', name: 'razon' } } });
      // 40 earlier lines of HS 847130 around 100..139: the code reaches min_lines (30) only with them.
      const a = await importFile(
        ws,
        'declarations',
        csv(
          dir,
          'a.csv',
          Array.from({ length: 40 }, (_, i) => `A${i},1,2024-01-02,OP1,847130,${100 + i}`),
        ),
        { mapping: MAPPING },
      );
      expect(a.summary).toEqual({ read: 40, imported: 40, rejected: 0, duplicates: 0 });
      expect(a.issues).toEqual([]);

      const b = await importFile(
        ws,
        'declarations',
        csv(dir, 'b.csv', [
          'B1,1,2024-02-01,OP1,847130,1000000',
          'B2,1,2024-02-01,OP9,847130,120',
          'B3,1,2024-13-45,OP7,847130,5000000', // rejected: neither an outlier nor a missing operator
          'B4,1,2024-02-02,OP8,8471.30,0.5',
          'B5,1,2024-02-02,OP9,847130,110',
          'B6,1,2024-02-02,OP1,847130,0',
        ]),
        { mapping: MAPPING },
      );
      expect(b.summary).toEqual({ read: 6, imported: 5, rejected: 1, duplicates: 0 });
      const warnings = b.issues.filter((i) => i.severity === 'warning');
      const outliers = warnings.find((i) => i.code === 'value_outlier');
      expect(outliers).toMatchObject({ file: 'b.csv', column: 'cif', count: 2 });
      expect(examples(outliers)).toEqual([
        [
          1,
          '1000000.0',
          'value 1000000.0 (as stored) is far outside the usual range of HS 847130 (quartiles 109.75 .. 129.25)',
        ],
        [4, '0.5', 'value 0.5 (as stored) is far outside the usual range of HS 847130 (quartiles 109.75 .. 129.25)'],
      ]);
      const missing = warnings.find((i) => i.code === 'operator_not_in_operators');
      expect(missing).toMatchObject({ file: 'b.csv', column: 'tin', count: 2 });
      expect(examples(missing)).toEqual([
        [2, 'OP9', 'operator OP9 is not in the operator table'],
        [4, 'OP8', 'operator OP8 is not in the operator table'],
        [5, 'OP9', 'operator OP9 is not in the operator table'],
      ]);
      expect(warnings).toEqual(await committedWarnings(ws, b.importId!));
    } finally {
      ws.close();
    }
  });

  it('a key repeated inside the file and one already imported: rejected and counted as before, warnings from the table', async () => {
    const dir = tmpDir();
    const ws = await Workspace.open(join(dir, 'ws'), { create: true });
    try {
      const a = await importFile(
        ws,
        'declarations',
        csv(
          dir,
          'a.csv',
          Array.from({ length: 35 }, (_, i) => `A${i},1,2024-01-02,OP1,847130,${100 + i}`),
        ),
        { mapping: MAPPING },
      );
      expect(a.summary).toEqual({ read: 35, imported: 35, rejected: 0, duplicates: 0 });
      const c = await importFile(
        ws,
        'declarations',
        csv(dir, 'c.csv', [
          'C1,1,2024-03-01,OP2,847130,900000',
          'C2,1,2024-03-01,OP3,847130,120',
          'C1,1,2024-03-01,OP4,847130,5',
          'A7,1,2024-03-02,OP5,847130,1',
          'C3,1,2024-03-02,OP2,847130,115',
          'C2,1,2024-03-03,OP6,847130,125',
        ]),
        { mapping: MAPPING },
      );
      expect(c.summary).toEqual({ read: 6, imported: 3, rejected: 2, duplicates: 1 });
      const dup = c.issues.find((i) => i.code === 'duplicate_key');
      expect(dup).toMatchObject({ severity: 'error', file: 'c.csv', column: 'declaration_id+line_no', count: 2 });
      expect(examples(dup)).toEqual([
        [3, 'C1|1', 'declaration_id+line_no already on row 1'],
        [6, 'C2|1', 'declaration_id+line_no already on row 2'],
      ]);
      const lines = await ws.all<{ declaration_id: string; source_row: number }>(
        'SELECT declaration_id, source_row FROM declaration_lines WHERE import_id = $id ORDER BY source_row',
        { id: c.importId },
      );
      expect(lines).toEqual([
        { declaration_id: 'C1', source_row: 1 },
        { declaration_id: 'C2', source_row: 2 },
        { declaration_id: 'C3', source_row: 5 },
      ]);
      const warnings = c.issues.filter((i) => i.severity === 'warning');
      expect(warnings.map((w) => [w.code, w.count, w.examples.map((e) => e.row)])).toEqual([
        ['value_outlier', 1, [1]],
        ['operator_not_in_operators', 2, [1, 2, 5]],
      ]);
      expect(warnings).toEqual(await committedWarnings(ws, c.importId!));
    } finally {
      ws.close();
    }
  });
});
