// cip start (npm start): the demo. Builds a demo workspace from generated data when the workspace is empty,
// runs the main job (segmentation by size and GRI), prints Tables 1 and 4, then serves the web application.
import type { Command } from 'commander';
import { Workspace, resolveWorkspaceDir } from '../../workspace/workspace.ts';
import { generateDemo, DEFAULT_ROWS } from '../../demo/index.ts';
import { computeSegmentation, table1, table4 } from '../../segmentation/index.ts';
import { renderTable1, renderTable4 } from '../../segmentation/format.ts';
import { recordChange } from '../../history/history.ts';
import { parsePort, serveUntilStopped } from './serve.ts';

interface Opts {
  workspace?: string;
  rows: string;
  port: string;
  host: string;
  serve: boolean;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('the demo (npm start): build a demo workspace if empty, show the segmentation, serve the web app')
    .option('-w, --workspace <dir>', 'workspace directory (default $CIP_WORKSPACE or ./cip-workspace)')
    .option('--rows <n>', 'declaration lines to generate when the workspace is empty', String(DEFAULT_ROWS))
    .option('-p, --port <port>', 'TCP port of the web application', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--no-serve', 'stop after printing the segmentation')
    .action(async (opts: Opts) => {
      const dir = resolveWorkspaceDir(opts.workspace);
      const port = parsePort(opts.port);
      const ws = await Workspace.open(dir, { create: true });
      try {
        const lines = Number(await ws.scalar('SELECT count(*) FROM declaration_lines'));
        if (lines === 0) {
          console.log(
            `Generating a demo workspace in ${dir} (${Number(opts.rows).toLocaleString('en')} declaration lines)...`,
          );
          const demo = await generateDemo(ws, { rows: Number(opts.rows) });
          console.log(`Demo data: ${demo.rows.toLocaleString('en')} lines, seed ${demo.seed}.`);
          await ws.setSetting('demo', 'true');
        }
        const run = await computeSegmentation(ws);
        console.log(
          `\nSegmentation of ${run.operators.toLocaleString('en')} operators over ${run.window.first} .. ${run.window.end} ` +
            `(${run.indicators.length} indicators, ${run.timings.total} ms)\n`,
        );
        console.log(renderTable1(await table1(ws)));
        console.log('');
        console.log(renderTable4(await table4(ws), false));
      } finally {
        ws.close();
      }
      if (!opts.serve) return;

      console.log('');
      // Credentials are made once the server listens (a busy port fails before), and printed at once.
      await serveUntilStopped({ workspace: dir, port, host: opts.host }, async (db) => {
        const credentials = await db.exclusive((w) => firstRunCredentials(w));
        return credentials
          ? `Sign in as '${credentials.username}' with password '${credentials.password}'.`
          : 'Sign in with your account (reset a password with: cip users set-password NAME).';
      });
    });
}

/**
 * The first run creates 'admin' with a random password. On a demo workspace (made by npm start) the demo
 * administrator's password is renewed at every start so it can always be printed; the reset is recorded
 * in the history like any other change. Real workspaces keep their passwords.
 */
async function firstRunCredentials(ws: Workspace): Promise<{ username: string; password: string } | null> {
  const { ensureFirstAdmin } = await import('../../server/index.ts');
  const { updateUser } = await import('../../server/users.ts');
  const { generatePassword } = await import('../../server/passwords.ts');
  const first = await ensureFirstAdmin(ws);
  if (first) return first;
  if ((await ws.getSetting('demo')) !== 'true') return null;
  const password = generatePassword();
  try {
    await ws.transaction(async () => {
      const c = await updateUser(ws, 'admin', { password });
      await recordChange(ws, {
        actor: 'system',
        action: 'users.password',
        entityType: 'user',
        entityId: 'admin',
        orgUnit: c.user.unit_id,
        before: c.before,
        after: c.after,
      });
    });
  } catch {
    return null; // the demo administrator was renamed or removed: nothing to print
  }
  return { username: 'admin', password };
}
