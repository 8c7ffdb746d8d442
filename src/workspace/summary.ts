// What a workspace holds: row counts of the canonical tables and the period the lines cover.
import type { Workspace } from './workspace.ts';
import { schemaVersion } from './migrations.ts';

export const CANONICAL_TABLES = [
  'declaration_lines',
  'operators',
  'tax_records',
  'cases',
  'audits',
  'treatments_applied',
] as const;

export interface DataSummary {
  schema: { count: number; latest: string | null };
  tables: { table: string; rows: number }[];
  declarations: {
    lines: number;
    operators: number;
    hsCodes: number;
    firstDate: string | null;
    lastDate: string | null;
    totalValue: number;
  };
  imports: number;
}

export async function dataSummary(ws: Workspace): Promise<DataSummary> {
  const tables = [];
  for (const t of CANONICAL_TABLES) {
    tables.push({ table: t, rows: Number(await ws.scalar(`SELECT count(*) FROM ${t}`)) });
  }
  const d = (await ws.one<DataSummary['declarations']>(`
    SELECT count(*) AS lines, count(DISTINCT operator_id) AS operators, count(DISTINCT hs_code) AS "hsCodes",
           min(date) AS "firstDate", max(date) AS "lastDate", coalesce(sum(value), 0) AS "totalValue"
    FROM declaration_lines`))!;
  return {
    schema: await schemaVersion(ws),
    tables,
    declarations: d,
    imports: Number(await ws.scalar('SELECT count(*) FROM imports')),
  };
}
