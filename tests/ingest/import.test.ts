import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { importInProcess, KCS_DIR, query, snapshot } from './snapshot.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const KCS = KCS_DIR;
const KCS_MAPPING = join(import.meta.dirname, '..', '..', 'examples', 'mappings', 'kcs.yaml');

type Summary = { read: number; imported: number; rejected: number; duplicates: number };

function newWorkspace(name: string): string {
  const dir = join(tmpDir(), name);
  cipJson(['init', dir]);
  return dir;
}

describe('cip import: the public Korean set with the committed mapping', () => {
  const ws = newWorkspace('kcs');
  const files = { train: 37_385, valid: 8_134, test: 8_481 };

  it('imports all 54,000 lines of the three files, values converted at 1,180 KRW per USD', async () => {
    // The first file through the CLI, the others through the programmatic API (same code path, no process start).
    for (const [name, n] of Object.entries(files)) {
      const file = join(KCS, `df_syn_${name}_eng.csv`);
      const s =
        name === 'train'
          ? cipJson<Summary>(['import', 'declarations', file, '--mapping', KCS_MAPPING, '-w', ws])
          : await importInProcess(ws, 'declarations', file, KCS_MAPPING);
      expect(s).toEqual({ read: n, imported: n, rejected: 0, duplicates: 0 });
    }
    const [agg] = await query<{
      n: number;
      decls: number;
      findings: number;
      inspected: number;
      first: string;
      last: string;
    }>(
      ws,
      `SELECT count(*) AS n, count(DISTINCT declaration_id) AS decls, count(*) FILTER (WHERE finding) AS findings,
              count(*) FILTER (WHERE inspected) AS inspected, min(date) AS first, max(date) AS last FROM declaration_lines`,
    );
    expect(agg).toEqual({
      n: 54_000,
      decls: 54_000,
      // Fraud = 1 in the three files (21.7% / 20.9% / 21.6% of them, DATA.md).
      findings: 11_653,
      inspected: 54_000,
      first: '2020-01-01',
      last: '2021-06-30',
    });
    // First line of the test file: 41256141, 2021-04-01, importer Y3OM027, HS 420231, Item Price 1248.7 KRW.
    const [line] = await query<Record<string, unknown>>(
      ws,
      `SELECT declaration_id, line_no, date, operator_id, declarant_id, supplier_id, hs_code, origin_country, departure_country,
              value, net_mass_kg, tax_type, preference_code, finding, flow, extra['Tax Rate'] AS tax_rate,
              extra['Critical Fraud'] AS critical, source_row
       FROM declaration_lines WHERE declaration_id = '41256141'`,
    );
    expect(line).toMatchObject({
      declaration_id: '41256141',
      line_no: 1,
      date: '2021-04-01',
      operator_id: 'Y3OM027',
      declarant_id: 'LPA7LKZ',
      supplier_id: 'FQKH1PD',
      hs_code: '420231',
      origin_country: 'RO',
      departure_country: 'IT',
      net_mass_kg: 1,
      tax_type: 'A',
      preference_code: 'G',
      finding: false,
      flow: 'import',
      tax_rate: '8.0',
      critical: '0',
      source_row: 1,
    });
    expect(line.value).toBeCloseTo(1248.7 / 1180, 10);
  });

  it('importing a file a second time adds 0 lines and says so', async () => {
    const file = join(KCS, 'df_syn_test_eng.csv');
    const before = await snapshot(ws);
    const s = cipJson<Summary>(['import', 'declarations', file, '--mapping', KCS_MAPPING, '-w', ws]);
    expect(s).toEqual({ read: 8_481, imported: 0, rejected: 0, duplicates: 8_481 });
    expect(Object.keys(s)).toEqual(['read', 'imported', 'rejected', 'duplicates']);
    const text = cip(['import', 'declarations', file, '--mapping', KCS_MAPPING, '-w', ws]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/df_syn_test_eng\.csv was already imported \(import #3, .*\): nothing added\./);
    expect(await snapshot(ws)).toEqual(before);
  });

  it('a different file whose rows are already there counts them as duplicates', async () => {
    // Same rows, different bytes (a copy with Windows line ends): the SHA differs, the keys do not.
    const copy = join(tmpDir(), 'valid-crlf.csv');
    const text = readFileSync(join(KCS, 'df_syn_valid_eng.csv'), 'utf8').replace(/\n/g, '\r\n');
    (await import('node:fs')).writeFileSync(copy, text);
    const s = await importInProcess(ws, 'declarations', copy, KCS_MAPPING);
    expect(s).toEqual({ read: 8_134, imported: 0, rejected: 0, duplicates: 8_134 });
    const [{ n }] = await query<{ n: number }>(ws, 'SELECT count(*) AS n FROM declaration_lines');
    expect(n).toBe(54_000);
  });
});

describe('cip import: broken rows', () => {
  const file = join(FIX, 'broken.csv');

  it('by default imports the good rows and reports each bad row with its row and column', async () => {
    const ws = newWorkspace('broken');
    // No --mapping: the suggestion places every required field of this English header.
    const r = cip(['import', 'declarations', file, '-w', ws]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("row 3, column date: '2024-13-45' — date: expected a date as yyyy-mm-dd");
    expect(r.stdout).toContain("row 4, column cif_value: 'abc' — value: expected a number");
    expect(r.stdout).toContain('row 5, column importer_tin: empty — operator_id is required but empty');
    expect(r.stdout).toContain("row 7, column hs_code: '12' — hs_code: expected 6 to 10 digits");
    expect(r.stdout).toContain("row 8, column cif_value: '-5' — value must not be negative");
    expect(r.stdout).toContain(
      "row 9, column declaration_id+line_no: 'D5|1' — declaration_id+line_no already on row 6",
    );
    const lines = await query<{ declaration_id: string; line_no: number; source_row: number }>(
      ws,
      'SELECT declaration_id, line_no, source_row FROM declaration_lines ORDER BY source_row',
    );
    expect(lines).toEqual([
      { declaration_id: 'D1', line_no: 1, source_row: 1 },
      { declaration_id: 'D1', line_no: 2, source_row: 2 },
      { declaration_id: 'D5', line_no: 1, source_row: 6 },
    ]);
    const rejects = await query<{ row_no: number; column_name: string; value: string | null; reason: string }>(
      ws,
      'SELECT row_no, column_name, value, reason FROM import_rejects ORDER BY row_no',
    );
    expect(rejects.map((x) => [x.row_no, x.column_name, x.value])).toEqual([
      [3, 'date', '2024-13-45'],
      [4, 'cif_value', 'abc'],
      [5, 'importer_tin', null],
      [7, 'hs_code', '12'],
      [8, 'cif_value', '-5'],
      [9, 'declaration_id+line_no', 'D5|1'],
    ]);
    const [imp] = await query(ws, 'SELECT rows_read, rows_imported, rows_rejected, rows_duplicate FROM imports');
    expect(imp).toEqual({ rows_read: 9, rows_imported: 3, rows_rejected: 6, rows_duplicate: 0 });

    // cip quality reports the same, and exports the rejects.
    const q = cipJson<{
      errors: { code: string; column: string; count: number; examples: { row: number }[] }[];
      totals: { rejectedRows: number };
    }>(['quality', '-w', ws, '--rejects', join(ws, 'rejects.csv')]);
    expect(q.totals.rejectedRows).toBe(6);
    expect(q.errors.find((e) => e.code === 'unparseable_date')).toMatchObject({
      column: 'date',
      count: 1,
      examples: [{ row: 3 }],
    });
    const csv = readFileSync(join(ws, 'rejects.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('import_id,file,row,column,value,problem,reason');
    expect(csv[1]).toBe('1,broken.csv,3,date,2024-13-45,unparseable_date,date: expected a date as yyyy-mm-dd');
    expect(csv).toHaveLength(7);
  });

  it('--strict exits non-zero and leaves the workspace unchanged', async () => {
    const ws = newWorkspace('strict');
    await importInProcess(ws, 'declarations', join(FIX, 'dua-es-latin1.csv'), join(FIX, 'dua-es.yaml'));
    const before = await snapshot(ws);
    const r = cip(['import', 'declarations', file, '--strict', '-w', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken.csv: 6 of 9 rows have errors; --strict: nothing imported, workspace unchanged');
    expect(r.stderr).toContain("row 4, column cif_value: 'abc' — value: expected a number");
    expect(await snapshot(ws)).toEqual(before);
    expect(before.declaration_lines.startsWith('4:')).toBe(true);
  });
});

describe('cip import: formats', () => {
  it('a Spanish Latin-1 semicolon CSV with decimal commas, dd/mm/yyyy dates and ROJO/VERDE channels', async () => {
    const ws = newWorkspace('es');
    const s = await importInProcess(ws, 'declarations', join(FIX, 'dua-es-latin1.csv'), join(FIX, 'dua-es.yaml'));
    expect(s).toEqual({ read: 4, imported: 4, rejected: 0, duplicates: 0 });
    const rows = await query(
      ws,
      `SELECT declaration_id, line_no, date, operator_id, hs_code, value, net_mass_kg, channel, inspected, office,
              extra['DESCRIPCIÓN'] AS descr FROM declaration_lines ORDER BY source_row`,
    );
    expect(rows).toEqual([
      {
        declaration_id: '2024-001',
        line_no: 1,
        date: '2024-02-03',
        operator_id: '0614-250786-102-3',
        hs_code: '09011110',
        value: 1234.56,
        net_mass_kg: 1000.5,
        channel: 'red',
        inspected: true,
        office: 'San Cristóbal',
        descr: 'Café verde sin tostar',
      },
      {
        declaration_id: '2024-001',
        line_no: 2,
        date: '2024-02-03',
        operator_id: '0614-250786-102-3',
        hs_code: '09012100',
        value: 12500,
        net_mass_kg: 2500,
        channel: 'green',
        inspected: false,
        office: 'San Cristóbal',
        descr: 'Café tostado; molido',
      },
      {
        declaration_id: '2024-002',
        line_no: 1,
        date: '2023-12-28',
        operator_id: '0511-010190-101-0',
        hs_code: '87032390',
        value: 18750.5,
        net_mass_kg: 1450,
        channel: 'green',
        inspected: false,
        office: 'Acajutla',
        descr: 'Vehículo "usado" año 2019',
      },
      {
        declaration_id: '2024-003',
        line_no: 1,
        date: '2023-12-31',
        operator_id: '0511-010190-101-0',
        hs_code: '84713000',
        value: 0.99,
        net_mass_kg: 0.25,
        channel: 'yellow',
        inspected: true,
        office: 'Acajutla',
        descr: 'Computadora portátil',
      },
    ]);
  });

  it('an XLSX workbook: Excel serial dates, HS codes that lost their leading zero, numbers', async () => {
    const dir = tmpDir();
    const file = join(dir, 'declaraciones.xlsx');
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('DUA');
    sheet.addRow([
      'Declaration No',
      'Item',
      'Registration date',
      'Importer TIN',
      'HS Code',
      'CIF Value',
      'Channel',
      'Remarks',
    ]);
    sheet.addRow(['A-1', 1, 45325, 'NIT-9', 10121, 1500.5, 'VERDE', 'first']);
    sheet.addRow(['A-1', 2, 45326, 'NIT-9', 870323, 22000, 'ROJO', 'with, comma']);
    sheet.addRow(['A-2', 1, new Date(Date.UTC(2024, 1, 5)), 'NIT-7', 847130, 99.99, 'AMARILLO', null]);
    await wb.xlsx.writeFile(file);
    const mapping = join(dir, 'xlsx.yaml');
    (await import('node:fs')).writeFileSync(
      mapping,
      [
        'fields:',
        '  declaration_id: Declaration No',
        '  line_no: Item',
        '  date: { column: Registration date, format: excel }',
        '  operator_id: Importer TIN',
        '  hs_code: { column: HS Code, pad: 6 }',
        '  value: CIF Value',
        '  channel: Channel',
      ].join('\n'),
    );
    const ws = newWorkspace('xlsx');
    const s = await importInProcess(ws, 'declarations', file, mapping);
    expect(s).toEqual({ read: 3, imported: 3, rejected: 0, duplicates: 0 });
    const rows = await query(
      ws,
      "SELECT declaration_id, line_no, date, hs_code, value, channel, extra['Remarks'] AS remarks FROM declaration_lines ORDER BY source_row",
    );
    expect(rows).toEqual([
      {
        declaration_id: 'A-1',
        line_no: 1,
        date: '2024-02-03',
        hs_code: '010121',
        value: 1500.5,
        channel: 'green',
        remarks: 'first',
      },
      {
        declaration_id: 'A-1',
        line_no: 2,
        date: '2024-02-04',
        hs_code: '870323',
        value: 22000,
        channel: 'red',
        remarks: 'with, comma',
      },
      {
        declaration_id: 'A-2',
        line_no: 1,
        date: '2024-02-05',
        hs_code: '847130',
        value: 99.99,
        channel: 'yellow',
        remarks: null,
      },
    ]);
  });

  it('a Parquet file with typed columns, operators and derived line numbers', async () => {
    const dir = tmpDir();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const pq = join(dir, 'lines.parquet');
    await c.run(`COPY (SELECT 'DEC' || (i // 2) AS decl, DATE '2024-01-01' + CAST(i AS INTEGER) AS fecha, 'OP' || (i % 3) AS tin,
                        '8471300000' AS hs, 100.0 * (i + 1) AS cif FROM range(6) t(i) ORDER BY i) TO '${pq}' (FORMAT parquet)`);
    const ops = join(dir, 'operators.parquet');
    await c.run(
      `COPY (SELECT 'OP' || i AS tin, 'Trader ' || i AS razon_social, i = 0 AS oea FROM range(3) t(i)) TO '${ops}' (FORMAT parquet)`,
    );
    c.closeSync();
    db.closeSync();
    const ws = newWorkspace('parquet');
    const so = await importInProcess(ws, 'operators', ops);
    expect(so).toEqual({ read: 3, imported: 3, rejected: 0, duplicates: 0 });
    const map = join(dir, 'pq.yaml');
    (await import('node:fs')).writeFileSync(
      map,
      'fields: { declaration_id: decl, date: fecha, operator_id: tin, hs_code: hs, value: cif }\n',
    );
    const s = await importInProcess(ws, 'declarations', pq, map);
    expect(s).toEqual({ read: 6, imported: 6, rejected: 0, duplicates: 0 });
    const rows = await query(
      ws,
      'SELECT declaration_id, line_no, date, operator_id, value, source_row FROM declaration_lines ORDER BY source_row',
    );
    expect(rows.map((r) => [r.declaration_id, r.line_no, r.date, r.operator_id, r.value, r.source_row])).toEqual([
      ['DEC0', 1, '2024-01-01', 'OP0', 100, 1],
      ['DEC0', 2, '2024-01-02', 'OP1', 200, 2],
      ['DEC1', 1, '2024-01-03', 'OP2', 300, 3],
      ['DEC1', 2, '2024-01-04', 'OP0', 400, 4],
      ['DEC2', 1, '2024-01-05', 'OP1', 500, 5],
      ['DEC2', 2, '2024-01-06', 'OP2', 600, 6],
    ]);
    const opsRows = await query(ws, 'SELECT operator_id, name, aeo_status FROM operators ORDER BY operator_id');
    expect(opsRows).toEqual([
      { operator_id: 'OP0', name: 'Trader 0', aeo_status: true },
      { operator_id: 'OP1', name: 'Trader 1', aeo_status: false },
      { operator_id: 'OP2', name: 'Trader 2', aeo_status: false },
    ]);
    // Every operator of the lines is in the operator table: no warning.
    const q = cipJson<{ totals: { missingOperators: number } }>(['quality', '-w', ws]);
    expect(q.totals.missingOperators).toBe(0);
  });

  it('a Parquet file with typed columns: a missing date, a negative value and an integer line number, as text in the rejects', async () => {
    const dir = tmpDir();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const pq = join(dir, 'typed.parquet');
    await c.run(`COPY (SELECT 'DEC' || i AS decl, CAST(i + 1 AS INTEGER) AS item,
                        CASE WHEN i = 1 THEN NULL ELSE DATE '2024-03-01' + CAST(i AS INTEGER) END AS fecha, 'OP1' AS tin,
                        '8471300000' AS hs, CASE WHEN i = 2 THEN -250.5 ELSE 10.25 * (i + 1) END::DOUBLE AS cif
                      FROM range(4) t(i) ORDER BY i) TO '${pq}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    const ws = newWorkspace('parquet-typed');
    const map = join(dir, 'typed.yaml');
    (await import('node:fs')).writeFileSync(
      map,
      'fields: { declaration_id: decl, line_no: item, date: fecha, operator_id: tin, hs_code: hs, value: cif }\n',
    );
    const s = await importInProcess(ws, 'declarations', pq, map);
    expect(s).toEqual({ read: 4, imported: 2, rejected: 2, duplicates: 0 });
    const rows = await query(
      ws,
      'SELECT declaration_id, line_no, date, value FROM declaration_lines ORDER BY source_row',
    );
    expect(rows.map((r) => [r.declaration_id, r.line_no, r.date, r.value])).toEqual([
      ['DEC0', 1, '2024-03-01', 10.25],
      ['DEC3', 4, '2024-03-04', 41],
    ]);
    const rejects = await query(
      ws,
      'SELECT row_no, column_name, value, reason FROM import_rejects ORDER BY row_no, column_name',
    );
    expect(rejects).toEqual([
      { row_no: 2, column_name: 'fecha', value: null, reason: 'missing_required: date is required but empty' },
      { row_no: 3, column_name: 'cif', value: '-250.5', reason: 'negative_value: value must not be negative' },
    ]);
  });

  it('operators present in lines but absent from the operator table: counted once each, first rows as examples', async () => {
    const dir = tmpDir();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const pq = join(dir, 'lines.parquet');
    await c.run(`COPY (SELECT 'DEC' || i AS decl, DATE '2024-01-01' AS fecha, 'OP' || (i % 3) AS tin, '8471300000' AS hs,
                        100.0 AS cif FROM range(6) t(i) ORDER BY i) TO '${pq}' (FORMAT parquet)`);
    const ops = join(dir, 'operators.parquet');
    await c.run(`COPY (SELECT 'OP0' AS tin) TO '${ops}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    const ws = newWorkspace('missing-ops');
    expect(await importInProcess(ws, 'operators', ops)).toEqual({ read: 1, imported: 1, rejected: 0, duplicates: 0 });
    const map = join(dir, 'pq.yaml');
    (await import('node:fs')).writeFileSync(
      map,
      'fields: { declaration_id: decl, date: fecha, operator_id: tin, hs_code: hs, value: cif }\n',
    );
    expect(await importInProcess(ws, 'declarations', pq, map)).toEqual({
      read: 6,
      imported: 6,
      rejected: 0,
      duplicates: 0,
    });
    const q = cipJson<{
      totals: { missingOperators: number };
      warnings: { code: string; count: number; examples: { row: number; value: string }[] }[];
    }>(['quality', '-w', ws]);
    expect(q.totals.missingOperators).toBe(2);
    const w = q.warnings.find((x) => x.code === 'operator_not_in_operators');
    expect(w?.count).toBe(2);
    expect(w?.examples.map((e) => [e.row, e.value])).toEqual([
      [2, 'OP1'],
      [3, 'OP2'],
      [5, 'OP1'],
      [6, 'OP2'],
    ]);
  });
});

describe('cip import: staging copies of CSV files', () => {
  it('a copy left in <workspace>/.tmp by a killed import is removed by the next import; nothing else there is touched', async () => {
    const fs = await import('node:fs');
    const ws = newWorkspace('staging');
    const tmp = join(ws, '.tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const stale = join(tmp, '0f8fad5b-d9cb-469f-a165-70867728950e.parquet');
    const other = join(tmp, 'notes.parquet');
    fs.writeFileSync(stale, 'left by a killed import');
    fs.writeFileSync(other, 'not a staging copy');
    const csv = join(tmpDir(), 'lines.csv');
    fs.writeFileSync(csv, 'decl;fecha;tin;hs;cif\nD1;01/02/2024;OP1;847130;100\nD2;02/02/2024;OP2;847130;200\n');
    const map = join(tmpDir(), 'm.yaml');
    fs.writeFileSync(
      map,
      "fields: { declaration_id: decl, date: { column: fecha, format: 'dd/mm/yyyy' }, operator_id: tin, hs_code: hs, value: cif }\n",
    );
    expect(await importInProcess(ws, 'declarations', csv, map)).toEqual({
      read: 2,
      imported: 2,
      rejected: 0,
      duplicates: 0,
    });
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.parquet'))).toEqual(['notes.parquet']); // its own copy is gone too
  });
});
