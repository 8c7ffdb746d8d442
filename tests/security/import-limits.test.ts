// Findings of the security review (issue #13) about imported data, reproduced through the real CLI: each file is
// refused or its rows rejected with file, row, column and rule, exit code 1, and the workspace unchanged
// (`cip info --json` equal before and after).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { cip } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

let dir: string;
let ws: string;
const info = () => {
  const r = cip(['info', '--json', '-w', ws]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

beforeAll(() => {
  dir = tmpDir('cip-limits-');
  ws = join(dir, 'ws');
  expect(cip(['init', ws]).code).toBe(0);
});

describe('plausibility limits at import', () => {
  it('rejects a date in 9999, Infinity, 1e400, NaN and a NUL inside a code, naming row, column and rule', () => {
    const f = join(dir, 'f.csv');
    writeFileSync(
      f,
      'declaration_id,line_no,date,operator_id,hs_code,value\n' +
        'FD1,1,9999-12-31,8489661971,8703230000,1000.5\n' +
        'FD2,1,2024-05-01,8489661971,8703230000,Infinity\n' +
        'FD3,1,2024-05-01,8489661971,8703230000,1e400\n' +
        'FD4,1,2024-05-01,8489661971,8703230000,NaN\n' +
        'FD5,1,2024-05-01,84896\u000061971,8703230000,10\n' +
        'FD6,1,1989-12-31,8489661971,8703230000,10\n',
    );
    const before = info();
    const r = cip(['import', 'declarations', f, '--strict', '-w', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('6 of 6 rows have errors; --strict: nothing imported, workspace unchanged');
    expect(r.stdout + r.stderr).toContain(
      "row 1, column date: '9999-12-31' — date: expected a date from 1990-01-01 to",
    );
    for (const [row, v] of [
      [2, 'Infinity'],
      [3, '1e400'],
      [4, 'NaN'],
    ])
      expect(r.stdout + r.stderr).toContain(
        `row ${row}, column value: '${v}' — value: expected a finite number of at most 10000000000000 (quality-rules.yaml limits.amount_max)`,
      );
    expect(r.stdout + r.stderr).toContain(
      "row 5, column operator_id: '84896U+000061971' — operator_id: control characters",
    );
    expect(r.stdout + r.stderr).toContain("row 6, column date: '1989-12-31'");
    expect(info()).toEqual(before);
  });

  it('refuses a 1,010-column CSV before reading it, with exit code 1', () => {
    const f = join(dir, 'wide.csv');
    const head = ['declaration_id', 'line_no', 'date', 'operator_id', 'hs_code', 'value'];
    for (let i = 0; i < 1004; i++) head.push(`c${i}`);
    writeFileSync(f, head.join(',') + '\n' + ['D1', 1, '2024-01-01', 'OP1', '8703230000', 10].join(',') + '\n');
    const before = info();
    const r = cip(['import', 'declarations', f, '-w', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'error: wide.csv: 1010 columns; at most 500 are accepted (quality-rules.yaml limits.max_columns). Keep only the columns the mapping needs.',
    );
    expect(info()).toEqual(before);
  });

  it('a missing file, a directory and a workbook without cell references: one line each, exit code 1', async () => {
    const before = info();
    const missing = cip(['import', 'declarations', join(dir, 'nope.csv'), '-w', ws]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`error: ${join(dir, 'nope.csv')}: no such file or directory`);
    const directory = cip(['import', 'declarations', dir, '-w', ws]);
    expect(directory.code).toBe(1);
    expect(directory.stderr.trim()).toBe(
      `error: ${dir}: not a regular file (a directory?); give the path of a CSV, Parquet or XLSX file`,
    );
    // A valid minimal workbook as some generators write it: rows and cells without r="A1" references.
    const zip = new JSZip();
    const x = (s: string) => `<?xml version="1.0" encoding="UTF-8"?>${s}`;
    const ns = 'http://schemas.openxmlformats.org';
    zip.file(
      '[Content_Types].xml',
      x(
        `<Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
      ),
    );
    zip.file(
      '_rels/.rels',
      x(
        `<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
    );
    zip.file(
      'xl/workbook.xml',
      x(
        `<workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    );
    zip.file(
      'xl/_rels/workbook.xml.rels',
      x(
        `<Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
    );
    const cell = (v: string) => `<c t="inlineStr"><is><t>${v}</t></is></c>`;
    zip.file(
      'xl/worksheets/sheet1.xml',
      x(
        `<worksheet xmlns="${ns}/spreadsheetml/2006/main"><sheetData><row>${['declaration_id', 'date', 'operator_id', 'hs_code', 'value'].map(cell).join('')}</row><row>${['D1', '2024-05-01', 'OP1', '8703230000', '10'].map(cell).join('')}</row></sheetData></worksheet>`,
      ),
    );
    const xlsx = join(dir, 'minimal.xlsx');
    writeFileSync(xlsx, await zip.generateAsync({ type: 'nodebuffer' }));
    const wb = cip(['import', 'declarations', xlsx, '-w', ws]);
    expect(wb.code).toBe(1);
    expect(wb.stderr.trim()).toBe(
      'error: minimal.xlsx: cannot read the workbook (its sheet XML lacks the cell references this reader needs); open and save it in a spreadsheet program, or export the sheet as CSV',
    );
    expect(info()).toEqual(before);
  });
});
