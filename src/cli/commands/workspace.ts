// cip init, cip info: create a workspace and summarise what it holds.
import type { Command } from 'commander';
import { Workspace, resolveWorkspaceDir, withWorkspace } from '../../workspace/workspace.ts';
import { schemaVersion } from '../../workspace/migrations.ts';
import { dataSummary } from '../../workspace/summary.ts';
import { formatTable, printJson, withCommonOptions } from '../output.ts';

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('init [dir]')
      .description('create an empty workspace (one DuckDB database file) in DIR'),
  ).action(async (dir: string | undefined, opts: { workspace?: string; json?: boolean }) => {
    const path = resolveWorkspaceDir(dir ?? opts.workspace);
    const ws = await Workspace.open(path, { create: true });
    const version = await schemaVersion(ws);
    ws.close();
    if (opts.json) printJson({ workspace: path, schema: version });
    else console.log(`Workspace ready at ${path} (schema ${version.latest}, ${version.count} migrations).`);
  });

  withCommonOptions(
    program.command('info').description('data summary of a workspace: rows per table, period covered, imports'),
  ).action(async (opts: { workspace?: string; json?: boolean }) => {
    await withWorkspace(opts.workspace, async (ws) => {
      const s = await dataSummary(ws);
      if (opts.json) return printJson(s);
      console.log(`Workspace ${ws.dir}  (schema ${s.schema.latest})`);
      console.log(formatTable(['table', 'rows'], s.tables.map((t) => [t.table, t.rows])));
      if (s.declarations.lines > 0) {
        const d = s.declarations;
        console.log(
          `\nDeclaration lines ${d.firstDate} .. ${d.lastDate}: ${d.lines} lines, ${d.operators} operators, ` +
            `${d.hsCodes} HS codes, total value ${Math.round(d.totalValue).toLocaleString('en')}`,
        );
      }
    });
  });
}
