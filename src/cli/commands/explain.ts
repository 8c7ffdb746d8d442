// cip explain OPERATOR: why an operator has its GRI, indicator by indicator, with evidence.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { explainOperator } from '../../segmentation/index.ts';
import { renderExplanation } from '../../segmentation/format.ts';
import { workspaceMessageLang } from '../../i18n/messages.ts';
import { printJson, withCommonOptions } from '../output.ts';

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('explain <operator>')
      .description("an operator's GRI: every indicator's value, threshold, flag, weight and evidence"),
  )
    .option('--risk <risk>', "GRI to explain ('general' or a risk-specific GRI)", 'general')
    .action(async (operator: string, opts: { workspace?: string; json?: boolean; risk: string }) =>
      withWorkspace(opts.workspace, async (ws) => {
        const e = await explainOperator(ws, operator, opts.risk, await workspaceMessageLang(ws));
        if (opts.json) printJson(e);
        else console.log(renderExplanation(e));
      }),
    );
}
