// A source file as a DuckDB relation: CSV (any delimiter, UTF-8 or Latin-1), Parquet or XLSX (via a temp CSV).
// Every source yields `source_row` (1-based data row, header not counted) and its columns; CSV columns are
// all VARCHAR so nothing is lost before the mapping parses them.
import { DomainError } from '../errors/index.ts';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Workspace } from '../workspace/workspace.ts';
import { importLimits } from './limits.ts';

/** What reading a source needs: a query runner and a directory for temporary files. */
export type SourceReader = Pick<Workspace, 'all' | 'dir'>;

/** A throw-away in-memory DuckDB, for reading a file without a workspace (cip mapping suggest). */
export async function memoryReader(): Promise<SourceReader & { close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  return {
    dir: join(tmpdir(), 'cip-suggest'),
    async all<T>(sql: string, params?: unknown): Promise<T[]> {
      const r = await conn.runAndReadAll(sql, params as never);
      return r.getRowObjectsJS() as T[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  } as SourceReader & { close(): void };
}

export type SourceFormat = 'csv' | 'parquet' | 'xlsx';

export interface SourceOptions {
  delimiter?: string;
  encoding?: 'utf-8' | 'latin-1';
  sheet?: string;
}

export interface Source {
  file: string;
  format: SourceFormat;
  encoding?: 'utf-8' | 'latin-1';
  /** A parenthesised SELECT usable in FROM; binds the parameters in `params`. */
  relation: string;
  params: Record<string, string>;
  /** CSV: the bare reader (no row numbers, reads in parallel), for stageAsParquet. */
  scan?: string;
  columns: { name: string; type: string }[];
  cleanup(): void;
}

export class SourceError extends DomainError {}

export function detectFormat(file: string): SourceFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  return 'csv';
}

/** UTF-8 when the first megabytes decode as UTF-8, else Latin-1 (the usual alternative in customs exports). */
export function detectEncoding(file: string): 'utf-8' | 'latin-1' {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(statSync(file).size, 4 * 1024 * 1024));
    const n = readSync(fd, buf, 0, buf.length, 0);
    let bytes = buf.subarray(0, n);
    // Do not fail on a multi-byte character cut at the end of the sample.
    let cut = bytes.length;
    while (cut > 0 && cut > bytes.length - 4 && (bytes[cut - 1] & 0xc0) === 0x80) cut--;
    if (cut > 0 && bytes[cut - 1] >= 0xc0) bytes = bytes.subarray(0, cut - 1);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return 'utf-8';
    } catch {
      return 'latin-1';
    }
  } finally {
    closeSync(fd);
  }
}

/** The delimiter of a CSV: the candidate (, ; tab |) found most often in the header line, outside quotes. */
export function detectDelimiter(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('latin1');
    const header = text.split(/\r?\n/, 1)[0].replace(/"[^"]*"/g, '');
    const counts = [',', ';', '\t', '|'].map((d) => ({ d, n: header.split(d).length - 1 }));
    counts.sort((a, b) => b.n - a.n);
    return counts[0].n > 0 ? counts[0].d : ',';
  } finally {
    closeSync(fd);
  }
}

/** Column names of a CSV header line (quotes honoured, BOM removed, repeated names made unique). */
export function readCsvHeader(file: string, delimiter: string, encoding: 'utf-8' | 'latin-1'): string[] {
  const fd = openSync(file, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(256 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    text = buf
      .subarray(0, n)
      .toString(encoding === 'latin-1' ? 'latin1' : 'utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
  const names: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cur += '"'), i++);
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) (names.push(cur.trim()), (cur = ''));
    else if (ch === '\n' || ch === '\r') break;
    else cur += ch;
  }
  names.push(cur.trim());
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const base = raw === '' ? `column${i + 1}` : raw;
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return k === 0 ? base : `${base}_${k}`;
  });
}

function sqlLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function workspaceTmpDir(ws: Pick<Workspace, 'dir'>): string {
  const dir = join(ws.dir, '.tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function openSource(ws: SourceReader, file: string, opts: SourceOptions = {}): Promise<Source> {
  if (!existsSync(file)) throw new SourceError(`${file}: no such file or directory`);
  const format = detectFormat(file);
  let cleanup = () => undefined as void;
  let csvFile = file;
  let encoding: 'utf-8' | 'latin-1' | undefined;
  if (format === 'xlsx') {
    csvFile = join(workspaceTmpDir(ws), `${randomUUID()}.csv`);
    cleanup = () => rmSync(csvFile, { force: true });
    try {
      // Loaded on demand: exceljs costs ≈ 0.26 s at every start of `cip import`.
      const { xlsxToCsv } = await import('./xlsx.ts');
      await xlsxToCsv(file, csvFile, opts.sheet);
    } catch (err) {
      cleanup();
      // exceljs fails with a TypeError or 'Invalid row number' on valid workbooks whose rows and cells carry no
      // reference (r="A1"), as some generators write them; say what to do rather than show its internals.
      const internal = err instanceof TypeError || /row number|model/i.test((err as Error).message);
      throw new SourceError(
        internal
          ? `${basename(file)}: cannot read the workbook (its sheet XML lacks the cell references this reader needs); ` +
              'open and save it in a spreadsheet program, or export the sheet as CSV'
          : `${basename(file)}: cannot read the workbook: ${(err as Error).message}`,
      );
    }
  }
  let relation: string;
  let scan: string | undefined;
  const params: Record<string, string> = { src_file: csvFile };
  if (format === 'parquet') {
    relation = `(SELECT file_row_number + 1 AS source_row, * EXCLUDE (file_row_number)
                 FROM read_parquet($src_file, file_row_number = true))`;
  } else {
    encoding = format === 'xlsx' ? 'utf-8' : (opts.encoding ?? detectEncoding(file));
    params.src_encoding = encoding;
    // Explicit dialect (no sniffing): header names read here, every column VARCHAR, RFC 4180 quotes, so a
    // malformed row fails with DuckDB's line number instead of confusing the dialect detection.
    const delim = opts.delimiter ?? (format === 'xlsx' ? ',' : detectDelimiter(csvFile));
    params.src_delim = delim;
    const header = readCsvHeader(csvFile, delim, encoding);
    try {
      checkColumnCount(file, header.length);
    } catch (err) {
      cleanup();
      throw err;
    }
    const columns = `{${header.map((h) => `${sqlLiteral(h)}: 'VARCHAR'`).join(', ')}}`;
    const options =
      `auto_detect = false, header = true, delim = $src_delim, quote = '"', escape = '"', ` +
      `encoding = $src_encoding, max_line_size = ${importLimits().maxLineBytes}, columns = ${columns}`;
    scan = `read_csv($src_file, ${options})`;
    relation = `(SELECT row_number() OVER () AS source_row, * FROM ${scan})`;
  }
  let columns: { name: string; type: string }[];
  try {
    columns = (await ws.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${relation}`, params))
      .map((c) => ({ name: c.column_name, type: c.column_type }))
      .filter((c) => c.name !== 'source_row');
  } catch (err) {
    cleanup();
    throw describeReadError(file, err);
  }
  try {
    checkColumnCount(file, columns.length);
  } catch (err) {
    cleanup();
    throw err;
  }
  return { file, format, encoding, relation, scan, params, columns, cleanup };
}

/** A file wider than limits.max_columns is refused before DuckDB reads it (a very wide file exhausts memory). */
function checkColumnCount(file: string, n: number): void {
  const max = importLimits().maxColumns;
  if (n > max) {
    throw new SourceError(
      `${basename(file)}: ${n} columns; at most ${max} are accepted (quality-rules.yaml limits.max_columns). ` +
        'Keep only the columns the mapping needs.',
    );
  }
}

const STAGED_COPY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.parquet$/;

/**
 * A CSV (or converted XLSX) source re-read from a Parquet copy in <workspace>/.tmp, row numbers included.
 * Numbering CSV rows needs `row_number() OVER ()`, which runs the whole INSERT pipeline (parsing, checks and
 * DuckDB's compression of the stored columns) on one thread; the copy is written in parallel, in file order,
 * and its file_row_number numbers rows as the CSV did (1-based, header not counted). The copy lives only for the
 * import: written uncompressed and without dictionaries (≈ 11 CPU s per 10M lines instead of ≈ 19; the file is
 * ≈ 1.4× the CSV). Values stay VARCHAR as read.
 */
export async function stageAsParquet(
  ws: SourceReader & Pick<Workspace, 'run'>,
  src: Source,
  copy: (sql: string, params: Record<string, unknown>) => Promise<unknown> = (sql, params) => ws.run(sql, params),
): Promise<Source> {
  if (src.scan === undefined) return src;
  const dir = workspaceTmpDir(ws);
  // Copies left by an import that was killed: one process opens a workspace and imports one file at a time,
  // so a copy found here belongs to no running import.
  for (const f of readdirSync(dir)) if (STAGED_COPY.test(f)) rmSync(join(dir, f), { force: true });
  const staged = join(dir, `${randomUUID()}.parquet`);
  const cleanup = () => {
    rmSync(staged, { force: true });
    src.cleanup();
  };
  try {
    await copy(
      `COPY (SELECT * FROM ${src.scan}) TO ${sqlLiteral(staged)} (FORMAT parquet, COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT 1)`,
      src.params,
    );
  } catch (err) {
    cleanup();
    throw describeReadError(src.file, err);
  }
  return {
    ...src,
    scan: undefined,
    relation: `(SELECT file_row_number + 1 AS source_row, * EXCLUDE (file_row_number)
                FROM read_parquet($src_file, file_row_number = true))`,
    params: { src_file: staged },
    cleanup,
  };
}

export function firstLine(s: string): string {
  return s.split('\n').slice(0, 3).join(' ').trim();
}

/** A reading error in user terms: file, line, what was expected, the offending line. */
export function describeReadError(file: string, err: unknown): SourceError {
  const msg = err instanceof Error ? err.message : String(err);
  const csv = /CSV Error on Line: (\d+)\s*\n(?:Original Line: (.*)\n)?(.*)/.exec(msg);
  if (csv) {
    const [, line, original, problem] = csv;
    return new SourceError(
      `${basename(file)}: line ${line}: ${problem.trim()}${original !== undefined ? ` — the line reads: ${original.slice(0, 200)}` : ''}`,
    );
  }
  if (/Invalid unicode|not utf-8 encoded/i.test(msg)) {
    return new SourceError(
      `${basename(file)}: not valid UTF-8 past the first megabytes; set source.encoding: latin-1 in the mapping`,
    );
  }
  return new SourceError(`${basename(file)}: ${firstLine(msg)}`);
}

/** The first rows as strings, for `mapping suggest`. */
export async function sampleRows(ws: SourceReader, src: Source, n = 500): Promise<Record<string, string | null>[]> {
  const cols = src.columns.map((c) => `CAST(${quoteIdent(c.name)} AS VARCHAR) AS ${quoteIdent(c.name)}`).join(', ');
  try {
    return await ws.all<Record<string, string | null>>(
      `SELECT ${cols} FROM ${src.relation} LIMIT ${Math.floor(n)}`,
      src.params,
    );
  } catch (err) {
    throw describeReadError(src.file, err);
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
