// Rows that older versions imported outside today's plausibility limits (a date in 9999, an infinite value, a NUL
// inside a code) broke analyses: the GRI window, KPI periods and exports followed them. The migration built here
// moves such rows out of the canonical tables into `quarantined_rows` (the row as JSON, with the rules it breaks),
// once, when a workspace is opened by this version; new rows are checked at import (limits.ts).
import { KINDS } from './fields.ts';
import { importLimits, limitRules } from './limits.ts';

/** The SQL of the quarantine migration: one INSERT … SELECT and one DELETE per canonical table. */
export function quarantineSql(): string {
  const limits = importLimits();
  const parts = [
    `CREATE TABLE quarantined_rows (
       table_name VARCHAR NOT NULL, import_id INTEGER, source_row BIGINT, reasons VARCHAR NOT NULL,
       row_json VARCHAR NOT NULL, quarantined_at TIMESTAMP NOT NULL);`,
  ];
  for (const def of Object.values(KINDS)) {
    const rules = def.fields.flatMap((f) =>
      limitRules(f, limits).map((r) => ({
        cond: `(${f.name} IS NOT NULL AND ${r.cond(f.name)})`,
        reason: `${r.code}: ${f.name}`,
      })),
    );
    if (!rules.length) continue;
    const bad = rules.map((r) => r.cond).join(' OR ');
    const reasons = `concat_ws('; ', ${rules.map((r) => `CASE WHEN ${r.cond} THEN '${r.reason}' END`).join(', ')})`;
    parts.push(
      `INSERT INTO quarantined_rows SELECT '${def.table}', import_id, source_row, ${reasons}, to_json(t)::VARCHAR, now()::TIMESTAMP
       FROM ${def.table} t WHERE ${bad};`,
      `DELETE FROM ${def.table} WHERE ${bad};`,
    );
  }
  return parts.join('\n');
}
