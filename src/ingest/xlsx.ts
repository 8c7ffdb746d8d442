// XLSX → CSV with exceljs's streaming reader (DuckDB's excel extension is not available offline), so DuckDB
// then reads the CSV like any other. Memory stays bounded: rows are written as they are read.
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    // Dates are stored as UTC midnight by exceljs; keep a time only when there is one.
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (o.richText) return o.richText.map((t) => t.text).join('');
    if ('result' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error) return '';
    return '';
  }
  return String(v);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes the chosen sheet (by name, else the first) to a UTF-8 CSV; returns the number of data rows. */
export async function xlsxToCsv(xlsxPath: string, csvPath: string, sheet?: string): Promise<number> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(xlsxPath, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const out = createWriteStream(csvPath, { encoding: 'utf8' });
  let rows = 0;
  let width = 0;
  let found = false;
  for await (const ws of reader) {
    const name = (ws as unknown as { name?: string }).name;
    if (found || (sheet && name !== undefined && name !== sheet)) continue;
    found = true;
    for await (const row of ws) {
      const values = (row.values as unknown[]).slice(1); // exceljs rows are 1-based
      if (rows === 0) width = values.length;
      const cells: string[] = [];
      for (let i = 0; i < width; i++) cells.push(csvField(cellText(values[i])));
      if (cells.every((c) => c === '')) continue;
      if (!out.write(cells.join(',') + '\n')) await once(out, 'drain');
      rows++;
    }
  }
  out.end();
  await once(out, 'finish');
  if (!found) throw new Error(`${xlsxPath}: sheet '${sheet}' not found`);
  return Math.max(0, rows - 1);
}
