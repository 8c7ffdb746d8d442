// The seam between the analytics that scan declaration lines and the engine that holds them. Those statements are
// written once (DuckDB's spelling, `$name` parameters, the differing pieces from the workspace's dialect) and run
// through `rows` (a small answer) or `into` (an answer kept as a temp table of the workspace, for the per-operator
// steps that follow in DuckDB). People's records and every per-operator table stay in the workspace file.
import { listValue } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, Workspace } from '../workspace/workspace.ts';
import { clickhouseDialect, duckdbDialect, toClickHouseParams, type Dialect } from './dialect.ts';
import { chdbTransport, serverTransport, type Transport } from './transport.ts';
import { EngineError, parseEngineUrl, type EngineSpec } from './url.ts';
import { ensureLinesTable } from './lines.ts';

export interface LineEngine {
  readonly kind: 'duckdb' | 'clickhouse';
  readonly dialect: Dialect;
  /** Where the lines are, for people (e.g. 'workspace', 'http://ch1:8123/customs'). */
  readonly where: string;
  /** Rows of a query over the lines (a small answer: a few hundred rows). */
  rows<T = Row>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /**
   * A query over the lines kept as temp table `table` of the workspace (replaced), read back in one stream.
   * `timeoutSeconds`: ClickHouse stops the statement itself (EngineTimeout); DuckDB's caller interrupts its connection.
   */
  into(table: string, sql: string, params?: Record<string, unknown>, opts?: { timeoutSeconds?: number }): Promise<void>;
  /** The ClickHouse transport (DDL, moving lines); undefined for DuckDB. */
  readonly transport?: Transport;
}

export const duckdb = duckdbDialect((items) => listValue(items));

/** Only the parameters a statement uses (DuckDB refuses unused ones). */
function used(sql: string, params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
}

/** The embedded default: the lines are the workspace's own table. */
export function duckdbEngine(ws: Workspace): LineEngine {
  return {
    kind: 'duckdb',
    dialect: duckdb,
    where: 'workspace',
    rows: (sql, params = {}) => ws.all(sql, used(sql, params)),
    into: (table, sql, params = {}) => ws.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`, used(sql, params)),
  };
}

/** Column types DuckDB gives what ClickHouse answers with (counts: UInt64 → BIGINT, as DuckDB's count()). */
const WIDEN: Record<string, string> = {
  UBIGINT: 'BIGINT',
  UINTEGER: 'BIGINT',
  USMALLINT: 'INTEGER',
  UTINYINT: 'INTEGER',
};

export function clickhouseEngine(ws: Workspace, t: Transport): LineEngine {
  return {
    kind: 'clickhouse',
    dialect: clickhouseDialect,
    where: t.where,
    transport: t,
    async rows<T>(sql: string, params: Record<string, unknown> = {}) {
      const q = toClickHouseParams(sql, params);
      return t.json<T>(q.sql, q.params);
    },
    async into(table, sql, params = {}, opts = {}) {
      const q = toClickHouseParams(sql, params);
      const s = opts.timeoutSeconds ? `${q.sql}\nSETTINGS max_execution_time = ${Number(opts.timeoutSeconds)}` : q.sql;
      const dir = mkdtempSync(join(tmpdir(), 'cip-engine-'));
      try {
        const file = join(dir, `${table}.parquet`);
        await t.parquet(s, q.params, file).catch((err: unknown) => {
          throw isTimeout(err) ? new EngineTimeout(`${t.where}: stopped after ${opts.timeoutSeconds} s`) : err;
        });
        const cols = await ws.all<{ column_name: string; column_type: string }>(
          `DESCRIBE SELECT * FROM read_parquet($f)`,
          { f: file },
        );
        // Bit sets stay unsigned (UBIGINT, as DuckDB's bit_or); other unsigned counts become DuckDB's BIGINT.
        const sel = cols.map(({ column_name: c, column_type: ty }) =>
          WIDEN[ty] && !c.endsWith('_bits') && c !== 'flags' ? `"${c}"::${WIDEN[ty]} AS "${c}"` : `"${c}"`,
        );
        await ws.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT ${sel.join(', ')} FROM read_parquet($f)`, {
          f: file,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A statement ClickHouse stopped at its max_execution_time. */
export class EngineTimeout extends EngineError {
  constructor(message: string) {
    super(message, 'too_large');
  }
}

/** ClickHouse's TIMEOUT_EXCEEDED (159), from the server client (code '159') or chdb (clickhouseCode 159). */
function isTimeout(err: unknown): boolean {
  const e = err as { code?: unknown; clickhouseCode?: unknown; cause?: unknown };
  return String(e?.code) === '159' || Number(e?.clickhouseCode) === 159;
}

const engines = new WeakMap<Workspace, Promise<LineEngine>>();

/** The engine a workspace was created with (setting 'engine'; none = DuckDB), opened once per workspace object. */
export function engineFor(ws: Workspace): Promise<LineEngine> {
  let e = engines.get(ws);
  if (!e) {
    e = (async () => openEngine(ws, parseEngineUrl((await ws.getSetting('engine')) ?? '', ws.dir)))();
    engines.set(ws, e);
    e.catch(() => engines.delete(ws));
  }
  return e;
}

export async function openEngine(ws: Workspace, spec: EngineSpec): Promise<LineEngine> {
  if (spec.kind === 'duckdb') return duckdbEngine(ws);
  const t = spec.kind === 'chdb' ? await chdbTransport(spec.path) : await serverTransport(spec.url, spec.database);
  ws.onClose(() => void t.close().catch(() => undefined));
  await ensureLinesTable(t);
  return clickhouseEngine(ws, t);
}
