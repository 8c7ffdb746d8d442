// Sessions (random token in an HttpOnly cookie, only its SHA-256 stored) and the per-account sign-in delays.
import { createHash, randomBytes } from 'node:crypto';
import type { Workspace } from '../workspace/workspace.ts';

export const SESSION_HOURS = 12;
/** Failed sign-ins an account may have before each further attempt must wait. */
export const MAX_FAILURES = 5;
/** The wait after the n-th failure beyond MAX_FAILURES: 1 s, 2 s, 4 s, … up to this many seconds. */
export const MAX_DELAY_SECONDS = 15 * 60;
/** Failures older than this are forgotten. */
const FAILURE_MEMORY_HOURS = 24;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface Session {
  user_id: number;
  csrf_token: string;
  expires_at: string;
}

export async function createSession(ws: Workspace, userId: number): Promise<{ token: string; csrf: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await ws.run(
    `INSERT INTO server_sessions VALUES ($t, $u, $c, now()::TIMESTAMP, now()::TIMESTAMP + INTERVAL ${SESSION_HOURS} HOUR)`,
    { t: sha256(token), u: userId, c: csrf },
  );
  return { token, csrf };
}

export async function findSession(ws: Workspace, token: string): Promise<Session | undefined> {
  return ws.one<Session>(
    'SELECT user_id, csrf_token, expires_at FROM server_sessions WHERE token_sha256 = $t AND expires_at > now()::TIMESTAMP',
    { t: sha256(token) },
  );
}

export async function deleteSession(ws: Workspace, token: string): Promise<void> {
  await ws.run('DELETE FROM server_sessions WHERE token_sha256 = $t OR expires_at <= now()::TIMESTAMP', {
    t: sha256(token),
  });
}

/** The wait after `failures` failed sign-ins: none up to MAX_FAILURES, then doubling from 1 s. */
export function delayAfter(failures: number): number {
  if (failures < MAX_FAILURES) return 0;
  return Math.min(MAX_DELAY_SECONDS, 2 ** Math.min(30, failures - MAX_FAILURES));
}

/** Failed sign-ins of one account not yet written: how many and how long ago the last was (seconds). */
export interface PendingFailures {
  n: number;
  ago: number | null;
}

/**
 * Seconds before this account may try again (0: now). Growing delays, not a long lock: the right password
 * waits seconds after a few failures, and an administrator's password reset or re-enabling clears them.
 * `pending`: the account's failures still waiting to be written (FailureLog).
 */
export async function accountWait(
  ws: Workspace,
  username: string,
  pending: PendingFailures = { n: 0, ago: null },
): Promise<number> {
  const r = await ws.one<{ n: number; ago: number | null }>(
    `SELECT count(*) AS n, epoch(now()::TIMESTAMP) - epoch(max(failed_at)) AS ago FROM server_login_failures
     WHERE username = $u AND failed_at > now()::TIMESTAMP - INTERVAL ${FAILURE_MEMORY_HOURS} HOUR`,
    { u: username.toLowerCase() },
  );
  const agos = [r?.ago, pending.ago].filter((x) => x !== null && x !== undefined).map(Number);
  const ago = agos.length ? Math.min(...agos) : 0;
  const wait = delayAfter(Number(r?.n ?? 0) + pending.n) - ago;
  return wait > 0 ? Math.ceil(wait) : 0;
}

/** Rows per INSERT of a flush (bound parameters per statement stay bounded under a spread-out flood). */
const FLUSH_CHUNK = 200;

/**
 * Failed sign-ins of a served workspace, written in groups: a failure joins the write already waiting for the lock,
 * so a burst of failures takes the write lock a few times instead of once each (bench http: writers beside a login
 * flood). The write lock is first come, first served: every failure recorded before an administrator's reset is
 * queued is written before the reset runs, and cleared by it.
 */
export class FailureLog {
  private pending: { u: string; ip: string; at: number }[] = [];
  private flush: Promise<void> | undefined;

  constructor(
    private readonly exclusive: (fn: (ws: Workspace) => Promise<void>) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a failure; resolves once it is written. */
  record(username: string, ip: string): Promise<void> {
    this.pending.push({ u: username.toLowerCase(), ip, at: this.now() });
    this.flush ??= this.exclusive(async (ws) => {
      this.flush = undefined;
      await writeFailures(ws, this.pending.splice(0), this.now());
    });
    return this.flush;
  }

  /** The account's failures recorded but not yet written. */
  pendingFor(username: string): PendingFailures {
    const u = username.toLowerCase();
    const mine = this.pending.filter((p) => p.u === u);
    if (!mine.length) return { n: 0, ago: null };
    return { n: mine.length, ago: (this.now() - Math.max(...mine.map((p) => p.at))) / 1000 };
  }
}

async function writeFailures(ws: Workspace, batch: { u: string; ip: string; at: number }[], now: number) {
  for (let i = 0; i < batch.length; i += FLUSH_CHUNK) {
    const params: Record<string, unknown> = {};
    // Each failure keeps its own time: the database's clock less how long it waited in memory.
    const values = batch.slice(i, i + FLUSH_CHUNK).map((f, k) => {
      params[`u${k}`] = f.u;
      params[`ip${k}`] = f.ip;
      params[`ms${k}`] = Math.max(0, Math.round(now - f.at));
      return `($u${k}, $ip${k}, now()::TIMESTAMP - to_milliseconds($ms${k}::BIGINT))`;
    });
    await ws.run(`INSERT INTO server_login_failures VALUES ${values.join(', ')}`, params);
  }
}

export async function clearFailures(ws: Workspace, username: string): Promise<void> {
  await ws.run(
    `DELETE FROM server_login_failures WHERE username = $u OR failed_at < now()::TIMESTAMP - INTERVAL ${FAILURE_MEMORY_HOURS} HOUR`,
    { u: username.toLowerCase() },
  );
}
