// Which columns hold data: a KPI is computable only when each of its requirements is met by at least
// one non-null value in the workspace.
import type { Workspace } from '../../workspace/workspace.ts';

export type ColumnCounts = Map<string, number>; // 'table.column' → non-null values (0 when missing)

/** Counts non-null values of every column named by the requirements, one scan per table. */
export async function columnCounts(ws: Workspace, requirements: string[]): Promise<ColumnCounts> {
  const wanted = new Map<string, Set<string>>();
  for (const req of requirements) {
    for (const alt of req.split('|')) {
      const [table, column] = alt.split('.');
      if (!wanted.has(table)) wanted.set(table, new Set());
      wanted.get(table)!.add(column);
    }
  }
  const existing = await ws.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'`,
  );
  const exists = new Set(existing.map((r) => `${r.table_name}.${r.column_name}`));
  const counts: ColumnCounts = new Map();
  for (const [table, cols] of wanted) {
    const present = [...cols].filter((c) => exists.has(`${table}.${c}`));
    for (const c of cols) counts.set(`${table}.${c}`, 0);
    if (present.length === 0) continue;
    // Identifiers come from the validated catalogue and were checked against information_schema.
    const row = await ws.one<Record<string, number>>(
      `SELECT ${present.map((c, i) => `count("${c}") AS c${i}`).join(', ')} FROM "${table}"`,
    );
    present.forEach((c, i) => counts.set(`${table}.${c}`, Number(row?.[`c${i}`] ?? 0)));
  }
  return counts;
}

/** The requirements not met: each returned string is a requirement as written ('a|b' when none of a, b has data). */
export function missingRequirements(requires: string[], counts: ColumnCounts): string[] {
  return requires.filter((req) => !req.split('|').some((alt) => (counts.get(alt) ?? 0) > 0));
}
