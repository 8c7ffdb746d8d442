// Every operator of a GRI run with its size, GRI, level, raised flags and main reason (the raised indicator with
// the largest weight), filtered by level, size and unit, paged, or exported whole to CSV or XLSX. One SQL pass over
// the run's table: flags and reasons are worked out once per flag pattern (a few hundred), not per operator.
// Shared by `cip gri operators`, GET /api/gri/operators(.csv|.xlsx) and the web page.
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';
import { operatorTable } from './evidence.ts';
import { requireRun } from './pipeline.ts';
import { bit } from './weights.ts';
import { builtinIndicator } from './catalogue.ts';
import { asLang } from '../i18n/messages.ts';

export const SIZES = ['large', 'medium', 'small'] as const;
export const LEVELS = ['high', 'medium', 'low'] as const;

/** One operator of the list (the API's response rows: OperatorListRowSchema). */
export const OperatorListRowSchema = z.object({
  operator_id: z.string(),
  name: z.string().nullable(),
  office: z.string().nullable(),
  region: z.string().nullable(),
  size_segment: z.string(),
  total_value: z.number(),
  lines: z.number(),
  gri: z.number(),
  risk_level: z.string(),
  /** Codes of the raised indicators, by decreasing weight. */
  flags: z.array(z.string()),
  /** The raised indicator with the largest weight: code and name (null when none is raised). */
  main_reason: z.string().nullable(),
});
export type OperatorListRow = z.infer<typeof OperatorListRowSchema>;

export const OperatorListSchema = z.object({
  risk: z.string(),
  configId: z.string(),
  computedAt: z.string(),
  total: z.number(),
  rows: z.array(OperatorListRowSchema),
});
export type OperatorList = z.infer<typeof OperatorListSchema>;

export interface OperatorListFilter {
  risk: string;
  level?: (typeof LEVELS)[number];
  size?: (typeof SIZES)[number];
  /** An office or a directorate (operators.office or operators.region); `office:X` / `dir:X` unit ids accepted. */
  unit?: string;
  /** Access scope: null = every office; otherwise only operators administered by these offices. */
  offices: string[] | null;
  /** The language of the main reason's indicator name (the reader's); the run's language when not given. */
  lang?: string;
}

const SEP = '\u001f';

/** Per flag pattern: the raised codes by decreasing weight and the main reason, into temp table oplist_patterns. */
async function stagePatterns(
  ws: Workspace,
  risk: string,
  lang?: string,
): Promise<Awaited<ReturnType<typeof requireRun>>> {
  const run = await requireRun(ws, risk);
  const weights = run.scoring.weights.map((w) => w.weight);
  const inds = run.indicators;
  const flags = await ws.all<{ flags: string }>(
    `SELECT DISTINCT flags::VARCHAR AS flags FROM seg_pattern_scores WHERE risk = $risk`,
    { risk },
  );
  const codes: string[] = [];
  const mains: string[] = [];
  for (const f of flags) {
    const n = Number(f.flags);
    const raised = inds
      .map((ind, i) => ({ ind, w: weights[i] ?? 0, i }))
      .filter((x) => bit(n, x.i) === 1)
      .sort((a, b) => b.w - a.w || a.i - b.i);
    codes.push(raised.map((x) => x.ind.code).join(' '));
    const top = raised[0]?.ind;
    const name = top && lang !== undefined ? (builtinIndicator(top.code)?.names[asLang(lang)] ?? top.name) : top?.name;
    mains.push(top ? `${top.code}: ${name}` : '');
  }
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE oplist_patterns AS
     SELECT unnest(string_split($f, ','))::UBIGINT AS flags, unnest(string_split($c, $sep)) AS codes,
            unnest(string_split($m, $sep)) AS main
     WHERE $f <> ''`,
    { f: flags.map((x) => x.flags).join(','), c: codes.join(SEP), m: mains.join(SEP), sep: SEP },
  );
  return run;
}

function where(f: OperatorListFilter): { sql: string; params: Record<string, unknown> } {
  const unit = f.unit?.replace(/^(office|dir):/, '') ?? null;
  return {
    sql: `($size IS NULL OR b.size_segment = $size) AND ($level IS NULL OR p.risk_level = $level)
      AND ($unit IS NULL OR o.office = $unit OR o.region = $unit)
      AND ($all OR list_contains(string_split($offices, '${SEP}'), o.office))`,
    params: {
      size: f.size ?? null,
      level: f.level ?? null,
      unit: f.unit === 'HQ' ? null : unit,
      all: f.offices === null,
      offices: (f.offices ?? []).join(SEP),
    },
  };
}

function selectSql(f: OperatorListFilter, tail: string): { sql: string; params: Record<string, unknown> } {
  const w = where(f);
  return {
    sql: `SELECT b.operator_id, o.name, o.office, o.region, b.size_segment::VARCHAR AS size_segment, b.total_value,
              b.basis_lines::BIGINT AS lines, p.gri, p.risk_level, q.codes, nullif(q.main, '') AS main_reason
       FROM ${operatorTable(f.risk)} b
       JOIN seg_pattern_scores p ON p.risk = $risk AND p.flags = b.flags
       JOIN oplist_patterns q ON q.flags = b.flags
       LEFT JOIN (SELECT operator_id, any_value(name) AS name, any_value(office) AS office, any_value(region) AS region
                  FROM operators GROUP BY operator_id) o USING (operator_id)
       WHERE ${w.sql}
       ${tail}`,
    params: { ...w.params, risk: f.risk },
  };
}

type Raw = Omit<OperatorListRow, 'flags'> & { codes: string };
const toRow = ({ codes, ...r }: Raw): OperatorListRow => ({
  ...r,
  total_value: Number(r.total_value),
  lines: Number(r.lines),
  gri: Number(r.gri),
  flags: codes ? codes.split(' ') : [],
});

/** A page of the list, highest GRI first, with the number of operators the filter keeps. */
export async function operatorList(
  ws: Workspace,
  f: OperatorListFilter,
  page: { offset: number; limit: number } = { offset: 0, limit: 50 },
): Promise<OperatorList> {
  const run = await stagePatterns(ws, f.risk, f.lang);
  const q = selectSql(f, `ORDER BY p.gri DESC, b.operator_id LIMIT $limit OFFSET $offset`);
  const rows = await ws.all<Raw & { total: number }>(
    q.sql.replace('SELECT b.operator_id,', 'SELECT count(*) OVER () AS total, b.operator_id,'),
    { ...q.params, ...page },
  );
  const total = rows.length
    ? Number(rows[0].total)
    : Number(await ws.scalar(`SELECT count(*) FROM (${selectSql(f, '').sql})`, selectSql(f, '').params));
  return {
    risk: f.risk,
    configId: run.configId,
    computedAt: run.computedAt,
    total,
    rows: rows.map(({ total: _t, ...r }) => toRow(r)),
  };
}

/** Column headers of the export (stable codes, as the API's fields). */
export const EXPORT_COLUMNS = [
  'operator_id',
  'name',
  'office',
  'region',
  'size_segment',
  'total_value',
  'lines',
  'gri',
  'risk_level',
  'flags',
  'main_reason',
] as const;

/**
 * Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a
 * leading apostrophe, so a TIN or a name from an import can never execute when the file is opened.
 */
export function neutralise(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

const TEXT_COLUMNS = new Set([
  'operator_id',
  'name',
  'office',
  'region',
  'size_segment',
  'risk_level',
  'flags',
  'main_reason',
]);

/** neutralise() in SQL, for a text expression. */
const neutraliseSql = (x: string) =>
  `CASE WHEN regexp_matches(${x}, '^[=+\\-@\\t\\r]') THEN '''' || ${x} ELSE ${x} END`;

/** The export's SELECT: the list's columns in EXPORT_COLUMNS order, text neutralised, highest GRI first. */
function exportSelect(f: OperatorListFilter): { sql: string; params: Record<string, unknown> } {
  const q = selectSql(f, 'ORDER BY p.gri DESC, b.operator_id');
  const col = (c: string) =>
    c === 'flags' ? `${neutraliseSql('codes')} AS flags` : TEXT_COLUMNS.has(c) ? `${neutraliseSql(c)} AS ${c}` : c;
  return { sql: `SELECT ${EXPORT_COLUMNS.map(col).join(', ')} FROM (${q.sql})`, params: q.params };
}

const ROWS_PER_CHUNK = 20_000;

/**
 * Writes the whole filtered list to `file`: CSV (UTF-8, comma-separated, written by DuckDB) or an XLSX workbook of
 * one sheet (streamed, a chunk of rows at a time). Returns the number of operators written.
 */
export async function writeOperatorList(
  ws: Workspace,
  f: OperatorListFilter,
  format: 'csv' | 'xlsx',
  file: string,
): Promise<number> {
  await stagePatterns(ws, f.risk, f.lang);
  const q = exportSelect(f);
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE oplist_export AS SELECT row_number() OVER () AS k, * FROM (${q.sql})`,
    q.params,
  );
  try {
    const n = Number(await ws.scalar('SELECT count(*) FROM oplist_export'));
    if (format === 'csv') {
      await ws.run(
        `COPY (SELECT * EXCLUDE (k) FROM oplist_export ORDER BY k) TO '${file.replace(/'/g, "''")}' (HEADER, DELIMITER ',')`,
      );
      return n;
    }
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
    wb.creator = 'CIP Workbench';
    const sheet = wb.addWorksheet('operators', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = EXPORT_COLUMNS.map((c) => ({
      key: c,
      width: c === 'main_reason' || c === 'flags' ? 50 : c === 'name' ? 30 : 14,
      style: c === 'gri' ? { numFmt: '0.0000' } : c === 'total_value' ? { numFmt: '#,##0' } : {},
    }));
    const head = sheet.addRow([...EXPORT_COLUMNS]);
    head.font = { bold: true };
    head.commit();
    for (let from = 1; from <= n; from += ROWS_PER_CHUNK) {
      const rows = await ws.all<Record<string, unknown>>(
        `SELECT * EXCLUDE (k) FROM oplist_export WHERE k >= $a AND k < $b ORDER BY k`,
        { a: from, b: from + ROWS_PER_CHUNK },
      );
      for (const r of rows)
        sheet
          .addRow(
            EXPORT_COLUMNS.map((c) =>
              r[c] === null || r[c] === undefined ? null : TEXT_COLUMNS.has(c) ? String(r[c]) : Number(r[c]),
            ),
          )
          .commit();
    }
    sheet.commit();
    await wb.commit();
    return n;
  } finally {
    await ws.run('DROP TABLE IF EXISTS oplist_export');
  }
}
