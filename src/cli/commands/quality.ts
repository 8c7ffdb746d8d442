// cip quality: the workspace's data-quality report (rejected rows of every import with their reasons,
// value outliers per HS code, operators missing from the operator table); --rejects exports rejected rows.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { exportRejects, qualityReport } from '../../ingest/quality.ts';
import { formatIssues, formatOutcomes } from '../../ingest/report.ts';
import { workspaceMessageLang } from '../../i18n/messages.ts';
import { printJson, withCommonOptions } from '../output.ts';
import { clientPath } from '../transport/context.ts';

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('quality')
      .description(
        'data-quality report: rejected rows (file, row, column, reason), value outliers per HS code, missing operators',
      )
      .option('--rejects <file.csv>', 'also write the rejected rows with their reasons to a CSV file')
      .option('--import <id>', 'with --rejects: only the rows of this import'),
  ).action(async (opts: { workspace?: string; json?: boolean; rejects?: string; import?: string }) => {
    await withWorkspace(opts.workspace, async (ws) => {
      const report = await qualityReport(ws, await workspaceMessageLang(ws));
      let exported: number | undefined;
      if (opts.rejects)
        exported = await exportRejects(ws, clientPath(opts.rejects), opts.import ? Number(opts.import) : undefined);
      if (opts.json)
        return printJson({
          ...report,
          ...(opts.rejects ? { rejectsFile: clientPath(opts.rejects), rejectsExported: exported } : {}),
        });
      const t = report.totals;
      console.log(
        `Data quality of ${ws.dir}: ${t.rejectedRows.toLocaleString('en')} rejected rows, ` +
          `${t.outlierLines.toLocaleString('en')} value outliers, ${t.missingOperators.toLocaleString('en')} operators missing from the operator table.`,
      );
      console.log('\n' + formatOutcomes(report.outcomes));
      const text = formatIssues([...report.errors, ...report.warnings]);
      if (text) console.log('\n' + text);
      if (opts.rejects) console.log(`\n${exported} rejected values written to ${clientPath(opts.rejects)}`);
    });
  });
}
