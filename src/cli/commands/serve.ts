// cip serve: the web application and its HTTP API, from one process.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { UserError, withCommonOptions } from '../output.ts';

export function register(program: Command): void {
  withCommonOptions(
    program.command('serve').description('serve the web application and the HTTP API (OpenAPI at /api/openapi.json)'),
    { json: false },
  )
    .option('-p, --port <port>', 'TCP port', '8080')
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every interface; put TLS in front)', '127.0.0.1')
    .action(async (opts: { workspace?: string; port: string; host: string }) => {
      const port = parsePort(opts.port);
      // First run: no account yet → create the administrator and print its password once.
      const { ensureFirstAdmin } = await import('../../server/index.ts');
      const first = await withWorkspace(opts.workspace, (ws) => ensureFirstAdmin(ws));
      await serveUntilStopped(
        { workspace: opts.workspace, port, host: opts.host },
        first
          ? `First run: sign in as '${first.username}' with password '${first.password}' (change it under Account).`
          : null,
      );
    });
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`--port: expected a TCP port 0-65535, got '${value}'`);
  return port;
}

/**
 * Serves the workspace (cip serve, cip start), prints the address and a sign-in hint (text, or made from the
 * address once it is known), runs until Ctrl+C.
 */
export async function serveUntilStopped(
  opts: { workspace?: string; port: number; host: string },
  signInHint: string | ((url: string) => string) | null,
): Promise<never> {
  const { startServer } = await import('../../server/index.ts');
  const server = await startServer({ ...opts, log: (m) => console.log(m) });
  console.log(`CIP Workbench at ${server.url}  (API ${server.url}/api, OpenAPI ${server.url}/api/openapi.json)`);
  if (signInHint) console.log(typeof signInHint === 'function' ? signInHint(server.url) : signInHint);
  console.log('Press Ctrl+C to stop.');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<never>(() => undefined);
}
