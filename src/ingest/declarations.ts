// One row per declaration, kept by each import of declaration lines (in the import's transaction) so that the KPIs
// read declarations without grouping millions of lines on every read. Each row is the declaration's lines as
// they are now: first and last date, the line count, the operator, the channel of highest rank, inspection and
// finding, the amounts summed. The AEO status of the operator is not in it (operators are imported on their
// own): the KPIs join it when they read.
import type { Workspace } from '../workspace/workspace.ts';

export const DECLARATIONS_COLUMNS = `
  declaration_id VARCHAR USING COMPRESSION uncompressed NOT NULL,
  first_date DATE NOT NULL,
  last_date DATE NOT NULL,
  lines INTEGER NOT NULL,
  operator_id VARCHAR USING COMPRESSION uncompressed,
  flow VARCHAR,                        -- lower case
  transport_mode VARCHAR NOT NULL,     -- lower case, 'unknown' when no line has one
  channel VARCHAR,                     -- lower case, the highest-ranked of the lines (red > yellow > blue > green)
  release_hours DOUBLE,                -- the longest of the lines
  inspected BOOLEAN NOT NULL,          -- a line inspected or with a finding
  finding BOOLEAN NOT NULL,
  selection VARCHAR,                   -- random when a line was selected by lot, targeted when selected otherwise
  value DOUBLE, duty DOUBLE, vat DOUBLE, excise DOUBLE,
  collection DOUBLE,                   -- duty + vat + excise
  aeo_flag BOOLEAN                     -- any line flagged AEO (NULL when no line says)
`;

const CHANNEL_RANK = `CASE WHEN l.channel IS NULL THEN -1 WHEN lower(l.channel) = 'red' THEN 4
  WHEN lower(l.channel) = 'yellow' THEN 3 WHEN lower(l.channel) = 'blue' THEN 2 WHEN lower(l.channel) = 'green' THEN 1
  ELSE 0 END`;

/** The declarations of the lines passing `where` (a condition on the lines `l`), in the columns above. */
export function declarationsSelect(where: string): string {
  return `SELECT l.declaration_id, min(l.date) AS first_date, max(l.date) AS last_date, count(*)::INTEGER AS lines,
       any_value(l.operator_id) AS operator_id,
       lower(any_value(l.flow)) AS flow,
       coalesce(lower(any_value(l.transport_mode)), 'unknown') AS transport_mode,
       arg_max(lower(l.channel), ${CHANNEL_RANK}) AS channel,
       max(l.release_hours) AS release_hours,
       bool_or(coalesce(l.inspected, false) OR coalesce(l.finding, false)) AS inspected,
       bool_or(coalesce(l.finding, false)) AS finding,
       CASE WHEN bool_or(l.selection_reason = 'random') THEN 'random'
            WHEN bool_or(l.selection_reason IS NOT NULL) THEN 'targeted' END AS selection,
       sum(l.value) AS value, sum(l.duty) AS duty, sum(l.vat) AS vat, sum(l.excise) AS excise,
       sum(coalesce(l.duty, 0) + coalesce(l.vat, 0) + coalesce(l.excise, 0)) AS collection,
       bool_or(l.aeo_flag) AS aeo_flag
     FROM declaration_lines l
     WHERE ${where}
     GROUP BY l.declaration_id`;
}

/** The migration's SQL: the table, filled once from the lines a workspace already holds. */
export function declarationsTableSql(): string {
  return `CREATE TABLE declarations (${DECLARATIONS_COLUMNS});
INSERT INTO declarations ${declarationsSelect('true')};`;
}

/**
 * The import step: the declarations of import `importId` made again from all their lines (a declaration whose lines
 * came in an earlier import too gets them all). Runs inside the import's transaction, after its repeated rows
 * were taken out.
 */
export async function refreshDeclarations(ws: Workspace, importId: number): Promise<void> {
  const mine = `SELECT declaration_id FROM declaration_lines WHERE import_id = ${Number(importId)}`;
  const replaced = Number(await ws.scalar(`SELECT count(*) FROM declarations WHERE declaration_id IN (${mine})`));
  if (replaced === 0) {
    // The usual case: declarations new to the workspace, made from this import's lines alone.
    await ws.run(`INSERT INTO declarations ${declarationsSelect(`l.import_id = ${Number(importId)}`)}`);
    return;
  }
  await ws.run(`DELETE FROM declarations WHERE declaration_id IN (${mine})`);
  await ws.run(`INSERT INTO declarations ${declarationsSelect(`l.declaration_id IN (${mine})`)}`);
}

/** All declarations made again from the lines (the demo generator, after replacing every line). */
export async function rebuildDeclarations(ws: Workspace): Promise<void> {
  await ws.run('DELETE FROM declarations');
  await ws.run(`INSERT INTO declarations ${declarationsSelect('true')}`);
}

/**
 * Whether the table holds the workspace's lines: false when lines were written other than by an import (a script,
 * a test fixture) and the KPIs must group the lines themselves.
 */
export async function declarationsCurrent(ws: Workspace): Promise<boolean> {
  const r = await ws.one<{ lines: number; kept: number }>(
    `SELECT (SELECT count(*) FROM declaration_lines) AS lines,
       (SELECT coalesce(sum(lines), 0) FROM declarations) AS kept`,
  );
  return Number(r?.lines) === Number(r?.kept);
}
