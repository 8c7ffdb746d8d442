// Every route of the OpenAPI document, for every role and without a session, driven with generated bad input
// (fast-check, 50 cases per route and role): control characters, impossible dates, unknown or prototype keys, wrong
// types, non-finite numbers. Every answer is a 4xx — 401 without a session, 403 without the permission, else a
// refusal of the input — never a 5xx, never a stack trace, and a refusal writes nothing.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES, roleAllows, type Permission } from '../../src/server/roles.ts';
import { storeFingerprint } from './fingerprint.ts';
import { ACCOUNTS, login, startTestServer, type Session, type TestServer } from './helpers.ts';

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
}
interface Param {
  in: 'path' | 'query';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  description: string;
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface RouteCase {
  method: string;
  path: string;
  access: string;
  params: Param[];
  query: Param[];
  body?: JsonSchema;
}

const RUNS = 50;
let srv: TestServer;
const sessions: Record<string, Session> = {};
let routes: RouteCase[] = [];

/** A value of the schema's shape (the base the corruption then breaks). */
function sample(s: JsonSchema | undefined): unknown {
  if (!s) return 'a';
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf?.length) return sample(s.anyOf[0]);
  switch (s.type) {
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k])]));
    default:
      return 'a';
  }
}

const controls = fc.constantFrom('\u0000', 'a\u0000b', '\u001b[31mred', 'x\u0007y', 'line\u000bbreak');
const badDates = fc.constantFrom('2024-02-30', '0000-00-00', '2023-13-01', '2024-04-31T10:00:00', '2025-02-29');
const protoKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');
const unknownKey = fc.oneof(
  protoKeys,
  fc.stringMatching(/^[a-z]{3,10}$/).map((k) => `zz_${k}`),
);
const badNumbers = fc.constantFrom('NaN', '1e400', 'Infinity', '-Infinity', 'abc', '12abc');

type Corruption =
  | { kind: 'control' | 'date'; value: string; slot: number }
  | { kind: 'query-key'; key: string; value: string }
  | { kind: 'body-key'; key: string }
  | { kind: 'body-type'; value: unknown }
  | { kind: 'number'; value: string; slot: number };

function corruptions(r: RouteCase): fc.Arbitrary<Corruption> {
  const slots = fc.nat(20);
  const options: fc.Arbitrary<Corruption>[] = [
    fc.record({ kind: fc.constant('control' as const), value: controls, slot: slots }),
    fc.record({ kind: fc.constant('date' as const), value: badDates, slot: slots }),
    fc.record({ kind: fc.constant('query-key' as const), key: unknownKey, value: fc.constantFrom('1', 'x', '') }),
  ];
  if (r.method !== 'GET') {
    options.push(
      fc.record({ kind: fc.constant('body-key' as const), key: unknownKey }),
      fc.record({ kind: fc.constant('body-type' as const), value: fc.constantFrom(42, 'text', [], [1, 2], true) }),
    );
  }
  if (r.query.some((q) => q.schema.type === 'number' || q.schema.type === 'integer'))
    options.push(fc.record({ kind: fc.constant('number' as const), value: badNumbers, slot: slots }));
  return fc.oneof(...options);
}

/** The request for a corruption: a base of the route's shape with one part made bad. */
function request(r: RouteCase, c: Corruption): { url: string; payload?: string } {
  const params: Record<string, string> = Object.fromEntries(r.params.map((p) => [p.name, String(sample(p.schema))]));
  const query: Record<string, string> = Object.fromEntries(
    r.query.filter((q) => q.required).map((q) => [q.name, String(sample(q.schema))]),
  );
  let body: unknown = r.method === 'GET' ? undefined : (sample(r.body) ?? {});
  let raw: string | undefined;
  if (c.kind === 'control' || c.kind === 'date') {
    // A slot among the path parameters, query parameters and body fields; none of them: a query value.
    const pathSlots = r.params.map((p) => ({ at: 'path', name: p.name }));
    const querySlots = r.query.map((q) => ({ at: 'query', name: q.name }));
    const bodyProps =
      body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(r.body?.properties ?? {}) : [];
    const bodySlots = bodyProps.map((name) => ({ at: 'body', name }));
    const all = [...pathSlots, ...querySlots, ...bodySlots];
    const s = all.length ? all[c.slot % all.length] : { at: 'query', name: r.query[0]?.name ?? 'q' };
    if (s.at === 'path') params[s.name] = c.value;
    else if (s.at === 'query') query[s.name] = c.value;
    else body = { ...(body as object), [s.name]: c.value };
  } else if (c.kind === 'query-key') {
    Object.defineProperty(query, c.key, { value: c.value, enumerable: true, writable: true, configurable: true });
  } else if (c.kind === 'number') {
    const nums = r.query.filter((q) => q.schema.type === 'number' || q.schema.type === 'integer');
    query[nums[c.slot % nums.length].name] = c.value;
  } else if (c.kind === 'body-key') {
    raw = `{${JSON.stringify(c.key)}: {"polluted": true}${
      body && typeof body === 'object' && Object.keys(body).length ? ',' + JSON.stringify(body).slice(1, -1) : ''
    }}`;
  } else {
    body = c.value;
  }
  let url = r.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(params[n]));
  const qs = new URLSearchParams(Object.entries(query)).toString();
  if (qs) url += `?${qs}`;
  return { url, payload: raw ?? (body === undefined ? undefined : JSON.stringify(body)) };
}

const STACK = /\n\s+at |\.ts:\d+|node_modules|\/work\/|\/home\/|\/root\//;

// The server and its OpenAPI document are read before the tests are collected: one test per route.
srv = await startTestServer();
for (const role of ROLES) sessions[role] = await login(srv.app, ACCOUNTS[role].username);
const doc = (await srv.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
  paths: Record<string, Record<string, Operation>>;
};
for (const [path, ops] of Object.entries(doc.paths))
  for (const [method, op] of Object.entries(ops)) {
    // A server-sent event stream stays open: it is no request/answer to fuzz (tests/server/jobs.test.ts covers it).
    if (path === '/api/jobs/events') continue;
    const access =
      op.description === 'No login required.' ? 'public' : op.description.replace(/^Requires: (.*)\.$/, '$1');
    routes.push({
      method: method.toUpperCase(),
      path,
      access,
      params: (op.parameters ?? []).filter((p) => p.in === 'path'),
      query: (op.parameters ?? []).filter((p) => p.in === 'query'),
      body: op.requestBody?.content['application/json']?.schema,
    });
  }
// Signing out last: its cases must not end the sessions the other routes use.
routes = routes.sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));
afterAll(() => srv.close());

describe('route fuzzing: bad input is refused with a 4xx, writes nothing, shows no internals', () => {
  it('finds every route of the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(70);
  });

  for (const r of routes) {
    it(`${r.method} ${r.path} [${r.access}], ${RUNS} cases per role and without a session`, async () => {
      for (const role of [...ROLES, 'anonymous']) {
        const s = role === 'anonymous' ? null : sessions[role];
        const allowed =
          r.access === 'public' ||
          (s !== null && (r.access === 'authenticated' || roleAllows(role, r.access as Permission)));
        const expected = r.access === 'public' ? null : s === null ? 401 : allowed ? null : 403;
        // Reads run on read connections and write nothing by construction; for changes the store is compared before
        // and after the role's cases (row counts only grow in append-only tables, so no write can hide).
        const before = allowed && r.method !== 'GET' ? await storeFingerprint(srv.ws) : undefined;
        await fc.assert(
          fc.asyncProperty(corruptions(r), async (c) => {
            const { url, payload } = request(r, c);
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (s) {
              headers.cookie = s.cookie;
              if (r.method !== 'GET') headers['x-csrf-token'] = s.csrf;
            }
            const res = await srv.app.inject({
              method: r.method as 'GET',
              url,
              headers,
              payload,
              remoteAddress: '192.0.2.7',
            });
            const where = `${role} ${r.method} ${url} ${payload ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`;
            if (expected !== null) expect(res.statusCode, where).toBe(expected);
            else {
              expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
              expect(res.statusCode, where).toBeLessThan(500);
            }
            expect(STACK.test(res.body), where).toBe(false);
          }),
          { numRuns: RUNS, seed: 13, endOnFailure: true },
        );
        if (before)
          expect(
            await storeFingerprint(srv.ws),
            `${role} ${r.method} ${r.path}: a refused case wrote something`,
          ).toEqual(before);
      }
    });
  }
});
