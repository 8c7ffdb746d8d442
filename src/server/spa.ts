// The single-page app: built by Vite into dist/web, served from the same process as the API.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const WEB_DIST = join(REPO_ROOT, 'dist', 'web');
const WEB_ROOT = join(REPO_ROOT, 'web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/web is missing or older than the sources in web/. */
export function webBuildStale(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  if (!existsSync(WEB_ROOT)) return false;
  return newestMtime(WEB_ROOT) > statSync(index).mtimeMs;
}

/** Builds the SPA with Vite when it is missing or stale (first serve after a fresh clone or an edit). */
export async function ensureWebBuilt(log: (msg: string) => void = () => undefined): Promise<void> {
  if (!webBuildStale()) return;
  log('building the web app (vite build)…');
  const { build } = await import('vite');
  await build({ configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

export async function serveSpa(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
  });
  const sendIndex = (reply: { header: (k: string, v: string) => unknown; sendFile: (f: string) => unknown }) => {
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, (_req, reply) => sendIndex(reply));
  app.get('/assets/*', { schema: { hide: true } }, (req, reply) => {
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.sendFile(join('assets', (req.params as { '*': string })['*']));
  });
  // Client-side routes (/segmentation, /register, ...) all load the app.
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.includes('.')) return sendIndex(reply);
    return reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
}
