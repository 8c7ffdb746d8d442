// cip approvals: changes that take effect only once a committee meeting approves them.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import { getProposal, listProposals, propose } from '../../governance/index.ts';
import { clientPath } from '../transport/context.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  user?: string;
}

export function register(program: Command): void {
  const ap = program
    .command('approvals')
    .description('proposed changes (treatment plans, GRI configurations, register) awaiting committee approval');

  withCommonOptions(
    ap
      .command('propose <kind>')
      .description('propose a change: treatment, gri_config or register; nothing changes until approved'),
  )
    .requiredOption('--summary <text>', 'what the committee is asked to approve')
    .option('--payload <json>', 'the change as JSON, e.g. \'{"size":"large","risk":"high","patch":{"package":"..."}}\'')
    .option('--payload-file <file>', 'the change in a JSON file')
    .option('--user <name>', 'who proposes')
    .action(async (kind: string, o: Opts & { summary: string; payload?: string; payloadFile?: string }) => {
      const text = o.payloadFile ? readFileSync(clientPath(o.payloadFile), 'utf8') : o.payload;
      if (!text) throw new UserError('give the change with --payload <json> or --payload-file <file>');
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch (e) {
        throw new UserError(`${o.payloadFile ?? '--payload'}: not valid JSON (${(e as Error).message})`);
      }
      await withWorkspace(o.workspace, async (ws) => {
        const p = await propose(ws, cliActor(o.user), kind, payload, o.summary);
        if (o.json) return printJson(p);
        console.log(`${p.id} (${p.kind} ${p.target}) awaits approval; it is proposed on the next meeting's agenda.`);
      });
    });

  withCommonOptions(
    ap.command('list').description('proposals with their status, and who approved them, when, at which meeting'),
  )
    .option('--status <s>', 'pending, approved or rejected')
    .action(async (o: Opts & { status?: 'pending' | 'approved' | 'rejected' }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const ps = await listProposals(ws, { status: o.status });
        if (o.json) return printJson(ps);
        console.log(
          ps.length
            ? formatTable(
                ['id', 'kind', 'target', 'summary', 'status', 'decision', 'by', 'at'],
                ps.map((p) => [
                  p.id,
                  p.kind,
                  p.target,
                  p.summary,
                  p.status,
                  p.decisionId ?? '',
                  p.decidedBy ?? '',
                  p.decidedAt ?? '',
                ]),
              )
            : 'No proposals.',
        );
      });
    });

  withCommonOptions(ap.command('show <id>')).action(async (id: string, o: Opts) => {
    await withWorkspace(o.workspace, async (ws) => {
      const p = await getProposal(ws, id);
      if (o.json) return printJson(p);
      console.log(
        `${p.id} ${p.kind} ${p.target}: ${p.summary}\nproposed by ${p.proposedBy} at ${p.proposedAt}\nstatus ${p.status}${p.decisionId ? ` by ${p.decidedBy} at ${p.decidedAt}, decision ${p.decisionId} (meeting ${p.meetingRef})` : ''}\n${JSON.stringify(p.payload, null, 2)}`,
      );
    });
  });
}
