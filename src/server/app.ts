// Builds the Fastify application: security headers, cookies, zod validation, OpenAPI, routes, the SPA.
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import { makeGuard } from './auth.ts';
import type { ServerDb } from './db.ts';
import { registerRoutes, useZod, zodToOpenApi } from './route-table.ts';
import { describeIssues, httpStatus, kindOf, userMessage } from '../errors/index.ts';
import { allRoutes } from './routes/index.ts';
import { serveSpa } from './spa.ts';
import { setupService, type ServiceOptions } from './service.ts';

export interface AppOptions {
  /** Serve the built SPA (dist/web). Off in API tests. */
  web?: boolean;
  logger?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (TLS termination). */
  trustProxy?: boolean;
  /** Job queue, uploads, local operator (src/server/service.ts). */
  service?: ServiceOptions;
  /** Keep answers of cacheable reads until the next change (default true; the read benchmark turns it off). */
  answerCache?: boolean;
}

const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export async function buildApp(db: ServerDb, opts: AppOptions = {}): Promise<FastifyInstance> {
  // Client addresses (login throttling) come from X-Forwarded-For only when told a proxy is in front.
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: opts.trustProxy ?? process.env.CIP_TRUST_PROXY === '1',
    bodyLimit: 2 * 1024 * 1024,
  });
  useZod(app);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CIP Workbench API',
        version: '0.1.0',
        description:
          'Risk-based compliance improvement plans for customs (IMF TNM 2025/02). Sign in with POST /api/auth/login; send the cip_csrf cookie value in X-CSRF-Token on every change.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'cip_session' } } },
      security: [{ session: [] }],
    },
    transform: zodToOpenApi as never,
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', CSP);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler(
    (err: Error & { statusCode?: number; validation?: unknown; validationContext?: string }, req, reply) => {
      if (err.validation) {
        if ((err as { problem?: string }).problem)
          return reply.code(400).send({ error: `invalid request: ${(err as { problem?: string }).problem}` });
        const issues = (err.validation as Parameters<typeof describeIssues>[0]).map((i) => ({
          ...i,
          path: [err.validationContext ?? 'request', ...i.path],
        }));
        return reply.code(400).send({ error: `invalid request: ${describeIssues(issues)}` });
      }
      if (kindOf(err) !== 'internal') return reply.code(httpStatus(err)).send({ error: userMessage(err) });
      // Fastify's own refusals (malformed JSON, body too large, wrong content type) carry their 4xx status.
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
        return reply.code(err.statusCode).send({ error: err.message });
      req.log.error(err);
      if (!opts.logger) process.stderr.write(`[cip serve] ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
      return reply.code(500).send({ error: userMessage(err) });
    },
  );

  const guard = makeGuard(db);
  await setupService(app, db, guard, opts.service);
  registerRoutes(app, db, allRoutes, guard, { answerCache: opts.answerCache ?? true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (opts.web) await serveSpa(app);
  else
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }),
    );
  return app;
}
