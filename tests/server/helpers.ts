// A small workspace with one account per role and an in-process app driven by fastify.inject.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Workspace } from '../../src/workspace/workspace.ts';
import { recordChange } from '../../src/history/history.ts';
import { buildApp } from '../../src/server/app.ts';
import { ServerDb } from '../../src/server/db.ts';
import { ROLES } from '../../src/server/roles.ts';
import { syncUnits } from '../../src/server/units.ts';
import { addUser } from '../../src/server/users.ts';
import { tmpDir } from '../helpers/tmp.ts';

export const PASSWORD = 'correct-horse-42';

/** Role → the account used for it, and its unit. Directors sit at a directorate, operational users at an office. */
export const ACCOUNTS: Record<string, { username: string; unit: string }> = {
  head: { username: 'head', unit: 'HQ' },
  director: { username: 'director', unit: 'dir:North' },
  coordinator: { username: 'coordinator', unit: 'HQ' },
  subcommittee: { username: 'subcommittee', unit: 'HQ' },
  operational: { username: 'operational', unit: 'office:N1' },
  auditor: { username: 'auditor', unit: 'HQ' },
  admin: { username: 'admin', unit: 'HQ' },
};

export interface TestServer {
  ws: Workspace;
  db: ServerDb;
  app: FastifyInstance;
  close: () => Promise<void>;
}

/** Operators in two directorates and three offices, so unit scoping can be tested. */
export async function seedOperators(ws: Workspace): Promise<void> {
  await ws.run(`INSERT INTO operators (operator_id, name, region, office) VALUES
    ('NIT-001', 'Alfa Importaciones SA', 'North', 'N1'),
    ('NIT-002', 'Beta Comercial SRL', 'North', 'N2'),
    ('NIT-003', 'Gamma Trading Ltd', 'South', 'S1')`);
}

/**
 * 1,800 declaration lines of 60 operators over 2024-2025 (three offices, brokers, suppliers, findings), then
 * the general GRI computed by the segmentation module, exactly as `cip gri compute` would.
 */
export async function seedLines(ws: Workspace): Promise<void> {
  await ws.run(`INSERT INTO operators (operator_id, name, region, office)
    SELECT 'NIT-' || lpad(k::VARCHAR, 3, '0'), 'Operator ' || k, CASE WHEN k % 3 = 2 THEN 'South' ELSE 'North' END,
           CASE k % 3 WHEN 0 THEN 'N1' WHEN 1 THEN 'N2' ELSE 'S1' END
    FROM range(4, 61) t(k)`);
  await ws.run(`INSERT INTO declaration_lines (declaration_id, line_no, date, flow, office, operator_id, declarant_id, supplier_id, hs_code,
      origin_country, value, duty, vat, channel, inspected, finding, compliance_risk)
    SELECT 'D' || i, 1, DATE '2024-01-01' + (i % 700)::INTEGER, 'import', CASE k % 3 WHEN 0 THEN 'N1' WHEN 1 THEN 'N2' ELSE 'S1' END,
           'NIT-' || lpad(k::VARCHAR, 3, '0'), 'BRK' || (i % 7), 'SUP' || (i % 11),
           CASE WHEN i % 5 = 0 THEN '8471300000' WHEN i % 5 = 1 THEN '6203420000' ELSE '2204210000' END,
           CASE WHEN i % 4 = 0 THEN 'CN' ELSE 'US' END,
           (k % 20) ^ 3 * 60 + 100 + i % 900, ((k % 20) ^ 3 * 60 + 100) * 0.1, ((k % 20) ^ 3 * 60 + 100) * 0.15,
           CASE WHEN i % 4 = 0 THEN 'red' ELSE 'green' END, i % 4 = 0,
           i % 4 = 0 AND (k % 4 = 0 OR i % 13 = 0), CASE WHEN i % 4 = 0 AND (k % 4 = 0 OR i % 13 = 0) THEN 'valuation' END
    FROM (SELECT i, 1 + i % 60 AS k FROM range(0, 1800) t(i))`);
}

export async function startTestServer(seed?: (ws: Workspace) => Promise<void>): Promise<TestServer> {
  const ws = await Workspace.open(tmpDir('cip-server-'), { create: true });
  await seedOperators(ws);
  if (seed) await seed(ws);
  await syncUnits(ws);
  for (const role of ROLES) {
    const a = ACCOUNTS[role];
    const c = await addUser(ws, { username: a.username, roles: role, unitId: a.unit, password: PASSWORD });
    await recordChange(ws, {
      actor: 'test',
      action: 'users.add',
      entityType: 'user',
      entityId: a.username,
      after: c.after,
    });
  }
  const s1 = await addUser(ws, {
    username: 'operational-s1',
    roles: 'operational',
    unitId: 'office:S1',
    password: PASSWORD,
  });
  await recordChange(ws, {
    actor: 'test',
    action: 'users.add',
    entityType: 'user',
    entityId: 'operational-s1',
    after: s1.after,
  });
  const db = await ServerDb.attach(ws, 2);
  const app = await buildApp(db, { web: false });
  return {
    ws,
    db,
    app,
    close: async () => {
      await app.close();
      await db.close();
      ws.close();
    },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
  username: string;
}

export async function login(
  app: FastifyInstance,
  username: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookies = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
  return {
    cookie: `cip_session=${cookies.cip_session}; cip_csrf=${cookies.cip_csrf}`,
    csrf: cookies.cip_csrf,
    username,
  };
}

/** A request as the signed-in user, with the CSRF header on changes. */
export function call(
  app: FastifyInstance,
  s: Session | null,
  method: string,
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (s) {
    headers.cookie = s.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = s.csrf;
  }
  return app.inject({ method: method as 'GET', url, headers, payload: payload as object | undefined });
}
