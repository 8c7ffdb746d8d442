// Every endpoint × every role, generated from the route declarations: allowed roles get past the guard,
// the others get 403; nobody gets in without a session; no change goes through without the CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/server/routes/index.ts';
import { ROLES, roleAllows } from '../../src/server/roles.ts';
import { ACCOUNTS, call, login, startTestServer, type Session, type TestServer } from './helpers.ts';

let srv: TestServer;
const sessions: Record<string, Session> = {};

beforeAll(async () => {
  srv = await startTestServer();
  for (const role of ROLES) sessions[role] = await login(srv.app, ACCOUNTS[role].username);
});
afterAll(() => srv.close());

/** Placeholder path parameters: the guard decides before the handler looks them up. */
const concrete = (url: string) => url.replace(/:([A-Za-z_]+)/g, 'x');
// Signing out ends the session the other rows use, so it goes last.
const routes = [...allRoutes].sort(
  (a, b) => Number(a.url === '/api/auth/logout') - Number(b.url === '/api/auth/logout'),
);

describe('role × endpoint matrix (from the route declarations)', () => {
  for (const route of routes.filter((r) => r.access !== 'public')) {
    const allowed = ROLES.filter((role) => route.access === 'authenticated' || roleAllows(role, route.access));
    it(`${route.method} ${route.url} [${route.access}] allows ${allowed.join(', ') || 'nobody'}`, async () => {
      for (const role of ROLES) {
        const res = await call(
          srv.app,
          sessions[role],
          route.method,
          concrete(route.url),
          route.method === 'GET' ? undefined : {},
        );
        if (allowed.includes(role)) {
          expect(
            [401, 403],
            `${role} should pass the guard of ${route.method} ${route.url}: ${res.body}`,
          ).not.toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${role} must be refused ${route.method} ${route.url}`).toBe(403);
          expect(res.json().error).toContain(`'${route.access}'`);
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
