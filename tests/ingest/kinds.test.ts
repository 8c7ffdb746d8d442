// The other kinds of file: operators, tax records, cases, with their natural keys.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { importInProcess, query } from './snapshot.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');

describe('cip import of tax records, cases and operators', () => {
  const dir = tmpDir();
  const ws = join(dir, 'ws');
  cipJson(['init', ws]);

  it('tax records from a Spanish CSV with the suggested mapping: dates, S/N, decimal commas', async () => {
    const s = await importInProcess(ws, 'tax', join(FIX, 'tax-es.csv'));
    expect(s).toEqual({ read: 3, imported: 3, rejected: 0, duplicates: 0 });
    const rows = await query(
      ws,
      'SELECT operator_id, period_start, period_end, return_filed, vat_on_imports_declared, imports_declared FROM tax_records ORDER BY source_row',
    );
    expect(rows).toEqual([
      {
        operator_id: '0614-250786-102-3',
        period_start: '2023-01-01',
        period_end: '2023-12-31',
        return_filed: true,
        vat_on_imports_declared: 15230.1,
        imports_declared: 120500,
      },
      {
        operator_id: '0511-010190-101-0',
        period_start: '2023-01-01',
        period_end: '2023-12-31',
        return_filed: false,
        vat_on_imports_declared: 0,
        imports_declared: 0,
      },
      {
        operator_id: '0511-010190-101-0',
        period_start: '2024-01-01',
        period_end: '2024-12-31',
        return_filed: true,
        vat_on_imports_declared: 1000,
        imports_declared: 9000.5,
      },
    ]);
  });

  it('cases: a bad date is rejected with its row and column, the others land', async () => {
    const r = cip(['import', 'cases', join(FIX, 'cases.csv'), '-w', ws]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("row 3, column date: 'not a date' — date: expected a date as yyyy-mm-dd");
    const rows = await query(
      ws,
      'SELECT case_id, operator_id, date, declaration_id, compliance_risk, serious, amount FROM cases ORDER BY case_id',
    );
    expect(rows).toEqual([
      {
        case_id: 'C-1',
        operator_id: 'TIN001',
        date: '2024-03-01',
        declaration_id: 'D1',
        compliance_risk: 'valuation',
        serious: true,
        amount: 1500,
      },
      {
        case_id: 'C-2',
        operator_id: 'TIN004',
        date: '2024-03-09',
        declaration_id: null,
        compliance_risk: 'origin',
        serious: false,
        amount: null,
      },
    ]);
  });

  it('operators: a second file repeating an operator counts it as a duplicate', async () => {
    const a = join(dir, 'ops1.csv');
    const b = join(dir, 'ops2.csv');
    writeFileSync(a, 'NIT,RAZON_SOCIAL,OEA\nTIN001,Importadora Uno,S\nTIN004,Comercial Cuatro,N\n');
    writeFileSync(b, 'NIT,RAZON_SOCIAL,OEA\nTIN004,Comercial Cuatro SA,N\nTIN005,Quinta Ltda,N\n');
    expect(await importInProcess(ws, 'operators', a)).toEqual({ read: 2, imported: 2, rejected: 0, duplicates: 0 });
    expect(await importInProcess(ws, 'operators', b)).toEqual({ read: 2, imported: 1, rejected: 0, duplicates: 1 });
    const rows = await query(ws, 'SELECT operator_id, name, aeo_status FROM operators ORDER BY operator_id');
    expect(rows).toEqual([
      { operator_id: 'TIN001', name: 'Importadora Uno', aeo_status: true },
      { operator_id: 'TIN004', name: 'Comercial Cuatro', aeo_status: false },
      { operator_id: 'TIN005', name: 'Quinta Ltda', aeo_status: false },
    ]);
  });

  it('a malformed CSV line stops the import with its line number and nothing stored', async () => {
    const f = join(dir, 'ragged.csv');
    writeFileSync(f, 'case_id,tin,date\nC-9,TIN001,2024-01-01\nC-10,TIN001,2024-01-02,EXTRA\n');
    const before = await query(ws, 'SELECT count(*) AS n FROM cases');
    await expect(importInProcess(ws, 'cases', f)).rejects.toThrow(
      'ragged.csv: line 3: Expected Number of Columns: 3 Found: 4 — the line reads: C-10,TIN001,2024-01-02,EXTRA',
    );
    expect(await query(ws, 'SELECT count(*) AS n FROM cases')).toEqual(before);
  });
});
