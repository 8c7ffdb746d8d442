// cip serve: the web application and its HTTP API, from one process. While it runs it is the workspace's single
// owner: other `cip` commands on the workspace are sent through it (src/cli/transport).
import type { Command } from 'commander';
import { UserError, withCommonOptions } from '../output.ts';
import type { ServerDb } from '../../server/db.ts';

interface ServeOpts {
  workspace?: string;
  port: string;
  host: string;
  jobs: string;
  readJobs: string;
  uploadLimit: string;
  web: boolean;
}

export function register(program: Command): void {
  withCommonOptions(
    program.command('serve').description('serve the web application and the HTTP API (OpenAPI at /api/openapi.json)'),
    { json: false },
  )
    .option('-p, --port <port>', 'TCP port', '8080')
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every interface; put TLS in front)', '127.0.0.1')
    .option('--jobs <n>', 'jobs that change the workspace (imports, GRI runs) run one after another, N at once', '1')
    .option('--read-jobs <n>', 'reading jobs (backtests, exports) at once', '2')
    .option('--upload-limit <size>', 'largest file uploaded for import, e.g. 4GB or 500MB', '4GB')
    .option('--no-web', 'the HTTP API only, without the web application')
    .action(async (opts: ServeOpts) => {
      const port = parsePort(opts.port);
      const { ensureFirstAdmin } = await import('../../server/index.ts');
      await serveUntilStopped(
        {
          workspace: opts.workspace,
          port,
          host: opts.host,
          web: opts.web,
          service: {
            writeSlots: count('--jobs', opts.jobs),
            readSlots: count('--read-jobs', opts.readJobs),
            uploadLimit: parseSize(opts.uploadLimit),
          },
        },
        // First run: no account yet → create the administrator and print its password, once the port is ours.
        async (db, dir) => {
          const first = await db.exclusive((ws) => ensureFirstAdmin(ws));
          return first
            ? `First run: sign in as '${first.username}' with password '${first.password}' (change it under Account; ` +
                `lost, it is renewed by: cip users set-password ${first.username} --workspace ${dir}).`
            : null;
        },
      );
    });
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`--port: expected a TCP port 0-65535, got '${value}'`);
  return port;
}

function count(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UserError(`${option}: expected a whole number 1-64, got '${value}'`);
  return n;
}

/** 4GB, 500MB, 2GiB, or bytes. */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/i.exec(value);
  if (!m) throw new UserError(`--upload-limit: expected a size such as 4GB or 500MB, got '${value}'`);
  const unit = (m[2] ?? 'B').toLowerCase();
  const mult = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 }[
    unit
  ]!;
  return Math.floor(Number(m[1]) * mult);
}

/**
 * Serves the workspace (cip serve, cip start), prints the address and a sign-in hint, runs until Ctrl+C or SIGTERM.
 * The hint (which may create the first account) runs once the server listens: a busy port fails before anything is
 * created, and a password is printed as soon as it exists.
 */
export async function serveUntilStopped(
  opts: {
    workspace?: string;
    port: number;
    host: string;
    web?: boolean;
    service?: { writeSlots?: number; readSlots?: number; uploadLimit?: number };
  },
  signInHint: (db: ServerDb, dir: string, url: string) => Promise<string | null>,
): Promise<never> {
  const { startServer } = await import('../../server/index.ts');
  const server = await startServer({ ...opts, log: (m) => console.log(m) });
  console.log(`CIP Workbench at ${server.url}  (API ${server.url}/api, OpenAPI ${server.url}/api/openapi.json)`);
  let hint: string | null;
  try {
    hint = await signInHint(server.db, server.db.main.dir, server.url);
  } catch (e) {
    await server.close();
    throw e;
  }
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (hint) console.log(hint);
  console.log('Press Ctrl+C to stop.');
  return new Promise<never>(() => undefined);
}
