// Sign in, sign out, the signed-in user, their language and password.
import { DomainError } from '../../errors/index.ts';
import { z } from 'zod';
import { clearSessionCookies, setSessionCookies, SESSION_COOKIE } from '../auth.ts';
import { AddressThrottle } from '../login-throttle.ts';
import { verifyPassword, verifyUnknownUser } from '../passwords.ts';
import { changeRoute, readRoute, type RouteDef } from '../route-table.ts';
import type { ServerDb } from '../db.ts';
import { accountWait, clearFailures, createSession, deleteSession, FailureLog, SESSION_HOURS } from '../sessions.ts';
import { LANGUAGES, passwordHashOf, updateUser } from '../users.ts';

export const Me = z.object({
  username: z.string(),
  display_name: z.string().nullable(),
  roles: z.array(z.string()),
  unit_id: z.string(),
  language: z.enum(LANGUAGES),
  permissions: z.array(z.string()),
  offices: z.array(z.string()).nullable(),
});
/** The signed-in user as GET /api/me answers it (the web app's session). */
export type MeOut = z.infer<typeof Me>;

const Ok = z.object({ ok: z.literal(true) });

/** Sign-in attempts per client address (one process serves a workspace, so memory is the right place). */
const addressThrottle = new AddressThrottle();
const THROTTLED_PAUSE_MS = 1000;
/** Failed sign-ins waiting to be written, per served workspace. */
const failureLogs = new WeakMap<ServerDb, FailureLog>();
function failureLog(db: ServerDb): FailureLog {
  let log = failureLogs.get(db);
  if (!log) {
    log = new FailureLog((fn) => db.exclusive(fn, { auth: false, answers: false }));
    failureLogs.set(db, log);
  }
  return log;
}

export const authRoutes: RouteDef[] = [
  readRoute({
    method: 'POST',
    url: '/api/auth/login',
    summary: 'Sign in with a local account; sets the session and CSRF cookies',
    tag: 'auth',
    access: 'public',
    body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
    response: z.object({ username: z.string(), language: z.enum(LANGUAGES), csrf: z.string() }),
    read: async ({ db, body, req, reply }) => {
      const tooMany = (wait: number) => {
        reply.header('retry-after', String(wait));
        return new DomainError(`too many sign-in attempts; try again in ${wait} second(s)`, 'rate_limited');
      };
      // 1. The address, in memory: a flood stops here, before any lock, read or hash.
      // The answer comes after a pause: a client that floods waits for it, so the flood paces itself instead of
      // taking the event loop from signed-in users (bench http: writers beside a 50-connection flood).
      const addressWait = addressThrottle.take(req.ip);
      if (addressWait > 0) {
        await new Promise((r) => setTimeout(r, THROTTLED_PAUSE_MS));
        throw tooMany(addressWait);
      }
      // 2. The account's delay and its hash, on a read connection (no write lock).
      const failures = failureLog(db);
      const { wait, found } = await db.read(async (ws) => ({
        wait: await accountWait(ws, body.username, failures.pendingFor(body.username)),
        found: await passwordHashOf(ws, body.username),
      }));
      if (wait > 0) throw tooMany(wait);
      // 3. One scrypt verification whether the user exists, is disabled or not: timing tells nothing.
      const matches = found ? await verifyPassword(body.password, found.hash) : await verifyUnknownUser(body.password);
      if (!found || found.user.disabled || !matches) {
        await failures.record(body.username, req.ip);
        throw new DomainError('wrong user name or password', 'unauthenticated');
      }
      addressThrottle.refund(req.ip);
      const s = await db.exclusive(
        async (ws) => {
          await clearFailures(ws, body.username);
          return createSession(ws, found.user.user_id);
        },
        { auth: false },
      );
      setSessionCookies(req, reply, s.token, s.csrf, SESSION_HOURS * 3600);
      return { username: found.user.username, language: found.user.language, csrf: s.csrf };
    },
  }),
  readRoute({
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'Sign out: ends the session',
    tag: 'auth',
    access: 'authenticated',
    response: Ok,
    read: async ({ db, req, reply }) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await db.exclusive((ws) => deleteSession(ws, token));
      clearSessionCookies(reply);
      return { ok: true as const };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/me',
    summary: 'The signed-in user: roles, unit, permissions, language',
    tag: 'auth',
    access: 'authenticated',
    response: Me,
    read: async ({ user }) => ({
      username: user.username,
      display_name: user.display_name,
      roles: user.roles,
      unit_id: user.unit_id,
      language: user.language,
      permissions: [...user.permissions].sort(),
      offices: user.offices,
    }),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/me/language',
    summary: 'Remember the interface language of the signed-in user',
    tag: 'auth',
    access: 'authenticated',
    audit: { action: 'users.language', entityType: 'user' },
    body: z.object({ language: z.enum(LANGUAGES) }),
    response: z.object({ language: z.enum(LANGUAGES) }),
    change: async ({ user, body }, ws) => {
      const c = await updateUser(ws, user.username, { language: body.language });
      return {
        result: { language: c.user.language },
        change: { entityId: user.username, orgUnit: c.user.unit_id, before: c.before, after: c.after },
      };
    },
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/me/password',
    summary: "Change the signed-in user's password (current password required)",
    tag: 'auth',
    access: 'authenticated',
    audit: { action: 'users.password', entityType: 'user' },
    body: z.object({ current: z.string().min(1).max(200), password: z.string().min(10).max(200) }),
    response: Ok,
    change: async ({ user, body }, ws) => {
      const found = await passwordHashOf(ws, user.username);
      if (!found || !(await verifyPassword(body.current, found.hash)))
        throw new DomainError('current password is wrong', 'invalid');
      const c = await updateUser(ws, user.username, { password: body.password });
      return {
        result: { ok: true as const },
        change: { entityId: user.username, orgUnit: c.user.unit_id, before: c.before, after: c.after },
      };
    },
  }),
];
