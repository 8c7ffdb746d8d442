// What "nothing was written" means in the API tests: the row count of every table and the history head. The
// sign-in bookkeeping (sessions, failed sign-ins) is left out: refusing a sign-in records the failure on purpose.
import type { Workspace } from '../../src/workspace/workspace.ts';

const SKIP = new Set(['server_sessions', 'server_login_failures']);
let query: string | undefined;

export async function storeFingerprint(ws: Workspace): Promise<Record<string, unknown>> {
  if (!query) {
    const tables = (
      await ws.all<{ t: string }>(
        "SELECT table_name AS t FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' ORDER BY 1",
      )
    )
      .map((r) => r.t)
      .filter((t) => !SKIP.has(t));
    query = `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')},
      (SELECT coalesce(max(seq), 0) FROM history) AS history_seq, (SELECT max(hash) FROM history WHERE seq = (SELECT max(seq) FROM history)) AS history_head`;
  }
  return (await ws.one<Record<string, unknown>>(query))!;
}
