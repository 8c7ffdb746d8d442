// The server's job queue: long work (imports, GRI runs, backtests, exports, long CLI commands sent through the
// server) runs in the background with phase, percent and rows done, can be cancelled, and ends with a result, a
// download or the message the CLI gives. State is kept in the workspace's `jobs` table (written on a connection
// of its own, so it never waits for the job it describes); live progress is kept in memory and sent to listeners.
// Jobs that write take turns (default one at a time) on the server's write connection; reading jobs run on
// connections of their own (default two at a time); the API's reads keep answering meanwhile.
import { mkdirSync, rmSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, kindOf, userMessage } from '../errors/index.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { QualityIssue } from '../ingest/quality.ts';
import { RejectedRowsError, type JobErrorCode, type JobResult, type JobStatus, type JobView } from './view.ts';

/** What the queue needs of the server's database access (src/server/db.ts). */
export interface JobsHost {
  main: Workspace;
  exclusive<T>(fn: (ws: Workspace) => Promise<T>): Promise<T>;
}

export interface JobProgress {
  /** A new phase starts (its percent back to 0). */
  phase(label: string): void;
  /** Percent of the phase, and rows done when known. Throws JobCancelled once the job is cancelled. */
  update(percent: number, rows?: number): void;
  done(): void;
}

export interface JobContext {
  id: number;
  /** 'main' and 'own' jobs: the connection to use. */
  ws: Workspace | null;
  signal: AbortSignal;
  progress: JobProgress;
  /** Where the job writes its download (created on first call). */
  filesDir(): string;
  throwIfCancelled(): void;
}

export interface JobOutcome {
  result?: JobResult;
  /** A file the job wrote in filesDir(), offered for download. */
  fileName?: string;
}

export interface JobSpec {
  kind: string;
  title: string;
  params?: unknown;
  /** Who asked: a user of the web app, or the actor of a CLI command. */
  user: string;
  /** Counted among the jobs that write (one at a time by default). */
  writes: boolean;
  /**
   * 'main': run on the server's write connection, in turn with its changes; 'own': on a connection of its own
   * (reads; temp tables stay private); 'none': the job takes what it needs itself (a CLI command sent to the server).
   */
  connection: 'main' | 'own' | 'none';
  /** Follow DuckDB's progress of the running statement (for work that reports phases but no percentages). */
  pollProgress?: boolean;
  run(ctx: JobContext): Promise<JobOutcome>;
}

export interface QueueOptions {
  /** Jobs that write at once (default 1). */
  writeSlots?: number;
  /** Reading jobs at once (default 2). */
  readSlots?: number;
}

/** The refusal a cancelled job ends with (the CLI prints it, the job keeps it). */
export class JobCancelled extends DomainError {
  constructor(id: number, by: string) {
    super(`job #${id} was cancelled by ${by}; nothing of it was kept`, 'conflict');
  }
}

const INTERRUPTED = 'the server stopped (or crashed) while this job was queued or running; nothing of it was kept';
const JOBS_DIR = '.jobs';

interface Live {
  spec: JobSpec;
  view: JobView;
  controller: AbortController;
  cancelledBy?: string;
  finished: Promise<JobView>;
  resolve: (v: JobView) => void;
  lastEmit: number;
  emitTimer?: NodeJS.Timeout;
}

class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.tail.then(fn, fn);
    this.tail = r.catch(() => undefined);
    return r;
  }
}

const now = () => new Date().toISOString();

export class JobQueue {
  private live = new Map<number, Live>();
  private pending: number[] = [];
  private running = { write: 0, read: 0 };
  private listeners = new Set<(v: JobView) => void>();
  private lock = new Mutex();
  private stopping = false;
  readonly writeSlots: number;
  readonly readSlots: number;

  private constructor(
    private readonly host: JobsHost,
    private readonly conn: Workspace,
    opts: QueueOptions,
  ) {
    this.writeSlots = Math.max(1, opts.writeSlots ?? 1);
    this.readSlots = Math.max(1, opts.readSlots ?? 2);
  }

  /** Opens the queue: jobs left queued or running by a server that stopped or crashed are marked failed. */
  static async start(host: JobsHost, opts: QueueOptions = {}): Promise<JobQueue> {
    const q = new JobQueue(host, await host.main.connect(), opts);
    const cut = await q.conn.all<{ job_id: number }>(
      `UPDATE jobs SET status = 'failed', error_code = 'interrupted', error = $msg, finished_at = now()::TIMESTAMP
       WHERE status IN ('queued', 'running') RETURNING job_id`,
      { msg: INTERRUPTED },
    );
    // Nothing half-written: a download a cut-off job had begun goes.
    for (const { job_id } of cut) rmSync(q.dirOf(job_id), { recursive: true, force: true });
    return q;
  }

  get dir(): string {
    return join(this.host.main.dir, JOBS_DIR);
  }

  dirOf(id: number): string {
    return join(this.dir, String(id));
  }

  /** Queues a job; it starts as soon as a slot of its class is free. */
  async submit(spec: JobSpec): Promise<JobView> {
    if (this.stopping) throw new DomainError('the server is stopping: no new job is taken', 'unavailable');
    const row = await this.lock.run(() =>
      this.conn.one<{ job_id: number; created_at: string }>(
        `INSERT INTO jobs (job_id, kind, title, params_json, writes, status, created_by, created_at)
         VALUES (nextval('job_id_seq'), $kind, $title, $params, $writes, 'queued', $by, now()::TIMESTAMP)
         RETURNING job_id, created_at`,
        {
          kind: spec.kind,
          title: spec.title,
          params: spec.params === undefined ? null : JSON.stringify(spec.params),
          writes: spec.writes,
          by: spec.user,
        },
      ),
    );
    const id = Number(row!.job_id);
    let resolve!: (v: JobView) => void;
    const finished = new Promise<JobView>((r) => (resolve = r));
    const view: JobView = {
      id,
      kind: spec.kind,
      title: spec.title,
      status: 'queued',
      phase: null,
      percent: null,
      rows: null,
      createdBy: spec.user,
      createdAt: String(row!.created_at),
      startedAt: null,
      finishedAt: null,
      errorCode: null,
      error: null,
      rejected: null,
      result: null,
      fileName: null,
    };
    this.live.set(id, { spec, view, controller: new AbortController(), finished, resolve, lastEmit: 0 });
    this.pending.push(id);
    this.emit(id, true);
    this.pump();
    return { ...view };
  }

  /** Resolves when the job has finished (whatever its outcome). */
  async finished(id: number): Promise<JobView> {
    const l = this.live.get(id);
    if (l) return l.finished;
    const v = await this.get(id);
    if (!v) throw new DomainError(`no job #${id}`, 'not_found');
    return v;
  }

  /** A queued job is dropped; a running one is interrupted and rolls back. */
  async cancel(id: number, by: string): Promise<JobView> {
    const l = this.live.get(id);
    if (!l) {
      const v = await this.get(id);
      if (!v) throw new DomainError(`no job #${id}`, 'not_found');
      throw new DomainError(`job #${id} has already finished (${v.status})`, 'conflict');
    }
    if (l.cancelledBy) return { ...l.view };
    l.cancelledBy = by;
    if (l.view.status === 'queued') {
      this.pending = this.pending.filter((x) => x !== id);
      await this.finish(id, { status: 'cancelled', errorCode: 'cancelled', error: new JobCancelled(id, by).message });
    } else {
      l.controller.abort();
    }
    return { ...l.view };
  }

  async get(id: number): Promise<JobView | undefined> {
    const l = this.live.get(id);
    if (l) return { ...l.view };
    const rows = await this.lock.run(() => this.conn.all<JobRow>(`${SELECT} WHERE job_id = $id`, { id }));
    return rows[0] && fromRow(rows[0]);
  }

  /** Latest first. */
  async list(limit = 100): Promise<JobView[]> {
    const rows = await this.lock.run(() =>
      this.conn.all<JobRow>(`${SELECT} ORDER BY job_id DESC LIMIT $limit`, { limit }),
    );
    return rows.map((r) => {
      const l = this.live.get(Number(r.job_id));
      return l ? { ...l.view } : fromRow(r);
    });
  }

  /** Every change of every job (progress at most four times a second per job). */
  subscribe(fn: (v: JobView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Graceful stop: nothing new starts; running jobs are interrupted and shown as failed, like after a crash. */
  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.live.values()];
    for (const l of all) {
      l.cancelledBy = '(server stop)';
      if (l.view.status === 'queued') {
        this.pending = this.pending.filter((x) => x !== l.view.id);
        await this.finish(l.view.id, { status: 'failed', errorCode: 'interrupted', error: INTERRUPTED });
      } else l.controller.abort();
    }
    await Promise.all(all.map((l) => l.finished));
    this.conn.close();
  }

  private pump(): void {
    for (const id of [...this.pending]) {
      const l = this.live.get(id)!;
      const cls = l.spec.writes ? 'write' : 'read';
      if (this.running[cls] >= (cls === 'write' ? this.writeSlots : this.readSlots)) continue;
      this.pending = this.pending.filter((x) => x !== id);
      this.running[cls]++;
      void this.execute(l).finally(() => {
        this.running[cls]--;
        this.pump();
      });
    }
  }

  private async execute(l: Live): Promise<void> {
    const { spec, view, controller } = l;
    const id = view.id;
    view.status = 'running';
    view.startedAt = now();
    await this.lock.run(() =>
      this.conn.run(`UPDATE jobs SET status = 'running', started_at = now()::TIMESTAMP WHERE job_id = $id`, { id }),
    );
    this.emit(id, true);
    const cancelled = () => new JobCancelled(id, l.cancelledBy ?? '?');
    const progress: JobProgress = {
      phase: (label) => {
        view.phase = label;
        view.percent = 0;
        this.emit(id, true);
      },
      update: (percent, rows) => {
        if (controller.signal.aborted) throw cancelled();
        view.percent = Math.max(0, Math.min(100, Math.round(percent * 10) / 10));
        if (rows !== undefined) view.rows = rows;
        this.emit(id);
      },
      done: () => undefined,
    };
    const ctx = (ws: Workspace | null): JobContext => ({
      id,
      ws,
      signal: controller.signal,
      progress,
      filesDir: () => {
        const d = this.dirOf(id);
        mkdirSync(d, { recursive: true });
        return d;
      },
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw cancelled();
      },
    });
    const onConnection = async (ws: Workspace): Promise<JobOutcome> => {
      const interrupt = () => ws.conn.interrupt();
      controller.signal.addEventListener('abort', interrupt);
      const poll = spec.pollProgress ? this.pollProgress(ws, view, id) : undefined;
      try {
        await ws.run(
          'SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0',
        );
        return await spec.run(ctx(ws));
      } finally {
        controller.signal.removeEventListener('abort', interrupt);
        if (poll) clearInterval(poll);
      }
    };
    try {
      let out: JobOutcome;
      if (spec.connection === 'main') out = await this.host.exclusive((ws) => onConnection(ws));
      else if (spec.connection === 'own') {
        const ws = await this.host.main.connect();
        try {
          out = await onConnection(ws);
        } finally {
          ws.close();
        }
      } else out = await spec.run(ctx(null));
      if (controller.signal.aborted) throw cancelled();
      await this.finish(id, { status: 'succeeded', result: out.result ?? null, fileName: out.fileName ?? null });
    } catch (err) {
      rmSync(this.dirOf(id), { recursive: true, force: true });
      if (controller.signal.aborted) {
        const stop = l.cancelledBy === '(server stop)';
        await this.finish(id, {
          status: stop ? 'failed' : 'cancelled',
          errorCode: stop ? 'interrupted' : 'cancelled',
          error: stop ? INTERRUPTED : cancelled().message,
        });
      } else {
        if (kindOf(err) === 'internal')
          process.stderr.write(`[cip serve] job #${id} (${spec.title}): ${String(err)}\n`);
        await this.finish(id, {
          status: 'failed',
          errorCode: 'failed',
          error: failureMessage(err),
          rejected: err instanceof RejectedRowsError ? err.rejected : null,
        });
      }
    }
  }

  private pollProgress(ws: Workspace, view: JobView, id: number): NodeJS.Timeout {
    return setInterval(() => {
      try {
        const p = ws.conn.progress;
        if (p.percentage >= 0 && view.status === 'running') {
          view.percent = Math.round(p.percentage * 10) / 10;
          if (Number(p.rows_processed) > 0) view.rows = Number(p.rows_processed);
          this.emit(id);
        }
      } catch {
        /* no statement running */
      }
    }, 300);
  }

  private async finish(
    id: number,
    f: {
      status: JobStatus;
      errorCode?: JobErrorCode;
      error?: string;
      rejected?: QualityIssue[] | null;
      result?: JobResult | null;
      fileName?: string | null;
    },
  ): Promise<void> {
    const l = this.live.get(id)!;
    const v = l.view;
    v.status = f.status;
    v.finishedAt = now();
    v.errorCode = f.errorCode ?? null;
    v.error = f.error ?? null;
    v.rejected = f.rejected ?? null;
    v.result = f.result ?? null;
    v.fileName = f.fileName ?? null;
    if (f.status === 'succeeded' && v.percent !== null) v.percent = 100;
    await this.lock.run(() =>
      this.conn.run(
        `UPDATE jobs SET status = $status, finished_at = now()::TIMESTAMP, phase = $phase, percent = $percent,
           rows_done = $rows, error_code = $code, error = $error, rejected_json = $rejected, result_json = $result,
           file_name = $file, cancelled_by = $by WHERE job_id = $id`,
        {
          id,
          status: v.status,
          phase: v.phase,
          percent: v.percent,
          rows: v.rows,
          code: v.errorCode,
          error: v.error,
          rejected: v.rejected ? JSON.stringify(v.rejected) : null,
          result: v.result ? JSON.stringify(v.result) : null,
          file: v.fileName,
          by: l.cancelledBy ?? null,
        },
      ),
    );
    this.live.delete(id);
    if (l.emitTimer) clearTimeout(l.emitTimer);
    this.emit(id, true, v);
    l.resolve({ ...v });
  }

  private emit(id: number, now = false, view?: JobView): void {
    const l = this.live.get(id);
    const v = view ?? l?.view;
    if (!v) return;
    const send = () => {
      if (l) {
        l.lastEmit = Date.now();
        l.emitTimer = undefined;
      }
      const copy = { ...v };
      for (const fn of this.listeners) fn(copy);
    };
    if (now || !l) return send();
    if (l.emitTimer) return;
    const wait = 250 - (Date.now() - l.lastEmit);
    if (wait <= 0) send();
    else l.emitTimer = setTimeout(send, wait);
  }

  /** Job folders of finished jobs older than `days` go (downloads are kept that long). */
  pruneFiles(days = 7): void {
    let entries: string[] = [];
    try {
      entries = readdirSync(this.dir);
    } catch {
      return;
    }
    const limit = Date.now() - days * 86_400_000;
    for (const e of entries) {
      const id = Number(e);
      if (this.live.has(id)) continue;
      const p = join(this.dir, e);
      if (statSync(p).mtimeMs < limit) rmSync(p, { recursive: true, force: true });
    }
  }
}

/** The message the CLI prints for the same failure (without its 'error: ' prefix). */
export function failureMessage(err: unknown): string {
  return kindOf(err) === 'internal' ? (err instanceof Error ? err.message : String(err)) : userMessage(err);
}

interface JobRow {
  job_id: number;
  kind: string;
  title: string;
  status: JobStatus;
  phase: string | null;
  percent: number | null;
  rows_done: number | null;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error_code: JobErrorCode | null;
  error: string | null;
  rejected_json: string | null;
  result_json: string | null;
  file_name: string | null;
}

const SELECT = `SELECT job_id, kind, title, status, phase, percent, rows_done, created_by, created_at, started_at,
  finished_at, error_code, error, rejected_json, result_json, file_name FROM jobs`;

function fromRow(r: JobRow): JobView {
  return {
    id: Number(r.job_id),
    kind: r.kind,
    title: r.title,
    status: r.status,
    phase: r.phase,
    percent: r.percent === null ? null : Number(r.percent),
    rows: r.rows_done === null ? null : Number(r.rows_done),
    createdBy: r.created_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    errorCode: r.error_code,
    error: r.error,
    rejected: r.rejected_json ? (JSON.parse(r.rejected_json) as QualityIssue[]) : null,
    result: r.result_json ? (JSON.parse(r.result_json) as JobResult) : null,
    fileName: r.file_name,
  };
}

const queues = new WeakMap<JobsHost, JobQueue>();

/** The queue a server runs for its database (set up by src/server/service.ts). */
export function attachQueue(host: JobsHost, q: JobQueue): void {
  queues.set(host, q);
}

export function queueOf(host: JobsHost): JobQueue {
  const q = queues.get(host);
  if (!q) throw new Error('no job queue attached to this server');
  return q;
}
