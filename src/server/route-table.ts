// Every endpoint is declared once, as data: method, url, permission, schemas, and (for changes) the history
// action. registerRoutes() turns each declaration into a Fastify route whose guard checks the permission
// and whose changes are written, with their history entry, in one transaction.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import { recordChange } from '../history/history.ts';
import { formatAnchor, historyHead } from '../history/anchor.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { ServerDb } from './db.ts';
import type { Permission } from './roles.ts';
import type { AuthUser } from './auth.ts';
import { safeFilename } from '../exports/cells.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** 'public': no login; 'authenticated': any signed-in user; otherwise a permission from roles.json. */
export type Access = 'public' | 'authenticated' | Permission;

export interface Ctx<P, Q, B> {
  db: ServerDb;
  /** The signed-in user; for 'public' routes it may be absent. */
  user: AuthUser;
  params: P;
  query: Q;
  body: B;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface Change {
  /** Nothing changed (e.g. the same configuration saved again): no history entry. */
  unchanged?: boolean;
  entityId?: string | null;
  orgUnit?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface FileResult {
  filename: string;
  contentType: string;
  /** A stream for large files (job downloads). */
  data: Buffer | string | NodeJS.ReadableStream;
}

interface Base<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
}

export interface ReadRoute<P extends ZodType, Q extends ZodType, B extends ZodType, R extends ZodType> extends Base<
  P,
  Q,
  B
> {
  response: R;
  /**
   * Keep answers until the next change (db.version): the server is the workspace's only writer while it runs,
   * so an answer stays right until something is written through it. Keyed by URL, language and unit scope.
   */
  cache?: boolean;
  read: (ctx: Ctx<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<z.infer<R>>;
}

export interface ChangeRoute<P extends ZodType, Q extends ZodType, B extends ZodType, R extends ZodType> extends Base<
  P,
  Q,
  B
> {
  response: R;
  /** The history entry this endpoint writes: declared here, written by the framework. */
  audit: { action: string; entityType: string };
  /** Runs inside one transaction on the write connection; returns the response and what changed. */
  change: (
    ctx: Ctx<z.infer<P>, z.infer<Q>, z.infer<B>>,
    ws: Workspace,
  ) => Promise<{ result: z.infer<R>; change: Change }>;
}

export interface FileRoute<P extends ZodType, Q extends ZodType, B extends ZodType> extends Base<P, Q, B> {
  file: (ctx: Ctx<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<FileResult>;
}

export type RouteDef = (ReadRoute<any, any, any, any> | ChangeRoute<any, any, any, any> | FileRoute<any, any, any>) & {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
};

const none = z.object({}).strict();

/** Declares a read-only endpoint (typed from its schemas). */
export function readRoute<
  P extends ZodType = typeof none,
  Q extends ZodType = typeof none,
  B extends ZodType = typeof none,
  R extends ZodType = ZodType,
>(def: ReadRoute<P, Q, B, R>): RouteDef {
  return def as RouteDef;
}

/** Declares an endpoint that changes something and is recorded in the history. */
export function changeRoute<
  P extends ZodType = typeof none,
  Q extends ZodType = typeof none,
  B extends ZodType = typeof none,
  R extends ZodType = ZodType,
>(def: ChangeRoute<P, Q, B, R>): RouteDef {
  return def as RouteDef;
}

/** Declares a download (xlsx, docx, csv). */
export function fileRoute<
  P extends ZodType = typeof none,
  Q extends ZodType = typeof none,
  B extends ZodType = typeof none,
>(def: FileRoute<P, Q, B>): RouteDef {
  return def as RouteDef;
}

export function isChange(r: RouteDef): r is ChangeRoute<any, any, any, any> & RouteDef {
  return 'change' in r;
}

export interface Guard {
  /** Authenticates the request and checks CSRF and the permission; throws HttpError otherwise. */
  (req: FastifyRequest, route: RouteDef): Promise<AuthUser | undefined>;
}

const users = new WeakMap<FastifyRequest, AuthUser>();

/** History entity types whose change may alter a signed-in user's account, roles or office scope. */
const AUTH_ENTITIES = new Set(['user', 'org_unit']);

/** Answers of cacheable reads, dropped as soon as anything changes. */
class AnswerCache {
  private map = new Map<string, unknown>();
  private version = -1;
  get(key: string, version: number): unknown {
    if (version !== this.version) return undefined;
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v); // most recently used last
    }
    return v;
  }
  set(key: string, version: number, value: unknown): void {
    if (version < this.version) return; // computed before a change that has since landed
    if (version !== this.version) {
      this.map.clear();
      this.version = version;
    }
    this.map.set(key, value);
    if (this.map.size > 5000) this.map.delete(this.map.keys().next().value!);
  }
}

export function registerRoutes(
  app: FastifyInstance,
  db: ServerDb,
  routes: RouteDef[],
  guard: Guard,
  opts: { answerCache: boolean } = { answerCache: true },
): void {
  const answers = new AnswerCache();
  const inFlight = new Map<string, Promise<unknown>>();
  for (const route of routes) {
    const schema: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      description: route.access === 'public' ? 'No login required.' : `Requires: ${route.access}.`,
    };
    // Top-level keys a declaration does not name are refused (a typo or a probe is an error, not silently dropped);
    // a route without a query or body schema takes none.
    if (route.params) schema.params = strictTop(route.params);
    schema.querystring = route.query ? strictTop(route.query) : none;
    if (route.body) schema.body = strictTop(route.body);
    else if (route.method !== 'GET') schema.body = none;
    if ('response' in route) schema.response = { 200: route.response };

    app.route({
      method: route.method,
      url: route.url,
      schema,
      config: { access: route.access },
      // The guard runs first, before the body is even parsed: unauthenticated or unauthorised requests learn nothing.
      onRequest: async (req) => {
        const user = await guard(req, route);
        if (user) users.set(req, user);
      },
      handler: async (req, reply) => {
        const user = users.get(req) as AuthUser;
        const ctx = { db, user, params: req.params, query: req.query, body: req.body, req, reply };
        if ('file' in route) {
          const f = await route.file(ctx);
          const ascii = safeFilename(f.filename);
          // Every download names the history head it was made at: kept outside, it anchors a later verification.
          const head = await db.read((ws) => historyHead(ws));
          return reply
            .header('x-cip-history-head', formatAnchor(head))
            .header('content-type', f.contentType)
            .header(
              'content-disposition',
              `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`,
            )
            .send(f.data);
        }
        if (isChange(route)) {
          let auth = AUTH_ENTITIES.has(route.audit.entityType);
          return db.write(
            async (ws) => {
              // Domain functions shared with the CLI may record their own entries (with this user as actor).
              // The declared entry is written unless one of that entity type is already there.
              const written: { actor: string; entity_type: string }[] = [];
              ws.historyTap = (e) => written.push({ actor: e.actor, entity_type: e.entity_type });
              let outcome: Awaited<ReturnType<typeof route.change>>;
              try {
                outcome = await route.change(ctx, ws);
              } finally {
                ws.historyTap = undefined;
              }
              const { result, change } = outcome;
              if (written.some((w) => AUTH_ENTITIES.has(w.entity_type))) auth = true;
              const stranger = written.find((w) => w.actor !== user.username);
              if (stranger)
                throw new Error(`history entry written as '${stranger.actor}' during a change by '${user.username}'`);
              if (change.unchanged || written.some((w) => w.entity_type === route.audit.entityType)) return result;
              await recordChange(ws, {
                actor: user.username,
                action: route.audit.action,
                entityType: route.audit.entityType,
                entityId: change.entityId ?? null,
                orgUnit: change.orgUnit ?? user.unit_id,
                before: change.before,
                after: change.after,
              });
              return result;
            },
            () => auth,
          );
        }
        const read = route as ReadRoute<any, any, any, any>;
        if (!read.cache || !opts.answerCache || route.method !== 'GET') return read.read(ctx);
        const key = `${req.url}\u0000${user?.language ?? ''}\u0000${user?.offices?.join('\u001f') ?? '*'}`;
        const hit = answers.get(key, db.version);
        if (hit !== undefined) return hit;
        // Single flight: identical requests arriving while the first is computed wait for its answer.
        const version = db.version;
        const flightKey = `${version}\u0000${key}`;
        let flight = inFlight.get(flightKey);
        if (!flight) {
          flight = read.read(ctx).finally(() => inFlight.delete(flightKey));
          inFlight.set(flightKey, flight);
          flight.then(
            (result) => answers.set(key, version, result),
            () => undefined,
          );
        }
        return flight;
      },
    });
  }
}

function strictTop(s: ZodType): ZodType {
  return s instanceof z.ZodObject ? s.strict() : s;
}

/** Object keys no request may carry (prototype pollution), at any depth. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Control characters: none in paths, queries and keys; in body text only tab and line breaks. */
const CONTROL_ANY = /[\u0000-\u001f\u007f]/;
const CONTROL_BODY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A value shaped like an ISO date (alone or followed by a time) must be a day of the calendar. */
const DATE_SHAPED = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * The rules every route shares, checked before its own schema: no prototype keys, no control characters, only
 * real calendar dates, no nesting deeper than 20. Returns the first problem as a sentence, or null.
 */
export function inputProblem(data: unknown, part: string, path = part, depth = 0): string | null {
  if (depth > 20) return `${path}: nested too deeply`;
  if (typeof data === 'string') {
    if ((part === 'body' ? CONTROL_BODY : CONTROL_ANY).test(data)) return `${path}: control characters are not allowed`;
    const m = DATE_SHAPED.exec(data);
    if (m && !realDate(Number(m[1]), Number(m[2]), Number(m[3]))) return `${path}: ${m[0].trim()} is not a real date`;
    return null;
  }
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const p = inputProblem(data[i], part, `${path}.${i}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (data && typeof data === 'object') {
    for (const k of Object.keys(data)) {
      if (FORBIDDEN_KEYS.has(k) || CONTROL_ANY.test(k))
        return `${path}: key '${JSON.stringify(k).slice(1, -1)}' is not allowed`;
      const p = inputProblem((data as Record<string, unknown>)[k], part, `${path}.${k}`, depth + 1);
      if (p) return p;
    }
  }
  return null;
}

/** Zod schemas validate requests and responses; @fastify/swagger documents them as JSON schema. */
export function useZod(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const s = schema as unknown as ZodType;
    const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'request');
    return (data: unknown) => {
      const problem = inputProblem(data, part);
      if (problem) return { error: Object.assign(new Error(problem), { validation: [], problem }) };
      const r = s.safeParse(data ?? {});
      if (r.success) return { value: r.data };
      const msg = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return { error: Object.assign(new Error(msg), { validation: r.error.issues }) };
    };
  });
  app.setSerializerCompiler(({ schema, url }) => {
    const s = schema as unknown as ZodType;
    return (data: unknown) => {
      const r = s.safeParse(data);
      if (!r.success) {
        const msg = r.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        throw new Error(`response of ${url} does not match its schema: ${msg}`);
      }
      return JSON.stringify(r.data);
    };
  });
}

/** For @fastify/swagger: turn the zod schemas of a route into OpenAPI 3.0 JSON schema. */
export function zodToOpenApi({ schema, url }: { schema: Record<string, unknown>; url: string }): {
  schema: Record<string, unknown>;
  url: string;
} {
  if (!schema) return { schema, url };
  const out: Record<string, unknown> = { ...schema };
  const conv = (s: unknown, io: 'input' | 'output') =>
    s instanceof z.ZodType ? z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) : s;
  for (const k of ['params', 'querystring', 'body'] as const) if (schema[k]) out[k] = conv(schema[k], 'input');
  if (schema.response) {
    out.response = Object.fromEntries(
      Object.entries(schema.response as Record<string, unknown>).map(([c, s]) => [c, conv(s, 'output')]),
    );
  }
  return { schema: out, url };
}
