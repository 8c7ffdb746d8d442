// The declaration lines in ClickHouse: the table (one node, or the cluster layout of docs/scale-out.md) and how a
// workspace's lines get there. Each import is one partition, written to a staging table and swapped in whole
// (REPLACE PARTITION): pushing again replaces, never doubles; a failed push leaves the table as it was.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workspace } from '../workspace/workspace.ts';
import { DECLARATION_LINES_COLUMNS } from '../workspace/schema.ts';
import type { Transport } from './transport.ts';
import { EngineError, type EngineSpec } from './url.ts';

export interface LineColumn {
  name: string;
  type: string; // ClickHouse type
}

const CH_TYPES: Record<string, string> = {
  VARCHAR: 'String',
  INTEGER: 'Int32',
  BIGINT: 'Int64',
  DATE: 'Date32',
  DOUBLE: 'Float64',
  BOOLEAN: 'Bool',
};

/**
 * The lines' columns in ClickHouse, from the workspace's own definition (DECLARATION_LINES_COLUMNS). `extra` (source
 * columns without a canonical field) stays in the workspace; import_id is the partition (0 for generated lines).
 */
export function lineColumns(): LineColumn[] {
  const cols: LineColumn[] = [];
  for (const raw of DECLARATION_LINES_COLUMNS.split('\n')) {
    const m = /^\s*([a-z_0-9]+)\s+([A-Z]+)\b(.*?)(,|$)/.exec(raw.replace(/--.*$/, ''));
    if (!m || m[1] === 'extra') continue;
    const base = CH_TYPES[m[2]];
    if (!base) throw new Error(`lineColumns: no ClickHouse type for ${m[2]} (${m[1]})`);
    const notNull = /NOT NULL/.test(m[3]) || m[1] === 'import_id';
    cols.push({ name: m[1], type: notNull ? base : `Nullable(${base})` });
  }
  return cols;
}

const ident = (s: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new EngineError(`'${s}': expected letters, digits and _`);
  return s;
};

/** The table of one node (or of one shard: `engine` = ReplicatedMergeTree(...)). */
export function linesTableDdl(table = 'declaration_lines', engine = 'MergeTree', onCluster = ''): string {
  const cols = lineColumns()
    .map((c) => `  ${c.name} ${c.type}`)
    .join(',\n');
  return `CREATE TABLE IF NOT EXISTS ${table}${onCluster} (\n${cols}\n) ENGINE = ${engine}\nPARTITION BY import_id\nORDER BY (operator_id, date)`;
}

export interface ClusterLayout {
  cluster: string;
  database: string;
}

/**
 * The cluster layout: lines in a ReplicatedMergeTree per shard ordered by (operator_id, date), a Distributed table
 * sharded by a hash of operator_id (an operator's lines on one shard: per-operator GROUP BY is shard-local), and a
 * per-import staging pair (local tables + a Distributed table over them) so an import is swapped in whole per shard.
 */
export function clusterDdl(l: ClusterLayout): { tables: string[]; importSteps: string[] } {
  const db = ident(l.database);
  const cluster = ident(l.cluster);
  const on = ` ON CLUSTER ${cluster}`;
  const dist = (table: string, local: string) =>
    `CREATE TABLE IF NOT EXISTS ${db}.${table}${on} AS ${db}.${local}\n` +
    `ENGINE = Distributed(${cluster}, ${db}, ${local}, cityHash64(operator_id))`;
  return {
    tables: [
      `CREATE DATABASE IF NOT EXISTS ${db}${on}`,
      linesTableDdl(
        `${db}.declaration_lines_local`,
        `ReplicatedMergeTree('/clickhouse/tables/{shard}/${db}/declaration_lines_local', '{replica}')`,
        on,
      ),
      dist('declaration_lines', 'declaration_lines_local'),
    ],
    // {id}: the import's id (its partition). The staging pair is dropped whatever happens.
    importSteps: [
      `CREATE TABLE ${db}.staging_{id}_local${on} AS ${db}.declaration_lines_local\n` +
        `ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${db}/staging_{id}_local', '{replica}') PARTITION BY import_id ORDER BY (operator_id, date)`,
      dist('staging_{id}', 'staging_{id}_local'),
      `INSERT INTO ${db}.staging_{id} SETTINGS distributed_foreground_insert = 1 FORMAT Parquet -- the import's lines`,
      `ALTER TABLE ${db}.declaration_lines_local${on} REPLACE PARTITION {id} FROM ${db}.staging_{id}_local`,
      `DROP TABLE ${db}.staging_{id}${on} SYNC`,
      `DROP TABLE ${db}.staging_{id}_local${on} SYNC`,
    ],
  };
}

/** Settings of the profile the product's user has on a cluster (beside CLICKHOUSE_SETTINGS, which it sends itself). */
export const CLUSTER_SETTINGS: Record<string, number> = {
  // GROUP BY operator_id is complete on each shard (rows sharded by operator): the initiator only concatenates.
  optimize_distributed_group_by_sharding_key: 1,
  distributed_aggregation_memory_efficient: 1,
};

/** Creates the lines table on a single node when missing. */
export async function ensureLinesTable(t: Transport): Promise<void> {
  await t.command(linesTableDdl());
}

export interface PushSummary {
  imports: number;
  lines: number;
  dropped: number;
}

/**
 * Copies the workspace's lines to ClickHouse, one import (partition) at a time through a staging table swapped in
 * with REPLACE PARTITION; partitions of imports the workspace no longer holds are dropped.
 */
export async function pushLines(
  ws: Workspace,
  t: Transport,
  opts: { only?: number[]; onImport?: (done: number, of: number) => void } = {},
): Promise<PushSummary> {
  await ensureLinesTable(t);
  const cols = lineColumns().map((c) => c.name);
  const all = await ws.all<{ id: number; n: number }>(
    `SELECT coalesce(import_id, 0)::INTEGER AS id, count(*)::BIGINT AS n FROM declaration_lines GROUP BY 1 ORDER BY 1`,
  );
  const local = opts.only ? all.filter((l) => opts.only!.includes(l.id)) : all;
  const dir = mkdtempSync(join(tmpdir(), 'cip-push-'));
  let lines = 0;
  try {
    for (const [k, { id, n }] of local.entries()) {
      const file = join(dir, `${id}.parquet`);
      const sel = cols.map((c) => (c === 'import_id' ? `coalesce(import_id, 0)::INTEGER AS import_id` : `"${c}"`));
      await ws.run(
        `COPY (SELECT ${sel.join(', ')} FROM declaration_lines WHERE coalesce(import_id, 0) = ${Number(id)}
               ORDER BY operator_id, date) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`,
      );
      const staging = `declaration_lines_staging_${id}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await t.command(`CREATE TABLE ${staging} AS declaration_lines`);
      try {
        await t.insertParquet(staging, file);
        await t.command(`ALTER TABLE declaration_lines REPLACE PARTITION ${Number(id)} FROM ${staging}`);
      } finally {
        await t.command(`DROP TABLE IF EXISTS ${staging}`);
      }
      lines += n;
      opts.onImport?.(k + 1, local.length);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const remote = await t.json<{ p: string }>(
    `SELECT DISTINCT partition AS p FROM system.parts WHERE database = currentDatabase() AND table = 'declaration_lines' AND active`,
    {},
  );
  if (opts.only) return { imports: local.length, lines, dropped: 0 };
  const keep = new Set(all.map((l) => String(l.id)));
  let dropped = 0;
  for (const { p } of remote)
    if (!keep.has(p)) {
      await t.command(`ALTER TABLE declaration_lines DROP PARTITION ${Number(p)}`);
      dropped++;
    }
  return { imports: local.length, lines, dropped };
}

/**
 * After an import of declarations, inside its transaction: its lines go to the workspace's ClickHouse as one
 * partition (a refusal there rolls the import back). Nothing to do when the lines live in the workspace.
 */
export async function pushImport(ws: Workspace, importId: number): Promise<void> {
  const { engineFor } = await import('./engine.ts');
  const engine = await engineFor(ws);
  if (engine.transport) await pushLines(ws, engine.transport, { only: [importId] });
}

/**
 * Before a workspace is given an engine: the engine answers and has its lines table. Throws one line (nothing is
 * stored) when the URL's server does not answer or lacks the database, or chdb cannot be loaded.
 */
export async function prepareEngine(spec: EngineSpec): Promise<string> {
  if (spec.kind === 'duckdb') return 'workspace';
  const { chdbTransport, pingServer, serverTransport } = await import('./transport.ts');
  if (spec.kind === 'clickhouse') await pingServer(spec.url, spec.database);
  const t = spec.kind === 'chdb' ? await chdbTransport(spec.path) : await serverTransport(spec.url, spec.database);
  try {
    await ensureLinesTable(t);
    return t.where;
  } finally {
    await t.close();
  }
}
