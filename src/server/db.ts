// The server's access to the workspace: one DuckDB instance, several connections.
// Reads run on a small pool of connections (DuckDB gives each its own MVCC snapshot); changes run one at a
// time on the main connection, inside ws.transaction, so a change and its history entry commit together.
import { Workspace } from '../workspace/workspace.ts';

/** WAL size at which a commit checkpoints even while changes keep coming. */
const CHECKPOINT_THRESHOLD = '64MB';
/** Quiet time after the last change before the server checkpoints. */
const IDLE_CHECKPOINT_MS = 2000;

class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class ServerDb {
  private readers: { ws: Workspace; lock: Mutex; busy: number }[] = [];
  private writeLock = new Mutex();
  /** Bumped after every committed change; answer caches key on it. */
  version = 0;
  /**
   * Bumped after a change that may alter who is signed in or what they may do (users, units, sessions, or any
   * exclusive use such as a CLI command run through the server); the session cache keys on it, so other writes
   * do not make every signed-in user's next request reload their account.
   */
  authVersion = 0;

  private constructor(readonly main: Workspace) {}

  /** Wraps an open workspace. Extra read connections share its DuckDB instance. */
  // 8 read connections: an operator page is two short index lookups with JS in between; with 4 connections the cores
  // idled between them (50 clients, 10M lines: 300 → 340 req/s, p99 270 → 230 ms).
  static async attach(main: Workspace, readers = 8): Promise<ServerDb> {
    const db = new ServerDb(main);
    // Checkpoints (the WAL folded into the file, ≈ 70 ms of CPU at 16 MB, DuckDB's default) ran inside whichever
    // user's COMMIT crossed the threshold: a served workspace checkpoints when changes pause (scheduleCheckpoint), and
    // the threshold, a backstop under a steady stream of changes, is higher (bench http: writers' p99).
    await main.run(`SET checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
    for (let i = 0; i < readers; i++) {
      db.readers.push({ ws: await main.connect(), lock: new Mutex(), busy: 0 });
    }
    return db;
  }

  /** Runs a read on the least busy read connection. */
  read<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
    if (this.readers.length === 0) return this.writeLock.run(() => fn(this.main));
    const r = this.readers.reduce((a, b) => (b.busy < a.busy ? b : a));
    r.busy++;
    return r.lock.run(() => fn(r.ws)).finally(() => r.busy--);
  }

  /**
   * Runs a change exclusively on the main connection, inside one transaction. `touchesAuth` tells, once fn has run,
   * whether the change reached users, units or sessions.
   */
  write<T>(fn: (ws: Workspace) => Promise<T>, touchesAuth: () => boolean = () => true): Promise<T> {
    return this.writeLock.run(async () => {
      try {
        return await this.main.transaction(() => fn(this.main));
      } finally {
        this.version++;
        if (touchesAuth()) this.authVersion++;
        this.scheduleCheckpoint();
      }
    });
  }

  /**
   * Exclusive access to the main connection without a transaction (for domain calls that manage their own).
   * Counts as a change to users and sessions unless `auth: false` (sign-in bookkeeping that ends no session), and
   * to the answers unless `answers: false` (a write no answer reads, such as a failed sign-in).
   */
  exclusive<T>(fn: (ws: Workspace) => Promise<T>, opts: { auth?: boolean; answers?: boolean } = {}): Promise<T> {
    return this.writeLock.run(async () => {
      try {
        return await fn(this.main);
      } finally {
        if (opts.answers !== false) this.version++;
        if (opts.auth !== false) this.authVersion++;
        this.scheduleCheckpoint();
      }
    });
  }

  private checkpointTimer: NodeJS.Timeout | undefined;

  /** A checkpoint once no change has come for IDLE_CHECKPOINT_MS (skipped by DuckDB while a read is running). */
  private scheduleCheckpoint(): void {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      this.writeLock.run(() => this.main.run('CHECKPOINT')).catch(() => undefined);
    }, IDLE_CHECKPOINT_MS);
    this.checkpointTimer.unref();
  }

  /** Waits for queued work on every connection (requests a client gave up on still run to the end). */
  async drain(): Promise<void> {
    await Promise.all([
      ...this.readers.map((r) => r.lock.run(async () => undefined)),
      this.writeLock.run(async () => undefined),
    ]);
  }

  async close(): Promise<void> {
    clearTimeout(this.checkpointTimer);
    await this.drain();
    for (const r of this.readers) r.ws.close();
    this.readers = [];
  }
}
