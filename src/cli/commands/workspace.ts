// cip init, cip info, cip optimize, cip backup: create a workspace, summarise what it holds, keep its lines in operator
// order, copy it.
import type { Command } from 'commander';
import { Workspace, resolveWorkspaceDir, withWorkspace } from '../../workspace/workspace.ts';
import { schemaVersion } from '../../workspace/migrations.ts';
import { dataSummary } from '../../workspace/summary.ts';
import { clusterLines, linesLayout } from '../../workspace/layout.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import { backupWorkspace } from '../../workspace/backup.ts';
import { clientPath } from '../transport/context.ts';
import { outcomeReport } from '../../ingest/outcomes.ts';
import { formatOutcomes } from '../../ingest/report.ts';
import { workspaceMessageLang } from '../../i18n/messages.ts';

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('init [dir]')
      .description(
        'create an empty workspace (one DuckDB database file) in DIR, or set the language and currency of one',
      )
      .option('--language <lang>', 'language of the exported plan and workbooks by default: en | es | fr | pt')
      .option('--currency <code>', 'reporting currency of the values, ISO 4217 (e.g. USD): shown in the plan document')
      .option(
        '--engine <url>',
        'scan the declaration lines in ClickHouse: clickhouse://HOST:8123/DATABASE (user and password from ' +
          'CIP_CLICKHOUSE_USER / CIP_CLICKHOUSE_PASSWORD, never stored); default: the workspace file (DuckDB)',
      ),
  ).action(
    async (
      dir: string | undefined,
      opts: { workspace?: string; json?: boolean; language?: string; currency?: string; engine?: string },
    ) => {
      const path = resolveWorkspaceDir(dir ?? opts.workspace);
      const { parseLanguage } = await import('../../plan/export/labels.ts');
      const { currencyCode } = await import('../../plan/export/format.ts');
      const language = opts.language ? parseLanguage(opts.language, '--language') : undefined;
      const currency = opts.currency ? currencyCode(opts.currency) : undefined;
      if (currency === null)
        throw new UserError(`--currency: expected an ISO 4217 code such as USD or EUR, got '${opts.currency}'`);
      // The engine answers (and gets its lines table) before anything is written: a refusal leaves nothing behind.
      const { parseEngineUrl } = await import('../../engine/url.ts');
      const engine = opts.engine !== undefined ? parseEngineUrl(opts.engine, path) : undefined;
      if (engine) await (await import('../../engine/lines.ts')).prepareEngine(engine);
      const ws = await Workspace.open(path, { create: true });
      try {
        if (language) await ws.setSetting('language', language);
        if (currency) await ws.setSetting('currency', currency);
        if (engine) await ws.setSetting('engine', engine.kind === 'duckdb' ? 'duckdb' : engine.stored);
        const version = await schemaVersion(ws);
        const settings = {
          language: (await ws.getSetting('language')) ?? 'en',
          currency: (await ws.getSetting('currency')) ?? null,
          engine: (await ws.getSetting('engine')) ?? 'duckdb',
        };
        if (opts.json) printJson({ workspace: path, schema: version, ...settings });
        else
          console.log(
            `Workspace ready at ${path} (schema ${version.latest}, ${version.count} migrations; language ${settings.language}, currency ${settings.currency ?? 'not set'}` +
              `${settings.engine === 'duckdb' ? '' : `; declaration lines scanned in ${settings.engine}: 'cip engine push' copies lines already imported`}).`,
          );
      } finally {
        ws.close();
      }
    },
  );

  withCommonOptions(
    program.command('info').description('data summary of a workspace: rows per table, period covered, imports'),
  ).action(async (opts: { workspace?: string; json?: boolean }) => {
    await withWorkspace(opts.workspace, async (ws) => {
      const s = await dataSummary(ws);
      const outcomes = await outcomeReport(ws, await workspaceMessageLang(ws));
      if (opts.json) return printJson({ ...s, outcomes });
      console.log(`Workspace ${ws.dir}  (schema ${s.schema.latest})`);
      console.log(
        formatTable(
          ['table', 'rows'],
          s.tables.map((t) => [t.table, t.rows]),
        ),
      );
      if (s.declarations.lines > 0) {
        const d = s.declarations;
        console.log(
          `\nDeclaration lines ${d.firstDate} .. ${d.lastDate}: ${d.lines} lines, ${d.operators} operators, ` +
            `${d.hsCodes} HS codes, total value ${Math.round(d.totalValue).toLocaleString('en')}`,
        );
      }
      console.log('\n' + formatOutcomes(outcomes));
    });
  });

  withCommonOptions(
    program
      .command('optimize')
      .description('rewrite the declaration lines in operator order (segmentation runs read them operator by operator)')
      .option('--force', 'rewrite even when the lines have not changed since the last rewrite'),
  ).action(async (opts: { workspace?: string; json?: boolean; force?: boolean }) => {
    await withWorkspace(opts.workspace, async (ws) => {
      const before = await linesLayout(ws);
      const done = opts.force || !before.clustered ? await clusterLines(ws) : null;
      if (opts.json) return printJson({ lines: before.lines, rewritten: done !== null, seconds: done?.seconds ?? 0 });
      if (done)
        console.log(
          `Rewrote ${done.lines.toLocaleString('en')} declaration lines in operator order in ${done.seconds.toFixed(1)} s.`,
        );
      else
        console.log(
          `The ${before.lines.toLocaleString('en')} declaration lines are already in operator order (since ${before.clusteredAt}).`,
        );
    });
  });

  withCommonOptions(
    program
      .command('backup <dir>')
      .description(
        'copy the workspace to DIR (a consistent copy, also while cip serve runs: it goes through the server)',
      ),
  ).action(async (dir: string, opts: { workspace?: string; json?: boolean }) => {
    const r = await withWorkspace(opts.workspace, (ws) => backupWorkspace(ws, clientPath(dir)));
    if (opts.json) return printJson(r);
    console.log(
      `Backup of ${r.workspace} written to ${r.file} (${(r.bytes / 1024 ** 2).toFixed(1)} MiB, ${r.historyEntries} history entries).`,
    );
  });
}
