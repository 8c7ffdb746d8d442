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

/**
 * Seconds before this account may try again (0: now). Growing delays, not a long lock: the right password
 * waits seconds after a few failures, and an administrator's password reset or re-enabling clears them.
 */
export async function accountWait(ws: Workspace, username: string): Promise<number> {
  const r = await ws.one<{ n: number; ago: number | null }>(
    `SELECT count(*) AS n, epoch(now()::TIMESTAMP) - epoch(max(failed_at)) AS ago FROM server_login_failures
     WHERE username = $u AND failed_at > now()::TIMESTAMP - INTERVAL ${FAILURE_MEMORY_HOURS} HOUR`,
    { u: username.toLowerCase() },
  );
  const wait = delayAfter(Number(r?.n ?? 0)) - Number(r?.ago ?? 0);
  return wait > 0 ? Math.ceil(wait) : 0;
}

export async function recordFailure(ws: Workspace, username: string, ip: string): Promise<void> {
  await ws.run('INSERT INTO server_login_failures VALUES ($u, $ip, now()::TIMESTAMP)', {
    u: username.toLowerCase(),
    ip,
  });
}

export async function clearFailures(ws: Workspace, username: string): Promise<void> {
  await ws.run(
    `DELETE FROM server_login_failures WHERE username = $u OR failed_at < now()::TIMESTAMP - INTERVAL ${FAILURE_MEMORY_HOURS} HOUR`,
    { u: username.toLowerCase() },
  );
}
