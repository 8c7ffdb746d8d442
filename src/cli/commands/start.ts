// cip start (npm start): the demo. Builds a demo workspace from generated data when the workspace is empty,
// runs the main job (segmentation by size and GRI), prints in plain words what was segmented and Tables 1 and 4,
// then serves the web application and says what to do next (the address to open, the user to sign in with).
import type { Command } from 'commander';
import { Workspace, resolveWorkspaceDir } from '../../workspace/workspace.ts';
import { generateDemo, DEFAULT_ROWS } from '../../demo/index.ts';
import { computeSegmentation, table1, table4, type Run } from '../../segmentation/index.ts';
import { count, renderTable1, renderTable4 } from '../../segmentation/format.ts';
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
          console.log(`Generating a demo workspace in ${dir} (${count(Number(opts.rows))} declaration lines)...`);
          const demo = await generateDemo(ws, { rows: Number(opts.rows) });
          console.log(`Demo data generated: ${count(demo.rows)} declaration lines (seed ${demo.seed}).`);
          await ws.setSetting('demo', 'true');
        }
        const run = await computeSegmentation(ws);
        console.log(`\n${await summary(ws, run)}\n`);
        console.log(renderTable1(await table1(ws)));
        console.log('');
        console.log(renderTable4(await table4(ws), false));
      } finally {
        ws.close();
      }
      console.log('');
      if (!opts.serve) {
        console.log(
          "Next step: run 'npm start' without --no-serve (or 'npx cip serve') and open the web app it prints.",
        );
        return;
      }
      // Credentials are made once the server listens (a busy port fails before), and printed at once.
      await serveUntilStopped({ workspace: dir, port, host: opts.host }, async (db, _dir, url) => {
        const credentials = await db.exclusive((w) => firstRunCredentials(w));
        return credentials
          ? `Next step: open ${url} in a web browser and sign in as '${credentials.username}' with password '${credentials.password}'.`
          : `Next step: open ${url} in a web browser and sign in with your account (an administrator resets a password with: cip users set-password NAME).`;
      });
    });
}

/**
 * What was segmented, in plain words: the period, and why three operator counts differ — the operator register,
 * the operators with declaration lines, and those with lines in the GRI window (the only ones scored).
 */
async function summary(ws: Workspace, run: Run): Promise<string> {
  const period = (await ws.one<{ first: string; last: string; operators: number }>(
    'SELECT min(date)::VARCHAR AS first, max(date)::VARCHAR AS last, count(DISTINCT operator_id)::BIGINT AS operators FROM declaration_lines',
  ))!;
  const register = Number(await ws.scalar('SELECT count(DISTINCT operator_id) FROM operators'));
  const rows: [string, string][] = [
    ['in the operator register', count(register)],
    [`with declaration lines (${period.first} to ${period.last})`, count(Number(period.operators))],
    [`scored: with lines in the GRI window (${run.window.first} to ${run.window.end})`, count(run.operators)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const v = Math.max(...rows.map((r) => r[1].length));
  return [
    `Segmentation by size and by Global Risk Index (GRI): ${run.indicators.length} risk indicators, computed in ${(run.timings.total / 1000).toFixed(1)} s.`,
    'Operators',
    ...rows.map(([k, n]) => `  ${k.padEnd(w)}  ${n.padStart(v)}`),
    'Only operators with lines in the window are segmented: the tables below count them.',
  ].join('\n');
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
