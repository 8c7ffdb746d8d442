// Schema versioning: each bounded context lists its migrations in its own schema.ts; they are applied
// in the order below, each once, inside a transaction, and recorded in schema_migrations.
// Never edit a released migration: add a new one.
import type { Workspace } from './workspace.ts';
import { workspaceMigrations } from './schema.ts';
import { ingestMigrations } from '../ingest/schema.ts';
import { demoMigrations } from '../demo/schema.ts';
import { segmentationMigrations } from '../segmentation/schema.ts';
import { measureMigrations } from '../measure/schema.ts';
import { planMigrations } from '../plan/schema.ts';
import { governanceMigrations } from '../governance/schema.ts';
import { serverMigrations } from '../server/schema.ts';
import { historyMigrations } from '../history/schema.ts';
import { jobsMigrations } from '../jobs/schema.ts';

export interface Migration {
  /** Unique and stable, prefixed by the owning context, e.g. 'plan-002-measures'. */
  id: string;
  description: string;
  sql: string;
}

export const allMigrations = (): Migration[] => [
  ...workspaceMigrations,
  ...historyMigrations,
  ...ingestMigrations,
  ...demoMigrations,
  ...segmentationMigrations,
  ...measureMigrations,
  ...planMigrations,
  ...governanceMigrations,
  ...serverMigrations,
  ...jobsMigrations,
];

export async function applyMigrations(ws: Workspace): Promise<void> {
  await ws.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (id VARCHAR PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP NOT NULL)`,
  );
  const done = new Set((await ws.all<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id));
  for (const m of allMigrations()) {
    if (done.has(m.id)) continue;
    await ws.transaction(async () => {
      await ws.run(m.sql);
      await ws.run('INSERT INTO schema_migrations VALUES ($id, $d, now())', { id: m.id, d: m.description });
    });
  }
}

/** The schema version of a workspace: the migrations it has, in order. */
export async function schemaVersion(ws: Workspace): Promise<{ count: number; latest: string | null }> {
  const rows = await ws.all<{ id: string }>('SELECT id FROM schema_migrations ORDER BY applied_at, id');
  return { count: rows.length, latest: rows.at(-1)?.id ?? null };
}
