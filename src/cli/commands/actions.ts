// cip actions: follow-up actions of the committee (assign, update, close), overdue per unit, reminders
// (in-app; e-mail hook off by default) and the report for the head of customs.
import type { Command } from 'commander';
import { workspaceMessageLang } from '../../i18n/messages.ts';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { formatTable, printJson, withCommonOptions } from '../output.ts';
import {
  assignAction,
  headReport,
  listActions,
  overdueByUnit,
  parseIsoDate,
  reminders,
  sendEmailReminders,
  updateAction,
} from '../../governance/index.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  user?: string;
  today?: string;
}

const today = (o: Opts) => (o.today ? parseIsoDate(o.today, '--today') : new Date().toISOString().slice(0, 10));

export function register(program: Command): void {
  const ac = program
    .command('actions')
    .description("the committee's follow-up actions: owners, due dates, status carried forward until closed");

  withCommonOptions(ac.command('assign <ref>').description('assign an action at an open meeting'))
    .requiredOption('--description <text>')
    .requiredOption('--owner <unit>', 'owner unit')
    .requiredOption('--due <date>', 'due date YYYY-MM-DD')
    .option('--decision <id>', 'the decision it follows from, e.g. RMC-2026-04/D2')
    .option('--user <name>', 'who records it')
    .action(async (ref: string, o: Opts & { description: string; owner: string; due: string; decision?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const a = await assignAction(ws, cliActor(o.user), ref, {
          description: o.description,
          ownerUnit: o.owner,
          dueDate: o.due,
          decisionId: o.decision,
        });
        if (o.json) return printJson(a);
        console.log(`${a.id} assigned to ${a.ownerUnit}, due ${a.dueDate}: ${a.description}`);
      });
    });

  withCommonOptions(ac.command('list').description('actions with their current status'))
    .option('--unit <unit>', 'only this owner unit')
    .option('--status <s>', 'open, in_progress or closed')
    .option('--meeting <ref>', 'only those assigned at this meeting')
    .action(async (o: Opts & { unit?: string; status?: string; meeting?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const as = await listActions(ws, { unit: o.unit, status: o.status, ref: o.meeting });
        if (o.json) return printJson(as);
        console.log(
          as.length
            ? formatTable(
                ['id', 'meeting', 'owner', 'due', 'status', 'action'],
                as.map((a) => [
                  a.id,
                  a.ref,
                  a.ownerUnit,
                  a.dueDate,
                  a.status === 'closed' ? `closed ${a.closedIn ?? a.closedOn}` : a.status,
                  a.description,
                ]),
              )
            : 'No actions.',
        );
      });
    });

  withCommonOptions(
    ac.command('update <id>').description('a new status for an action (at a meeting with --meeting, or in between)'),
  )
    .requiredOption('--status <s>', 'open, in_progress or closed')
    .option('--note <text>')
    .option('--meeting <ref>', 'the (open) meeting where this is recorded; the action must be on its agenda')
    .option('--on <date>', 'date of the update outside a meeting (default today)')
    .option('--user <name>', 'who records it')
    .action(async (id: string, o: Opts & { status: string; note?: string; meeting?: string; on?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const a = await updateAction(ws, cliActor(o.user), id, {
          status: o.status,
          note: o.note,
          ref: o.meeting,
          onDate: o.on,
        });
        if (o.json) return printJson(a);
        console.log(`${a.id}: ${a.status}${a.closedIn ? ' at ' + a.closedIn : ''}`);
      });
    });

  withCommonOptions(ac.command('overdue').description('overdue actions and measures per unit'))
    .option('--today <date>', 'reference date (default today)')
    .action(async (o: Opts) => {
      await withWorkspace(o.workspace, async (ws) => {
        const us = await overdueByUnit(ws, today(o));
        if (o.json) return printJson(us);
        if (!us.length) return console.log('Nothing overdue.');
        console.log(
          formatTable(
            ['unit', 'overdue actions', 'overdue measures', 'most late (days)'],
            us.map((u) => [
              u.unit,
              u.overdueActions.map((a) => a.id).join(', '),
              u.overdueMeasures.map((m) => m.id).join(', '),
              Math.max(...u.overdueActions.map((a) => a.daysLate), ...u.overdueMeasures.map((m) => m.daysLate)),
            ]),
          ),
        );
      });
    });

  withCommonOptions(
    ac
      .command('remind')
      .description(
        'reminders before and after due dates; --email writes them to the outbox (the hook is off by default)',
      ),
  )
    .option('--today <date>', 'reference date (default today)')
    .option('--unit <unit>')
    .option('--email', 'send by the e-mail hook (needs email.enabled true)')
    .option('--user <name>', 'who sends')
    .action(async (o: Opts & { unit?: string; email?: boolean }) => {
      await withWorkspace(o.workspace, async (ws) => {
        if (o.email) {
          const r = await sendEmailReminders(ws, cliActor(o.user), today(o));
          if (o.json) return printJson(r);
          return console.log(
            `${r.written.length} e-mail(s) written to the outbox; ${r.skipped} skipped (already sent or no address).`,
          );
        }
        const rs = await reminders(ws, today(o), { unit: o.unit }, await workspaceMessageLang(ws));
        if (o.json) return printJson(rs);
        console.log(rs.length ? rs.map((r) => r.message).join('\n') : 'No reminders.');
      });
    });

  withCommonOptions(
    ac
      .command('report')
      .description('report for the head of customs: measures, indicators against goals, decisions pending'),
  )
    .option('--today <date>', 'reference date (default today)')
    .action(async (o: Opts) => {
      await withWorkspace(o.workspace, async (ws) => {
        const r = await headReport(ws, today(o));
        if (o.json) return printJson(r);
        console.log(`Report for the head of customs, ${r.asOf}`);
        console.log(
          `\nMeasures: ${r.measures.done} done, ${r.measures.planned} planned (${r.measures.late} late) of ${r.measures.total}`,
        );
        if (r.measures.byUnit.length)
          console.log(
            formatTable(
              ['unit', 'measures', 'done', 'late'],
              r.measures.byUnit.map((u) => [u.unit, u.total, u.done, u.late]),
            ),
          );
        if (r.indicators.length)
          console.log(
            '\nIndicators\n' +
              formatTable(
                ['id', 'indicator', 'period', 'value %', 'goal %', 'on target'],
                r.indicators.map((i) => [
                  i.id,
                  i.name,
                  i.period ?? '',
                  i.value ?? '',
                  i.goal ?? '',
                  i.onTarget === null ? '' : i.onTarget ? 'yes' : 'NO',
                ]),
              ),
          );
        console.log(
          `\nPending: ${r.pending.proposals.length} proposal(s) awaiting approval; ${r.pending.openActions} open action(s), ${r.pending.overdueActions} overdue.`,
        );
        for (const p of r.pending.proposals) console.log(`  ${p.id} (${p.kind}) ${p.summary}`);
      });
    });
}
