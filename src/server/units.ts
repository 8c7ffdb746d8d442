// Organisational units HQ → directorate → office, and the scope a user's unit gives over operators.
// Directorates come from operators.region, offices from operators.office and declaration_lines.office.
import type { Workspace } from '../workspace/workspace.ts';

export interface Unit {
  unit_id: string;
  name: string;
  level: 'hq' | 'directorate' | 'office';
  parent_id: string | null;
  source: string;
}

export const HQ = 'HQ';

/** Adds the units the data implies (never removes one). Returns how many were added. */
export async function syncUnits(ws: Workspace): Promise<number> {
  const before = Number(await ws.scalar('SELECT count(*) FROM server_units'));
  await ws.transaction(async () => {
    await ws.run(`INSERT INTO server_units SELECT 'HQ', 'Headquarters', 'hq', NULL, 'derived'
                  WHERE NOT EXISTS (SELECT 1 FROM server_units WHERE unit_id = 'HQ')`);
    await ws.run(`INSERT INTO server_units
      SELECT DISTINCT 'dir:' || region, region, 'directorate', 'HQ', 'derived' FROM operators
      WHERE region IS NOT NULL AND 'dir:' || region NOT IN (SELECT unit_id FROM server_units)`);
    // An office belongs to the directorate (region) most of its operators are in.
    await ws.run(`INSERT INTO server_units
      WITH offices AS NOT MATERIALIZED (
        SELECT office, arg_max(region, n) AS region FROM (
          SELECT office, region, count(*) AS n FROM operators WHERE office IS NOT NULL GROUP BY ALL) GROUP BY office
        UNION ALL
        SELECT DISTINCT office, NULL FROM declaration_lines
        WHERE office IS NOT NULL AND office NOT IN (SELECT office FROM operators WHERE office IS NOT NULL))
      SELECT 'office:' || office, office, 'office', CASE WHEN region IS NULL THEN 'HQ' ELSE 'dir:' || region END, 'derived'
      FROM offices WHERE 'office:' || office NOT IN (SELECT unit_id FROM server_units)`);
  });
  return Number(await ws.scalar('SELECT count(*) FROM server_units')) - before;
}

export async function listUnits(ws: Workspace): Promise<Unit[]> {
  return ws.all<Unit>(
    `SELECT * FROM server_units ORDER BY CASE level WHEN 'hq' THEN 0 WHEN 'directorate' THEN 1 ELSE 2 END, name`,
  );
}

export async function getUnit(ws: Workspace, unitId: string): Promise<Unit | undefined> {
  return ws.one<Unit>('SELECT * FROM server_units WHERE unit_id = $id', { id: unitId });
}

/**
 * The offices a unit covers: null means everything (HQ); otherwise the office names (operators.office)
 * inside the unit's subtree.
 */
export async function officeScope(ws: Workspace, unitId: string): Promise<string[] | null> {
  const unit = await getUnit(ws, unitId);
  if (!unit || unit.level === 'hq') return unit ? null : [];
  if (unit.level === 'office') return [unit.name];
  const rows = await ws.all<{ name: string }>(
    `SELECT name FROM server_units WHERE level = 'office' AND parent_id = $id ORDER BY name`,
    { id: unitId },
  );
  return rows.map((r) => r.name);
}

/** The unit an operator belongs to (its office's unit), for history entries and scoping. */
export function operatorUnitId(office: string | null): string {
  return office ? `office:${office}` : HQ;
}
