// A workspace is one directory holding one DuckDB database file. Every command opens it through here.
import { DomainError } from '../errors/index.ts';
import { DuckDBInstance, DuckDBConnection, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { applyMigrations } from './migrations.ts';
import { lockHolder, workspaceBusy } from './holder.ts';

export const DB_FILE = 'workspace.duckdb';
export const DEFAULT_WORKSPACE_DIR = 'cip-workspace';

/** Parameters are always bound, never interpolated: named (`$name`) or positional (`?`). */
export type SqlParams = Record<string, unknown> | unknown[];
export type Row = Record<string, unknown>;

export class WorkspaceError extends DomainError {}

/** CIP_TRACE_SQL=1: each statement's wall and process CPU time on stderr (for profiling, not for users). */
const TRACE = process.env.CIP_TRACE_SQL === '1';
let traceCpu = TRACE ? process.cpuUsage() : undefined;
export function traceStart(): number {
  traceCpu = process.cpuUsage();
  return performance.now();
}
export function traceSql(sql: string, startedAt: number): void {
  if (!TRACE) return;
  const ms = performance.now() - startedAt;
  const cpu = process.cpuUsage(traceCpu);
  traceCpu = process.cpuUsage();
  const text = sql
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, Number(process.env.CIP_TRACE_LEN ?? 110));
  process.stderr.write(
    `sql ${ms.toFixed(0).padStart(6)} ms ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(6)} cpu-ms  ${text}\n`,
  );
}

/** --workspace DIR, else $CIP_WORKSPACE, else ./cip-workspace. */
export function resolveWorkspaceDir(option?: string): string {
  return resolve(option ?? process.env.CIP_WORKSPACE ?? DEFAULT_WORKSPACE_DIR);
}

export interface OpenOptions {
  /** Create the directory and database when missing (cip init, cip demo). Default false. */
  create?: boolean;
  /** DuckDB memory limit, e.g. '2GB'. */
  memoryLimit?: string;
  threads?: number;
}

export class Workspace {
  private constructor(
    readonly dir: string,
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    /** False for extra connections made by connect(): closing them leaves the database open. */
    private readonly ownsInstance = true,
  ) {}

  /** Another connection to the same open database (e.g. a server's pool of readers). */
  async connect(): Promise<Workspace> {
    sharedInstances.add(this.instance);
    return new Workspace(this.dir, this.instance, await this.instance.connect(), false);
  }

  /** Values of instance-wide settings before setInstanceSetting changed them. */
  private savedSettings = new Map<string, string>();

  /**
   * Sets a DuckDB setting that holds for the whole database (memory_limit, threads, preserve_insertion_order) for
   * this process's own work. When other connections share the database (a server: its readers, its jobs) it is left
   * as it is, so one command's tuning never reaches the others' work. Undo with restoreInstanceSetting.
   */
  async setInstanceSetting(
    name: 'memory_limit' | 'threads' | 'preserve_insertion_order',
    value: string,
  ): Promise<void> {
    if (sharedInstances.has(this.instance)) return;
    if (!this.savedSettings.has(name))
      this.savedSettings.set(name, String(await this.scalar('SELECT current_setting($name)', { name })));
    await this.run(`SET ${name} = '${value.replace(/'/g, "''")}'`);
  }

  async restoreInstanceSetting(name: 'memory_limit' | 'threads' | 'preserve_insertion_order'): Promise<void> {
    const old = this.savedSettings.get(name);
    if (old === undefined) return;
    this.savedSettings.delete(name);
    await this.run(`SET ${name} = '${old.replace(/'/g, "''")}'`);
  }

  get dbPath(): string {
    return join(this.dir, DB_FILE);
  }

  static async open(dir: string, opts: OpenOptions = {}): Promise<Workspace> {
    const absDir = resolve(dir);
    const dbPath = join(absDir, DB_FILE);
    if (!existsSync(dbPath)) {
      if (!opts.create) {
        throw new WorkspaceError(
          `No workspace at ${absDir} (missing ${DB_FILE}). Run 'cip init ${dir}' or 'cip demo --workspace ${dir}' first.`,
        );
      }
      // Readable by its owner only: the workspace holds taxpayer data and the history.
      mkdirSync(absDir, { recursive: true, mode: 0o700 });
      chmodSync(absDir, 0o700);
    }
    const creating = !existsSync(dbPath);
    const config: Record<string, string> = {};
    // Default storage format on purpose: storage_compatibility_version = 'latest' writes a 10M-line import with
    // ≈ 15 % less CPU but makes every later scan of the lines slower (GRI pipeline at 10M: 7.8 → 8.9 CPU s).
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    if (opts.threads) config.threads = String(opts.threads);
    const instance = await DuckDBInstance.create(dbPath, config).catch((err: unknown) => {
      const held = lockHolder(err);
      throw held ? workspaceBusy(absDir, held.pid, (err as Error).message) : err;
    });
    if (creating && existsSync(dbPath)) chmodSync(dbPath, 0o600);
    const conn = await instance.connect();
    const ws = new Workspace(absDir, instance, conn);
    await applyMigrations(ws);
    return ws;
  }

  /** Runs a statement (or several, without params) and discards the result. */
  async run(sql: string, params?: SqlParams): Promise<void> {
    const t = TRACE ? traceStart() : 0;
    await this.conn.run(sql, params as never);
    if (TRACE) traceSql(sql, t);
  }

  /** Runs a query and returns plain JS rows: BIGINT → number, DATE → 'YYYY-MM-DD', TIMESTAMP → ISO string. */
  async all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const t = TRACE ? traceStart() : 0;
    const reader = await this.conn.runAndReadAll(sql, params as never);
    if (TRACE) traceSql(sql, t);
    const names = reader.columnNames();
    const types = reader.columnTypes().map((t) => t.typeId);
    const rows = reader.getRowsJS();
    return rows.map((r) => {
      const o: Row = {};
      for (let i = 0; i < names.length; i++) o[names[i]] = toPlain(r[i], types[i]);
      return o as T;
    });
  }

  async one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Single scalar of the first row's first column. */
  async scalar<T = unknown>(sql: string, params?: SqlParams): Promise<T> {
    const row = await this.one<Row>(sql, params);
    return (row ? Object.values(row)[0] : undefined) as T;
  }

  private txDepth = 0;

  /**
   * Told of each history entry this connection writes (src/history recordChange), while set: the server's change
   * routes learn which entries a domain function wrote without querying the history table twice per change.
   */
  historyTap: ((e: { actor: string; entity_type: string }) => void) | undefined;

  /** All-or-nothing: commits when fn resolves, rolls back when it throws. Nested calls join the outer one. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.txDepth > 0) return fn();
    await this.run('BEGIN TRANSACTION');
    this.txDepth++;
    try {
      const result = await fn();
      await this.run('COMMIT');
      return result;
    } catch (err) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      this.txDepth--;
    }
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.one<{ value: string }>('SELECT value FROM settings WHERE key = $key', { key });
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.run(
      'INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      { key, value },
    );
  }

  private closers: (() => void)[] = [];

  /** Runs fn when this workspace object is closed (e.g. an engine's connection held for it). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  close(): void {
    for (const fn of this.closers.splice(0)) fn();
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

function toPlain(v: unknown, typeId: DuckDBTypeId): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (v instanceof Date) {
    if (typeId === DuckDBTypeId.DATE) return v.toISOString().slice(0, 10);
    return v.toISOString();
  }
  if (Array.isArray(v)) return v.map((x) => toPlain(x, DuckDBTypeId.INVALID));
  return v as DuckDBValue;
}

const sharedInstances = new WeakSet<DuckDBInstance>();

/** A workspace already open in this process (a server's), lent to the commands it runs for CLI clients. */
export interface WorkspaceLender {
  dir: string;
  /** Runs fn with the open workspace, in turn with the lender's own changes. */
  use<T>(fn: (ws: Workspace) => Promise<T>): Promise<T>;
}

const lender = new AsyncLocalStorage<WorkspaceLender>();

/** Runs fn so that every withWorkspace inside it gets the lender's workspace instead of opening the file. */
export function withLentWorkspace<T>(l: WorkspaceLender, fn: () => Promise<T>): Promise<T> {
  return lender.run(l, fn);
}

/**
 * Opens the workspace named by a command's --workspace option, runs fn, always closes. Inside withLentWorkspace
 * (a command run by the server for a CLI client) it uses the server's open workspace instead.
 */
export async function withWorkspace<T>(
  dirOption: string | undefined,
  fn: (ws: Workspace) => Promise<T>,
  opts: OpenOptions = {},
): Promise<T> {
  const lent = lender.getStore();
  if (lent) return lent.use(fn);
  const ws = await Workspace.open(resolveWorkspaceDir(dirOption), opts);
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}
