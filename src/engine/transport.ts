// How statements reach ClickHouse: over HTTP to a server (@clickhouse/client) or in-process (chdb, loaded only when
// a workspace names it: a development dependency, not in every install). Both take ClickHouse SQL with {name:Type}
// parameters bound server-side.
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CLICKHOUSE_SETTINGS } from './dialect.ts';
import { CREDENTIAL_VARS, EngineError } from './url.ts';

export interface Transport {
  readonly where: string;
  /** Rows of a small answer. */
  json<T>(sql: string, params: Record<string, unknown>): Promise<T[]>;
  /** The answer written to a Parquet file. */
  parquet(sql: string, params: Record<string, unknown>, file: string): Promise<void>;
  /** A statement without an answer (DDL, INSERT ... SELECT). */
  command(sql: string, params?: Record<string, unknown>): Promise<void>;
  /** Appends a Parquet file's rows to a table. */
  insertParquet(table: string, file: string): Promise<void>;
  close(): Promise<void>;
}

const parseRows = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

/** A ClickHouse server over HTTP; the user and password from CIP_CLICKHOUSE_USER / CIP_CLICKHOUSE_PASSWORD. */
export async function serverTransport(url: string, database: string, timeoutMs = 3_600_000): Promise<Transport> {
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  const client = createClient({
    url,
    database,
    username: process.env[CREDENTIAL_VARS.user] ?? 'default',
    password: process.env[CREDENTIAL_VARS.password] ?? '',
    clickhouse_settings: CLICKHOUSE_SETTINGS as never,
    request_timeout: timeoutMs,
    // Failures reach the user once, as the product's own error line (the client would also log them).
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    where: `${url}/${database}`,
    async json<T>(sql: string, params: Record<string, unknown>) {
      const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return rs.json<T>();
    },
    async parquet(sql, params, file) {
      const r = await client.exec({ query: `${sql}\nFORMAT Parquet`, query_params: params });
      await pipeline(r.stream as Readable, createWriteStream(file));
    },
    async command(sql, params = {}) {
      await client.command({ query: sql, query_params: params });
    },
    async insertParquet(table, file) {
      await client.insert({ table, values: createReadStream(file), format: 'Parquet' as never });
    },
    close: () => client.close(),
  };
}

/** Checks that a server answers (and the database exists) before anything is stored; one line on failure. */
export async function pingServer(url: string, database: string): Promise<void> {
  const t = await serverTransport(url, 'default', 10_000);
  try {
    const rows = await t.json<{ n: number }>(`SELECT count() AS n FROM system.databases WHERE name = {db:String}`, {
      db: database,
    });
    if (Number(rows[0]?.n ?? 0) === 0)
      throw new EngineError(
        `ClickHouse at ${url}: no database '${database}' (create it first: CREATE DATABASE ${database})`,
      );
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError(`ClickHouse at ${url} did not answer: ${oneLine(err)}`, 'unavailable');
  } finally {
    await t.close().catch(() => undefined);
  }
}

const oneLine = (err: unknown) =>
  ((err as Error)?.message ?? String(err)).split('\n')[0].replace(/\s+/g, ' ').slice(0, 200);

interface ChdbSession {
  queryAsync(q: string, o?: { format?: string }): Promise<{ bytes(): Uint8Array; text(): string }>;
  queryBindAsync(q: string, p: object, o?: { format?: string }): Promise<{ bytes(): Uint8Array; text(): string }>;
  query(q: string, f?: string): string;
  close(): void;
}

/** chdb sessions by directory: one per process (the library holds one engine). */
const sessions = new Map<string, { s: ChdbSession; users: number; queue: Promise<unknown> }>();

/** Whether chdb can be loaded here (it is a development dependency); the reason when not. */
export async function chdbAvailable(): Promise<string | null> {
  try {
    await import('chdb');
    return null;
  } catch (err) {
    return oneLine(err);
  }
}

/** ClickHouse in-process over a directory (chdb): for tests and benchmarks without a server. */
export async function chdbTransport(path: string): Promise<Transport> {
  let entry = sessions.get(path);
  if (!entry) {
    let mod: { Session: new (p: string) => ChdbSession };
    try {
      mod = (await import('chdb')) as never;
    } catch (err) {
      throw new EngineError(
        `chdb (ClickHouse in-process) cannot be loaded: ${oneLine(err)}; install it with 'npm install chdb'`,
        'unavailable',
      );
    }
    const s = new mod.Session(path);
    for (const [k, v] of Object.entries(CLICKHOUSE_SETTINGS))
      s.query(`SET ${k} = ${typeof v === 'string' ? `'${v}'` : v}`);
    entry = { s, users: 0, queue: Promise.resolve() };
    sessions.set(path, entry);
  }
  entry.users++;
  const s = entry.s;
  // One statement at a time per session: chdb runs a session's statements in turn.
  const run = (sql: string, params: Record<string, unknown>, format: string) => {
    const next = entry!.queue.then(() =>
      Object.keys(params).length ? s.queryBindAsync(sql, params, { format }) : s.queryAsync(sql, { format }),
    );
    // After a statement fails part-way (e.g. at its time limit), chdb hands its leftover output to the next
    // statement: a throwaway one takes it.
    entry!.queue = next.catch(() => s.queryAsync('SELECT 1', { format: 'TabSeparated' }).catch(() => undefined));
    return next;
  };
  let closed = false;
  return {
    where: `chdb:${path}`,
    async json<T>(sql: string, params: Record<string, unknown>) {
      return parseRows<T>((await run(sql, params, 'JSONEachRow')).text());
    },
    async parquet(sql, params, file) {
      writeFileSync(file, (await run(sql, params, 'Parquet')).bytes());
    },
    async command(sql, params = {}) {
      await run(sql, params, 'TabSeparated');
    },
    async insertParquet(table, file) {
      await run(`INSERT INTO ${table} SELECT * FROM file({f:String}, Parquet)`, { f: file }, 'TabSeparated');
    },
    async close() {
      if (closed) return;
      closed = true;
      const e = sessions.get(path);
      if (e && --e.users === 0) {
        sessions.delete(path);
        e.s.close();
      }
    },
  };
}
