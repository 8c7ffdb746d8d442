// A fingerprint of everything a workspace holds: row count and an order-independent hash per table,
// so a test can prove an import left the workspace exactly as it was.
import { Workspace } from '../../src/workspace/workspace.ts';
import { importFile, type ImportKind } from '../../src/ingest/index.ts';
import { join } from 'node:path';

/** The public Korean set: $CIP_KCS_DIR, else ../shared/data/kcs-synthetic beside the repository. */
export const KCS_DIR =
  process.env.CIP_KCS_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'kcs-synthetic');

export async function snapshot(dir: string): Promise<Record<string, string>> {
  const ws = await Workspace.open(dir);
  try {
    const tables = await ws.all<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    const out: Record<string, string> = {};
    for (const { t } of tables) {
      const r = await ws.one<{ n: number; h: string }>(
        `SELECT count(*) AS n, CAST(coalesce(bit_xor(hash(x)), 0) AS VARCHAR) AS h FROM "${t}" x`,
      );
      out[t] = `${r!.n}:${r!.h}`;
    }
    return out;
  } finally {
    ws.close();
  }
}

export async function query<T = Record<string, unknown>>(
  dir: string,
  sql: string,
  params?: Record<string, unknown>,
): Promise<T[]> {
  const ws = await Workspace.open(dir);
  try {
    return await ws.all<T>(sql, params);
  } finally {
    ws.close();
  }
}

/** Imports in-process through the programmatic API (faster than spawning the CLI for format tests). */
export async function importInProcess(
  dir: string,
  kind: ImportKind,
  file: string,
  mappingFile?: string,
): Promise<{ read: number; imported: number; rejected: number; duplicates: number }> {
  const ws = await Workspace.open(dir);
  try {
    return (await importFile(ws, kind, file, { mappingFile })).summary;
  } finally {
    ws.close();
  }
}
