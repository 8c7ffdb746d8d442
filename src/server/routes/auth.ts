// Sign in, sign out, the signed-in user, their language and password.
import { DomainError } from '../../errors/index.ts';
import { z } from 'zod';
import { clearSessionCookies, setSessionCookies, SESSION_COOKIE } from '../auth.ts';
import { verifyPassword } from '../passwords.ts';
import { changeRoute, readRoute, type RouteDef } from '../route-table.ts';
import {
  clearFailures,
  createSession,
  deleteSession,
  recordFailure,
  SESSION_HOURS,
  throttleWait,
} from '../sessions.ts';
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

const Ok = z.object({ ok: z.literal(true) });

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
      const ip = req.ip;
      const outcome = await db.exclusive(async (ws) => {
        const wait = await throttleWait(ws, body.username, ip);
        if (wait > 0) return { wait };
        const found = await passwordHashOf(ws, body.username);
        const ok = found && !found.user.disabled && (await verifyPassword(body.password, found.hash));
        if (!ok || !found) {
          await recordFailure(ws, body.username, ip);
          return { failed: true as const };
        }
        await clearFailures(ws, body.username);
        const s = await createSession(ws, found.user.user_id);
        return { user: found.user, ...s };
      });
      if ('wait' in outcome) {
        reply.header('retry-after', String(outcome.wait));
        throw new DomainError(
          `too many failed sign-ins; try again in ${Math.ceil(outcome.wait! / 60)} minute(s)`,
          'rate_limited',
        );
      }
      if ('failed' in outcome) throw new DomainError('wrong user name or password', 'unauthenticated');
      setSessionCookies(req, reply, outcome.token!, outcome.csrf!, SESSION_HOURS * 3600);
      return { username: outcome.user!.username, language: outcome.user!.language, csrf: outcome.csrf! };
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
