// The Excel workbook: one sheet per table of the note, named in the reader's language. Row 1 title, row 2 (hidden)
// the stable column codes, row 3 the headers, data from row 4; panes frozen below the headers, filters on them;
// number formats per column type (or per row, for Box 2 values by unit); widths fitted to what the cells show;
// risk and priority levels coloured from the register's bands. The README sheet maps sheet names to codes.
import ExcelJS from 'exceljs';
import type { PlanData } from './gather.ts';
import { buildSheets, type Cell, type Sheet } from './sheets.ts';
import { fitWidth, HEADER_FILL, HEADER_FONT, shownLength, XLSX_FORMATS } from './xlsx-style.ts';
import { safeCell } from '../../exports/cells.ts';

const argb = (hex: string) => 'FF' + hex.replace('#', '').toUpperCase();

export const DATA_START_ROW = 4;

export async function writeWorkbook(p: PlanData, file: string): Promise<{ sheets: { code: string; rows: number }[] }> {
  const sheets = buildSheets(p);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CIP Workbench';
  wb.title = sheets[0].title;
  wb.created = new Date(p.generatedAt);
  const colour = new Map<string, string>();
  for (const b of p.scales.priority_bands.bands) colour.set(b.code, argb(b.colour));
  for (const e of p.scales.effect_scale) if (!colour.has(e.code)) colour.set(e.code, argb(e.colour));
  for (const s of sheets) writeSheet(wb, s, colour);
  await wb.xlsx.writeFile(file);
  return { sheets: sheets.map((s) => ({ code: s.code, rows: s.rows.length })) };
}

function writeSheet(wb: ExcelJS.Workbook, s: Sheet, colour: Map<string, string>): void {
  const ws = wb.addWorksheet(s.tab, { views: [{ state: 'frozen', xSplit: 0, ySplit: DATA_START_ROW - 1 }] });
  ws.getCell(1, 1).value = s.title;
  ws.getCell(1, 1).font = { bold: true, size: 13 };
  const codes = ws.getRow(2);
  const head = ws.getRow(3);
  s.columns.forEach((c, i) => {
    codes.getCell(i + 1).value = c.code;
    const h = head.getCell(i + 1);
    h.value = c.label;
    h.font = HEADER_FONT;
    h.fill = HEADER_FILL;
    h.alignment = { wrapText: true, vertical: 'middle' };
    const col = ws.getColumn(i + 1);
    col.width = fitWidth(
      c.label,
      s.rows.map((r) => shownLength(r[c.code], c.typeOf ? c.typeOf(r) : c.type)),
      10,
      c.width ?? 50,
    );
    if (XLSX_FORMATS[c.type]) col.numFmt = XLSX_FORMATS[c.type]!;
  });
  codes.hidden = true;
  head.height = 32;
  s.rows.forEach((r, k) => {
    const row = ws.getRow(DATA_START_ROW + k);
    s.columns.forEach((c, i) => {
      const v = r[c.code];
      const cell = row.getCell(i + 1);
      // #13 (formula injection): cells are written here; neutralise text cells with the shared function when it lands.
      cell.value = v === undefined ? null : (safeCell(v) as ExcelJS.CellValue);
      const fmt = c.typeOf && XLSX_FORMATS[c.typeOf(r)];
      if (fmt) cell.numFmt = fmt;
      if (typeof v === 'string' && (v.includes('\n') || v.length > (c.width ?? 50)))
        cell.alignment = { wrapText: true, vertical: 'top' };
      if (c.type === 'level' && typeof v === 'string' && colour.has(v)) {
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: colour.get(v)! } };
      }
      if (
        (r.size === 'total' || r.level === null) &&
        (c.code === 'size' || c.type !== 'text') &&
        s.code.startsWith('T4')
      )
        cell.font = { bold: true };
    });
  });
  if (s.rows.length) ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3, column: s.columns.length } };
}

/** Reads a workbook written by writeWorkbook back into rows keyed by sheet code and the stable column codes. */
export async function readWorkbook(file: string): Promise<Record<string, Record<string, Cell>[]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const byTab: Record<string, Record<string, Cell>[]> = {};
  wb.eachSheet((ws) => {
    const codes: string[] = [];
    ws.getRow(2).eachCell({ includeEmpty: false }, (c, i) => (codes[i] = String(c.value)));
    const rows: Record<string, Cell>[] = [];
    for (let r = DATA_START_ROW; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const o: Record<string, Cell> = {};
      codes.forEach((code, i) => {
        if (!code) return;
        const v = row.getCell(i).value;
        o[code] = v === undefined || v === null ? null : (v as Cell);
      });
      rows.push(o);
    }
    byTab[ws.name] = rows;
  });
  // The first sheet (README) lists every other sheet's code beside its name.
  const readmeTab = wb.worksheets[0].name;
  const out: Record<string, Record<string, Cell>[]> = { README: byTab[readmeTab] };
  for (const r of byTab[readmeTab]) if (r.tab && byTab[String(r.tab)]) out[String(r.sheet)] = byTab[String(r.tab)];
  return out;
}
