// cip serve: the web application and its HTTP API, from one process.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { UserError, withCommonOptions } from '../output.ts';

export function register(program: Command): void {
  withCommonOptions(program.command('serve').description('serve the web application and the HTTP API (OpenAPI at /api/openapi.json)'), { json: false })
    .option('-p, --port <port>', 'TCP port', '8080')
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every interface; put TLS in front)', '127.0.0.1')
    .action(async (opts: { workspace?: string; port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port: expected a TCP port 0-65535, got '${opts.port}'`);
      // First run: no account yet → create the administrator and print its password once.
      const { ensureFirstAdmin, startServer } = await import('../../server/index.ts');
      const first = await withWorkspace(opts.workspace, (ws) => ensureFirstAdmin(ws));
      const server = await startServer({ workspace: opts.workspace, port, host: opts.host, log: (m) => console.log(m) });
      console.log(`CIP Workbench at ${server.url}  (API ${server.url}/api, OpenAPI ${server.url}/api/openapi.json)`);
      if (first) console.log(`First run: sign in as '${first.username}' with password '${first.password}' (change it under Account).`);
      console.log('Press Ctrl+C to stop.');
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise(() => undefined);
    });
}
