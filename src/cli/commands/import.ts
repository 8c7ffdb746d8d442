// cip import KIND FILE: load a CSV / Parquet / XLSX file into a canonical table through a column mapping.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { IMPORT_KINDS, type ImportKind } from '../../ingest/fields.ts';
import { importFile, ImportError } from '../../ingest/importer.ts';
import { resolveMappingOption } from '../../ingest/saved-mappings.ts';
import { progressFor } from '../progress.ts';
import { clientPath } from '../transport/context.ts';
import { formatImport, formatIssues, formatOutcomes } from '../../ingest/report.ts';
import { workspaceMessageLang } from '../../i18n/messages.ts';
import { printJson, UserError, withCommonOptions } from '../output.ts';

interface ImportCliOptions {
  workspace?: string;
  json?: boolean;
  mapping?: string;
  strict?: boolean;
  user?: string;
  memoryLimit: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('import <kind> <file>')
      .description(
        `import a CSV (any delimiter, UTF-8 or Latin-1), Parquet or XLSX file; kind: ${IMPORT_KINDS.join('|')}`,
      )
      .option(
        '-m, --mapping <file|name>',
        'column mapping (YAML or JSON file, or the name of a saved mapping); default: the suggested mapping if it places every required field',
      )
      .option('--strict', 'reject the whole file if any row has an error (exit code 1, workspace unchanged)')
      .option('--user <name>', 'who imports (default $CIP_USER or the OS account)')
      .option(
        '--memory-limit <size>',
        'DuckDB memory limit while importing; larger files spill to <workspace>/.tmp (through a server, its own limit holds)',
        '1GB',
      ),
  ).action(async (kind: string, file: string, opts: ImportCliOptions) => {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
      throw new UserError(`unknown kind '${kind}'; expected one of ${IMPORT_KINDS.join(', ')}`);
    }
    const progress = progressFor(opts.json);
    await withWorkspace(opts.workspace, async (ws) => {
      try {
        const mapping = opts.mapping
          ? await resolveMappingOption(ws, opts.mapping, clientPath(opts.mapping), kind as ImportKind)
          : undefined;
        const r = await importFile(ws, kind as ImportKind, clientPath(file), {
          mapping,
          strict: opts.strict,
          actor: cliActor(opts.user),
          progress,
          memoryLimit: opts.memoryLimit,
          lang: await workspaceMessageLang(ws),
        });
        progress.done();
        if (opts.json) {
          const { read, imported, rejected, duplicates } = r.summary;
          printJson({ read, imported, rejected, duplicates });
          // Scripts read stdout; a missing outcome still reaches whoever runs them.
          if (r.outcomes?.warning) process.stderr.write(formatOutcomes(r.outcomes) + '\n');
        } else {
          console.log(formatImport({ ...r, file }));
        }
      } catch (err) {
        progress.done();
        if (err instanceof ImportError && err.issues.length) process.stderr.write(formatIssues(err.issues) + '\n');
        throw err;
      }
    });
  });
}
