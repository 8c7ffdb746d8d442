// Sessions (random token in an HttpOnly cookie, only its SHA-256 stored) and login throttling.
import { createHash, randomBytes } from 'node:crypto';
import type { Workspace } from '../workspace/workspace.ts';

export const SESSION_HOURS = 12;
/** Failed logins allowed per user name, and per client address, within THROTTLE_MINUTES. */
export const MAX_FAILURES = 5;
export const THROTTLE_MINUTES = 15;

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

/** Seconds until another attempt is allowed, or 0 when the user name and the address are not throttled. */
export async function throttleWait(ws: Workspace, username: string, ip: string): Promise<number> {
  const r = await ws.one<{ wait_user: number | null; wait_ip: number | null }>(
    `WITH recent AS NOT MATERIALIZED (
       SELECT * FROM server_login_failures WHERE failed_at > now()::TIMESTAMP - INTERVAL ${THROTTLE_MINUTES} MINUTE)
     SELECT
       (SELECT CASE WHEN count(*) >= ${MAX_FAILURES}
               THEN epoch(min(failed_at) + INTERVAL ${THROTTLE_MINUTES} MINUTE) - epoch(now()::TIMESTAMP) END
        FROM recent WHERE username = $u) AS wait_user,
       (SELECT CASE WHEN count(*) >= ${MAX_FAILURES * 4}
               THEN epoch(min(failed_at) + INTERVAL ${THROTTLE_MINUTES} MINUTE) - epoch(now()::TIMESTAMP) END
        FROM recent WHERE ip = $ip) AS wait_ip`,
    { u: username.toLowerCase(), ip },
  );
  const s = Math.max(0, r?.wait_user ?? 0, r?.wait_ip ?? 0);
  return s > 0 ? Math.ceil(s) : 0;
}

export async function recordFailure(ws: Workspace, username: string, ip: string): Promise<void> {
  await ws.run('INSERT INTO server_login_failures VALUES ($u, $ip, now()::TIMESTAMP)', {
    u: username.toLowerCase(),
    ip,
  });
}

export async function clearFailures(ws: Workspace, username: string): Promise<void> {
  await ws.run(
    `DELETE FROM server_login_failures WHERE username = $u OR failed_at < now()::TIMESTAMP - INTERVAL ${THROTTLE_MINUTES} MINUTE`,
    { u: username.toLowerCase() },
  );
}
