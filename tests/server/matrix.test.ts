// Every endpoint × every role: who may call what comes from the hand-written table beside roles.json
// (roles.expected.txt), not from roles.json itself, so granting a role one more permission there fails here.
// Allowed roles get past the guard, the others get 403 and nothing is written; nobody gets in without a session;
// no change goes through without the CSRF token.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/server/routes/index.ts';
import { PERMISSIONS, ROLES, roleAllows } from '../../src/server/roles.ts';
import { storeFingerprint } from './fingerprint.ts';
import { ACCOUNTS, call, login, startTestServer, type Session, type TestServer } from './helpers.ts';

let srv: TestServer;
const sessions: Record<string, Session> = {};

beforeAll(async () => {
  srv = await startTestServer();
  for (const role of ROLES) sessions[role] = await login(srv.app, ACCOUNTS[role].username);
});
afterAll(() => srv.close());

/** roles.expected.txt as role → permissions. */
function expectedTable(): Map<string, Set<string>> {
  const lines = readFileSync(new URL('../../src/server/roles.expected.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  const [head, ...rows] = lines.map((l) => l.trim().split(/\s+/));
  const roles = head.slice(1);
  const table = new Map(roles.map((r) => [r, new Set<string>()]));
  for (const [perm, ...marks] of rows) marks.forEach((m, i) => m === 'x' && table.get(roles[i])!.add(perm));
  return table;
}
const EXPECTED = expectedTable();
const expectedAllows = (role: string, access: string) =>
  access === 'authenticated' || (EXPECTED.get(role)?.has(access) ?? false);

describe('roles.json against the hand-written table', () => {
  it('has exactly the roles and permissions of roles.expected.txt, role by role', () => {
    expect([...EXPECTED.keys()].sort()).toEqual([...ROLES].sort());
    for (const role of ROLES)
      expect(PERMISSIONS.filter((p) => roleAllows(role, p)).sort(), role).toEqual([...EXPECTED.get(role)!].sort());
  });

  it('every route is open to at least one role', () => {
    const nobody = allRoutes.filter(
      (r) => r.access !== 'public' && !ROLES.some((role) => expectedAllows(role, r.access)),
    );
    expect(nobody.map((r) => `${r.method} ${r.url} [${r.access}]`)).toEqual([]);
  });
});

/** Placeholder path parameters: the guard decides before the handler looks them up. */
const concrete = (url: string) => url.replace(/:([A-Za-z_]+)/g, 'x');
// Signing out ends the session the other rows use, so it goes last.
const routes = [...allRoutes].sort(
  (a, b) => Number(a.url === '/api/auth/logout') - Number(b.url === '/api/auth/logout'),
);

describe('role × endpoint matrix (from the route declarations)', () => {
  for (const route of routes.filter((r) => r.access !== 'public')) {
    const allowed = ROLES.filter((role) => expectedAllows(role, route.access));
    it(`${route.method} ${route.url} [${route.access}] allows ${allowed.join(', ') || 'nobody'}`, async () => {
      for (const role of ROLES) {
        const refusedRole = !allowed.includes(role);
        const before = refusedRole ? await storeFingerprint(srv.ws) : undefined;
        const res = await call(
          srv.app,
          sessions[role],
          route.method,
          concrete(route.url),
          route.method === 'GET' ? undefined : {},
        );
        if (!refusedRole) {
          expect(
            [401, 403],
            `${role} should pass the guard of ${route.method} ${route.url}: ${res.body}`,
          ).not.toContain(res.statusCode);
          expect(res.statusCode, `${role} ${route.method} ${route.url}: ${res.body}`).toBeLessThan(500);
        } else {
          expect(res.statusCode, `${role} must be refused ${route.method} ${route.url}`).toBe(403);
          expect(res.json().error).toContain(`'${route.access}'`);
          expect(await storeFingerprint(srv.ws), `${role} ${route.method} ${route.url} wrote something`).toEqual(
            before,
          );
        }
      }
    });
  }
});

describe('without a session or a CSRF token', () => {
  it('every non-public endpoint answers 401 without a session', async () => {
    for (const route of allRoutes.filter((r) => r.access !== 'public')) {
      const res = await call(srv.app, null, route.method, concrete(route.url), route.method === 'GET' ? undefined : {});
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('every change endpoint answers 403 without the CSRF header, even for a role that may make it', async () => {
    const coordinator = await login(srv.app, ACCOUNTS.coordinator.username);
    const admin = await login(srv.app, ACCOUNTS.admin.username);
    for (const route of allRoutes.filter((r) => r.access !== 'public' && r.method !== 'GET')) {
      const s = route.access === 'users.manage' ? admin : coordinator;
      const res = await srv.app.inject({
        method: route.method,
        url: concrete(route.url),
        headers: { cookie: s.cookie },
        payload: {},
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(res.json().error).toMatch(/CSRF/);
    }
  });

  it('every declared route appears in the OpenAPI document with its permission', async () => {
    const doc = (await srv.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { description: string }>>;
    };
    for (const route of allRoutes) {
      const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(op.description).toBe(route.access === 'public' ? 'No login required.' : `Requires: ${route.access}.`);
    }
  });
});
