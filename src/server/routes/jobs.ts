// Jobs: long work run in the background by the server (src/jobs): list, start, follow, cancel, download.
// Changes (GET /api/jobs/events streams them) are registered in src/server/service.ts.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../../errors/index.ts';
import { JOB_KINDS, jobForReader, jobKind, mayRead } from '../../jobs/kinds.ts';
import { queueOf } from '../../jobs/queue.ts';
import { JobViewSchema, type JobView } from '../../jobs/view.ts';
import { fileRoute, readRoute, type RouteDef } from '../route-table.ts';
import type { AuthUser } from '../auth.ts';
import type { ServerDb } from '../db.ts';
import { backtestResponse } from './measure.ts';

const id = z.object({ id: z.coerce.number().int().min(1) });

/** { kind, params } of every job kind the web app may start. */
export const JobRequestSchema = z.discriminatedUnion(
  'kind',
  JOB_KINDS.map((k) => z.object({ kind: z.literal(k.kind), params: k.params })) as unknown as [
    z.ZodObject<{ kind: z.ZodLiteral<string>; params: z.ZodType }>,
  ],
);
export type JobRequest = z.infer<typeof JobRequestSchema>;

const shown = jobForReader;

async function visibleJob(db: ServerDb, user: AuthUser, jobId: number): Promise<JobView> {
  const v = await queueOf(db).get(jobId);
  if (!v) throw new DomainError(`no job #${jobId}`, 'not_found');
  return v;
}

async function readableJob(db: ServerDb, user: AuthUser, jobId: number): Promise<JobView> {
  const v = await visibleJob(db, user, jobId);
  if (!mayRead(user, v)) throw new DomainError(`job #${jobId}: its result is not yours to read`, 'forbidden');
  return v;
}

export const jobRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/jobs',
    summary: 'Jobs, latest first: imports, GRI runs, backtests, exports, and long CLI commands sent through the server',
    tag: 'jobs',
    access: 'authenticated',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.array(JobViewSchema),
    read: async ({ db, query, user }) => (await queueOf(db).list(query.limit)).map((v) => shown(user, v)),
  }),
  readRoute({
    method: 'GET',
    url: '/api/jobs/:id',
    summary: 'One job: state, phase, percent, rows done, result or failure message',
    tag: 'jobs',
    access: 'authenticated',
    params: id,
    response: JobViewSchema,
    read: async ({ db, params, user }) => shown(user, await visibleJob(db, user, params.id)),
  }),
  // Queues work; the domain functions it runs record their own history entries.
  readRoute({
    method: 'POST',
    url: '/api/jobs',
    summary:
      'Start a job (import of an upload, GRI run, backtest, selectivity or PCA list, plan or minutes export); answers at once, queued',
    tag: 'jobs',
    access: 'authenticated',
    body: JobRequestSchema,
    response: JobViewSchema,
    read: async ({ db, body, user }) => {
      const k = jobKind(body.kind);
      if (!user.permissions.has(k.access))
        throw new DomainError(`your role (${user.roles.join(', ')}) does not give '${k.access}'`, 'forbidden');
      const { title, params } = await k.prepare(db, body.params, user);
      return queueOf(db).submit({
        kind: k.kind,
        title,
        params,
        user: user.username,
        writes: k.writes,
        connection: k.connection,
        pollProgress: k.pollProgress,
        run: (ctx) => k.run({ ...ctx, ws: ctx.ws! }, params, user, db),
      });
    },
  }),
  readRoute({
    method: 'POST',
    url: '/api/jobs/:id/cancel',
    summary: 'Cancel a queued or running job (its changes roll back); by whoever started it, or an administrator',
    tag: 'jobs',
    access: 'authenticated',
    params: id,
    response: JobViewSchema,
    read: async ({ db, params, user }) => {
      const v = await visibleJob(db, user, params.id);
      if (v.createdBy !== user.username && !user.permissions.has('users.manage'))
        throw new DomainError(
          `job #${v.id} was started by ${v.createdBy}: only they or an administrator may cancel it`,
          'forbidden',
        );
      return shown(user, await queueOf(db).cancel(params.id, user.username));
    },
  }),
  fileRoute({
    method: 'GET',
    url: '/api/jobs/:id/download',
    summary: 'The file a finished export job wrote',
    tag: 'jobs',
    access: 'authenticated',
    params: id,
    file: async ({ db, params, user }) => {
      const v = await readableJob(db, user, params.id);
      const path = v.fileName ? join(queueOf(db).dirOf(v.id), v.fileName) : '';
      if (!v.fileName || !existsSync(path))
        throw new DomainError(`job #${v.id} has no file to download (${v.status})`, 'not_found');
      return { filename: v.fileName, contentType: contentType(v.fileName), data: createReadStream(path) };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/jobs/:id/backtest',
    summary: 'The full answer of a finished backtest job (as GET /api/backtest)',
    tag: 'jobs',
    access: 'measure.read',
    params: id,
    response: backtestResponse,
    read: async ({ db, params, user }) => {
      const v = await readableJob(db, user, params.id);
      const file = join(queueOf(db).dirOf(v.id), 'backtest.json');
      if (v.kind !== 'backtest' || v.status !== 'succeeded' || !existsSync(file))
        throw new DomainError(`job #${v.id} is not a finished backtest (${v.kind}, ${v.status})`, 'not_found');
      return JSON.parse(readFileSync(file, 'utf8')) as z.infer<typeof backtestResponse>;
    },
  }),
];

function contentType(name: string): string {
  if (name.endsWith('.csv')) return 'text/csv; charset=utf-8';
  if (name.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (name.endsWith('.docx')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  return 'application/octet-stream';
}
