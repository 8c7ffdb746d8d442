// The server as the workspace's single owner: its job queue, uploads (multipart, streamed to disk), the jobs'
// event stream (server-sent events) and the local-operator endpoint through which `cip` commands run in the server.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../errors/index.ts';
import { attachQueue, JobQueue, queueOf, type QueueOptions } from '../jobs/queue.ts';
import type { JobView } from '../jobs/view.ts';
import { jobKindOf, runRemote, type RemoteEvent, type RemoteOutcome } from '../cli/transport/run-remote.ts';
import { LOCAL_OPERATOR_PATH, TOKEN_HEADER } from '../cli/transport/client.ts';
import type { Workspace, WorkspaceLender } from '../workspace/workspace.ts';
import type { ServerDb } from './db.ts';
import type { AuthUser } from './auth.ts';
import { jobForReader } from '../jobs/kinds.ts';
import type { Guard, RouteDef } from './route-table.ts';
import { setUploadLimit } from './uploads.ts';

export interface ServiceOptions extends QueueOptions {
  /** Largest upload in bytes (default 4 GiB). */
  uploadLimit?: number;
  /** The local operator's token (cip serve writes it to <workspace>/.cip-server.token); without it no CLI access. */
  localToken?: string;
}

export const DEFAULT_UPLOAD_LIMIT = 4 * 1024 ** 3;

/** Registers everything before the routes (the multipart parser must exist when they are declared). */
export async function setupService(
  app: FastifyInstance,
  db: ServerDb,
  guard: Guard,
  opts: ServiceOptions = {},
): Promise<void> {
  const queue = await JobQueue.start(db, opts);
  attachQueue(db, queue);
  queue.pruneFiles();
  app.addHook('onClose', async () => queue.stop());
  const limit = opts.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
  setUploadLimit(db, limit);
  await app.register(fastifyMultipart, { limits: { fileSize: limit, files: 1, fields: 10 } });
  registerJobEvents(app, db, guard);
  if (opts.localToken) registerLocalOperator(app, db, opts.localToken);
}

const eventUsers = new WeakMap<FastifyRequest, AuthUser>();

/** GET /api/jobs/events: every change of a job as a server-sent event `job` (data: a JobView, as GET /api/jobs). */
function registerJobEvents(app: FastifyInstance, db: ServerDb, guard: Guard): void {
  const route = { method: 'GET', url: '/api/jobs/events', access: 'authenticated' } as RouteDef;
  app.get(
    route.url,
    {
      schema: {
        summary: 'Jobs as they change (server-sent events `job`, data as GET /api/jobs/{id})',
        tags: ['jobs'],
        description: 'Requires: authenticated.',
      },
      onRequest: async (req) => {
        const user = await guard(req, route);
        if (user) eventUsers.set(req, user);
      },
    },
    async (req, reply) => {
      const user = eventUsers.get(req)!;
      const queue = queueOf(db);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      const write = (v: JobView) => {
        const shown = jobForReader(user, v);
        if (!res.destroyed) res.write(`event: job\ndata: ${JSON.stringify(shown)}\n\n`);
      };
      // Jobs still under way first, so a page opened mid-job shows it at once.
      for (const v of (await queue.list(50)).filter((j) => j.status === 'queued' || j.status === 'running')) write(v);
      const off = queue.subscribe(write);
      const ping = setInterval(() => !res.destroyed && res.write(': ping\n\n'), 20_000);
      req.raw.on('close', () => {
        off();
        clearInterval(ping);
      });
    },
  );
}

const RemoteRequestSchema = z.object({
  argv: z.array(z.string().max(10_000)).min(1).max(200),
  cwd: z.string().min(1).max(4096),
  actor: z.string().min(1).max(200),
  env: z.record(z.string().regex(/^CIP_[A-Z0-9_]+$/), z.string().max(4096)),
  tty: z.object({ stdout: z.boolean(), stderr: z.boolean() }),
});

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function tokenMatches(req: FastifyRequest, token: string): boolean {
  const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The server's open workspace, lent to a command in turn with the server's changes; a cancel interrupts it. */
function lender(db: ServerDb, signal?: AbortSignal): WorkspaceLender {
  return {
    dir: db.main.dir,
    use: <T>(fn: (ws: Workspace) => Promise<T>) =>
      db.exclusive(async (ws) => {
        const interrupt = () => ws.conn.interrupt();
        signal?.addEventListener('abort', interrupt);
        try {
          return await fn(ws);
        } finally {
          signal?.removeEventListener('abort', interrupt);
        }
      }),
  };
}

/**
 * POST /api/local/cli: a `cip` command line from this machine, authenticated by the token only the server's OS
 * account can read. Answers a stream of NDJSON events (RemoteEvent). Long commands run as jobs.
 */
function registerLocalOperator(app: FastifyInstance, db: ServerDb, token: string): void {
  app.post(
    LOCAL_OPERATOR_PATH,
    {
      schema: { hide: true, body: RemoteRequestSchema },
      onRequest: async (req) => {
        if (!LOOPBACK.has(req.socket.remoteAddress ?? '') || !tokenMatches(req, token))
          throw new DomainError(
            'local operator access only, with the token of the OS account running the server',
            'forbidden',
          );
      },
    },
    async (req, reply) => {
      const body = req.body as z.infer<typeof RemoteRequestSchema>;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      const send = (e: RemoteEvent) => {
        if (!res.destroyed && !res.writableEnded) res.write(JSON.stringify(e) + '\n');
      };
      const ping = setInterval(() => send({ t: 'k' }), 10_000);
      let code: number;
      try {
        code = await runCommand(db, body, send, res);
      } finally {
        clearInterval(ping);
      }
      send({ t: 'x', code });
      res.end();
    },
  );
}

async function runCommand(
  db: ServerDb,
  body: z.infer<typeof RemoteRequestSchema>,
  send: (e: RemoteEvent) => void,
  res: NodeJS.WritableStream & {
    destroyed: boolean;
    writableFinished: boolean;
    on: (e: 'close', f: () => void) => void;
  },
): Promise<number> {
  const kind = jobKindOf(body.argv);
  if (!kind) return (await runRemote(body, send, lender(db))).code;
  const queue = queueOf(db);
  let outcome: RemoteOutcome | undefined;
  const job = await queue.submit({
    kind,
    title: `cip ${body.argv.join(' ')}`.slice(0, 500),
    user: body.actor,
    writes: true,
    connection: 'none',
    run: async (ctx) => {
      outcome = await runRemote(body, send, lender(db, ctx.signal), {
        progress: (ev) => {
          if (ev.kind === 'phase') ctx.progress.phase(ev.label);
          else if (ev.kind === 'update') ctx.progress.update(ev.percent, ev.rows);
        },
        cancelled: () => {
          try {
            ctx.throwIfCancelled();
            return undefined;
          } catch (e) {
            return e as Error;
          }
        },
      });
      if (outcome.code !== 0)
        throw outcome.error ?? new DomainError(`cip ${body.argv[0]} ended with exit code ${outcome.code}`, 'invalid');
      return { result: { type: 'cli', exitCode: 0 } };
    },
  });
  // The client went away (Ctrl+C): its command is cancelled, as a direct run would have been killed.
  res.on('close', () => {
    if (!res.writableFinished) void queue.cancel(job.id, body.actor).catch(() => undefined);
  });
  const done = await queue.finished(job.id);
  if (outcome) return outcome.code;
  // Cancelled while queued, or the server stopped before it started.
  send({ t: 'e', d: `error: ${done.error}\n` });
  return done.errorCode === 'cancelled' ? 1 : 3;
}
