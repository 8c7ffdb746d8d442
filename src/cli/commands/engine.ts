// cip engine: where a workspace's declaration lines are scanned (DuckDB in the workspace, or ClickHouse), moving
// the lines there, and the cluster layout's DDL (docs/scale-out.md).
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { printJson, UserError, withCommonOptions } from '../output.ts';
import { engineFor } from '../../engine/engine.ts';
import { CLUSTER_SETTINGS, clusterDdl, pushLines } from '../../engine/lines.ts';

export function register(program: Command): void {
  const engine = program
    .command('engine')
    .description('where the declaration lines are scanned (cip init --engine), moving them there, cluster DDL');

  withCommonOptions(engine.command('status').description('the engine and the lines it holds')).action(
    async (opts: { workspace?: string; json?: boolean }) => {
      await withWorkspace(opts.workspace, async (ws) => {
        const e = await engineFor(ws);
        const there = await e.rows<{ n: number }>('SELECT count(*) AS n FROM declaration_lines');
        const local = Number(await ws.scalar('SELECT count(*) FROM declaration_lines'));
        const r = { engine: e.kind, where: e.where, engineLines: Number(there[0]?.n ?? 0), workspaceLines: local };
        if (opts.json) return printJson(r);
        console.log(
          `Declaration lines scanned in ${r.where} (${r.engine}): ${r.engineLines.toLocaleString('en')} lines` +
            (e.kind === 'duckdb' ? '.' : `; the workspace file holds ${r.workspaceLines.toLocaleString('en')}.`),
        );
      });
    },
  );

  withCommonOptions(
    engine
      .command('push')
      .description(
        "copy the workspace's declaration lines to its ClickHouse engine, one import at a time (replaces, never doubles)",
      ),
  ).action(async (opts: { workspace?: string; json?: boolean }) => {
    await withWorkspace(opts.workspace, async (ws) => {
      const e = await engineFor(ws);
      if (!e.transport)
        throw new UserError(
          "this workspace scans its lines itself (DuckDB): nothing to push; create one with 'cip init --engine'",
        );
      const r = await pushLines(ws, e.transport, {
        onImport: opts.json ? undefined : (done, of) => process.stderr.write(`import ${done} of ${of} copied\n`),
      });
      if (opts.json) return printJson({ where: e.where, ...r });
      console.log(
        `${r.lines.toLocaleString('en')} lines of ${r.imports} imports copied to ${e.where}` +
          (r.dropped ? `; ${r.dropped} imports no longer in the workspace removed there.` : '.'),
      );
    });
  });

  withCommonOptions(
    engine
      .command('ddl')
      .description('the ClickHouse cluster layout: replicated lines per shard behind a Distributed table')
      .requiredOption('--cluster <name>', 'the cluster name in the servers remote_servers configuration')
      .requiredOption('--database <name>', 'the database to create on every node'),
    { json: false },
  ).action((opts: { cluster: string; database: string }) => {
    const d = clusterDdl({ cluster: opts.cluster, database: opts.database });
    const settings = Object.entries(CLUSTER_SETTINGS).map(([k, v]) => `--   ${k} = ${v}`);
    console.log(
      [
        `-- Settings of the product's user profile on the cluster:\n${settings.join('\n')}`,
        ...d.tables.map((t) => `${t};`),
        `-- Each import on the cluster ({id} = its import id; 'cip engine push' runs the single-node form):\n${d.importSteps.map((t) => `-- ${t.replace(/\n/g, ' ')};`).join('\n')}`,
      ].join('\n\n'),
    );
  });
}
