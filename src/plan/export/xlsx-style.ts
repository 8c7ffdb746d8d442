// What every exported workbook shares: Excel number formats per cell type, the header style, and column widths
// fitted to what the cells show (not to the raw values).
import type ExcelJS from 'exceljs';

export type XlsxType = 'text' | 'int' | 'money' | 'pct' | 'ratio' | 'num' | 'hours' | 'date' | 'datetime' | 'level';

export const XLSX_FORMATS: Partial<Record<XlsxType, string>> = {
  int: '#,##0',
  money: '#,##0',
  // values already in percent units (18.4 → 18.4%)
  pct: '0.0"%"',
  // fractions (0.184 → 18.4%)
  ratio: '0.0%',
  num: '0.0000',
  hours: '#,##0.0',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
};

const grouped = (n: number) => Math.round(Math.abs(n)).toString().length * 1.34 + (n < 0 ? 1 : 0);

/** How many characters a cell shows under its format. */
export function shownLength(v: unknown, type: XlsxType): number {
  if (v === null || v === undefined) return 0;
  if (v instanceof Date) return type === 'datetime' ? 16 : 10;
  if (typeof v === 'number') {
    if (type === 'pct') return v.toFixed(1).length + 1;
    if (type === 'ratio') return (v * 100).toFixed(1).length + 1;
    if (type === 'num') return v.toFixed(4).length;
    if (type === 'hours') return grouped(v) + 2;
    return grouped(v);
  }
  return Math.max(
    ...String(v)
      .split('\n')
      .map((l) => l.length),
  );
}

export const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
export const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' } };

/**
 * Column widths from the header's longest word and the longest shown value (plus room for the filter button),
 * between `min` and `max` characters; wider text wraps.
 */
export function fitWidth(header: string, shown: number[], min = 10, max = 60): number {
  const word = Math.max(0, ...header.split(/\s+/).map((w) => w.length));
  return Math.min(max, Math.max(min, word + 3, Math.max(0, ...shown) + 2));
}
