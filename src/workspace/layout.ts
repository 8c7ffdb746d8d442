// Physical order of declaration_lines. Every segmentation run groups the lines by operator; lines stored in import
// order (operators interleaved) make each GROUP BY hop across a hash table of all operators, lines stored
// operator by operator make it sequential (10M-line bench: the GRI pipeline 4.1 → 2.9 s). Each import appends its
// lines sorted by operator (src/ingest/importer.ts), so the table is a few sorted runs, which serve those passes
// nearly as well; nothing rewrites it behind the user's back. `cip optimize` merges the runs into one order (an
// explicit step: ensureLinesClustered / clusterLines). Results never depend on the order.
import type { Workspace } from './workspace.ts';
import { DECLARATION_LINES_COLUMNS } from './schema.ts';

const SETTING = 'lines_clustered';

/** Below this many lines the rewrite is not worth it: the pipeline takes well under a second either way. */
export const CLUSTER_MIN_LINES = 1_000_000;

export interface LinesLayout {
  lines: number;
  /** Lines as of the last rewrite (null: never rewritten). */
  clusteredLines: number | null;
  clusteredAt: string | null;
  clustered: boolean;
}

export async function linesLayout(ws: Workspace): Promise<LinesLayout> {
  const now = await fingerprint(ws);
  const raw = await ws.getSetting(SETTING);
  const s = raw ? (JSON.parse(raw) as { lines: number; at: string; fingerprint: string }) : null;
  return {
    lines: now.lines,
    clusteredLines: s?.lines ?? null,
    clusteredAt: s?.at ?? null,
    clustered: s?.fingerprint === now.key,
  };
}

/** Changes with every import and with nearly any other write (an order that went stale only costs speed). */
async function fingerprint(ws: Workspace): Promise<{ lines: number; key: string }> {
  const r = await ws.one<{ n: number; i: number | null }>(
    'SELECT count(*) AS n, max(import_id) AS i FROM declaration_lines',
  );
  const lines = Number(r?.n ?? 0);
  return { lines, key: `${lines}:${r?.i ?? ''}` };
}

/**
 * Rewrites declaration_lines in operator order, in one transaction (a crash leaves the table as it was). Needs
 * about the table's size in free disk space while it runs. The table is created anew from DECLARATION_LINES_COLUMNS:
 * an index or constraint added to declaration_lines by a later migration must be recreated here too.
 */
export async function clusterLines(ws: Workspace): Promise<{ lines: number; seconds: number }> {
  const t = performance.now();
  let lines = 0;
  await ws.transaction(async () => {
    await ws.run(`CREATE TABLE declaration_lines_clustered (${DECLARATION_LINES_COLUMNS})`);
    // The ORDER BY holds only with insertion order preserved (the import turns it off for its own INSERT).
    await ws.run('SET preserve_insertion_order = true');
    await ws.run('INSERT INTO declaration_lines_clustered SELECT * FROM declaration_lines ORDER BY operator_id, date');
    await ws.run('DROP TABLE declaration_lines');
    await ws.run('ALTER TABLE declaration_lines_clustered RENAME TO declaration_lines');
    const fp = await fingerprint(ws);
    lines = fp.lines;
    await ws.setSetting(SETTING, JSON.stringify({ lines, at: new Date().toISOString(), fingerprint: fp.key }));
  });
  return { lines, seconds: (performance.now() - t) / 1000 };
}

/** Clusters the lines when they changed since the last rewrite and are many enough; returns what it did. */
export async function ensureLinesClustered(
  ws: Workspace,
  minLines = CLUSTER_MIN_LINES,
): Promise<{ lines: number; seconds: number } | null> {
  const layout = await linesLayout(ws);
  if (layout.clustered || layout.lines < minLines) return null;
  return clusterLines(ws);
}
