// Who is calling: session cookie → user, CSRF double-submit check on changes, permission check.
import { DomainError } from '../errors/index.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDb } from './db.ts';
import type { RouteDef } from './route-table.ts';
import { permissionsOf, type Permission } from './roles.ts';
import { findSession } from './sessions.ts';
import { getUserById, type Language } from './users.ts';
import { officeScope } from './units.ts';

export const SESSION_COOKIE = 'cip_session';
export const CSRF_COOKIE = 'cip_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthUser {
  user_id: number;
  username: string;
  display_name: string | null;
  roles: string[];
  unit_id: string;
  language: Language;
  permissions: Set<Permission>;
  /** Offices whose operators this user may see; null = all (HQ). */
  offices: string[] | null;
  csrf: string;
}

/** Secure cookies when the client reached us over TLS (directly or through a proxy saying so). */
export function isTls(req: FastifyRequest): boolean {
  return (
    req.protocol === 'https' ||
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      .trim() === 'https'
  );
}

export function setSessionCookies(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  csrf: string,
  maxAgeSec: number,
): void {
  const secure = isTls(req);
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: maxAgeSec });
  reply.setCookie(CSRF_COOKIE, csrf, { httpOnly: false, sameSite: 'strict', secure, path: '/', maxAge: maxAgeSec });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Short-lived cache of session → user, dropped whenever users, units or sessions change (db.authVersion). */
class SessionCache {
  private map = new Map<string, { user: AuthUser; at: number; version: number }>();
  get(token: string, version: number): AuthUser | undefined {
    const e = this.map.get(token);
    if (!e || e.version !== version || Date.now() - e.at > 10_000) return undefined;
    return e.user;
  }
  set(token: string, version: number, user: AuthUser): void {
    if (this.map.size > 10_000) this.map.clear();
    this.map.set(token, { user, at: Date.now(), version });
  }
}

export async function loadUser(db: ServerDb, token: string | undefined): Promise<AuthUser | undefined> {
  if (!token) return undefined;
  return db.read(async (ws) => {
    const s = await findSession(ws, token);
    if (!s) return undefined;
    const u = await getUserById(ws, s.user_id);
    if (!u || u.disabled) return undefined;
    return {
      user_id: u.user_id,
      username: u.username,
      display_name: u.display_name,
      roles: u.roles,
      unit_id: u.unit_id,
      language: u.language,
      permissions: permissionsOf(u.roles),
      offices: await officeScope(ws, u.unit_id),
      csrf: s.csrf_token,
    };
  });
}

export function makeGuard(db: ServerDb) {
  const cache = new SessionCache();
  return async (req: FastifyRequest, route: RouteDef): Promise<AuthUser | undefined> => {
    if (route.access === 'public') return undefined;
    const token = req.cookies[SESSION_COOKIE];
    let user = token ? cache.get(token, db.authVersion) : undefined;
    if (!user && token) {
      const version = db.authVersion;
      user = await loadUser(db, token);
      if (user) cache.set(token, version, user);
    }
    if (!user) throw new DomainError('not signed in (or the session expired): sign in at /login', 'unauthenticated');
    if (!SAFE.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      if (typeof header !== 'string' || header !== user.csrf || req.cookies[CSRF_COOKIE] !== user.csrf) {
        throw new DomainError(
          `missing or wrong CSRF token: send the ${CSRF_COOKIE} cookie value in the ${CSRF_HEADER} header`,
          'forbidden',
        );
      }
    }
    if (route.access !== 'authenticated' && !user.permissions.has(route.access)) {
      throw new DomainError(`your role (${user.roles.join(', ')}) does not give '${route.access}'`, 'forbidden');
    }
    return user;
  };
}
