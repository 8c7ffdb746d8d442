// Every spreadsheet cell an export writes (CSV or XLSX) goes through safeCell: text starting with '=', '+', '-', '@',
// a tab or a carriage return is prefixed with a quote, so a spreadsheet shows it as text instead of running it as a
// formula (OWASP CSV injection). Numbers are written as numbers and left alone. The SQL twin serves exports that
// DuckDB writes itself (COPY), the same rule in both.

const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell's value as a spreadsheet will read it safely. */
export function safeCell<T>(v: T): T | string {
  return typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v;
}

/** Undoes safeCell when a file written by an export is read back (register CSV round trip). */
export function unsafeCell(s: string): string {
  return s.startsWith("'") && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s;
}

/** One RFC 4180 CSV field: neutralised, quoted when it holds a quote, separator, line break or edge space. */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(safeCell(v));
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',');
}

/** safeCell in SQL, for a VARCHAR expression of a COPY … TO CSV. */
export function safeCellSql(x: string): string {
  return `CASE WHEN regexp_matches(${x}, '^[=+\\-@\\t\\r]') THEN '''' || ${x} ELSE ${x} END`;
}

/** A download's file name: ASCII letters, digits, '.', '_' and '-', no leading dot, at most 100 characters. */
export function safeFilename(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-100);
  return s || 'download';
}
