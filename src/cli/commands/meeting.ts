// cip meeting: create (numbered RMC-YYYY-NN, attendees frozen), agenda, minutes, decisions, sign-off,
// corrections after sign-off, exports of the minutes (docx/xlsx) and the decision log.
import { workspaceMessageLang } from '../../i18n/messages.ts';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import {
  addAgendaItem,
  addCorrection,
  agendaOf,
  createMeeting,
  getMeeting,
  listDecisions,
  listMeetings,
  listMinutes,
  recordAttendance,
  recordDecision,
  signOff,
  type Meeting,
  writeMinutes,
} from '../../governance/index.ts';
import { clientPath } from '../transport/context.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  user?: string;
}

const statusText = (m: Meeting) =>
  m.status === 'signed'
    ? `signed off by ${m.signedBy}`
    : m.status === 'signing'
      ? 'awaiting a second signatory'
      : 'open';

const list = (s?: string) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function formatOf(file: string, format?: string): 'docx' | 'xlsx' {
  const f = (format ?? file.split('.').pop() ?? '').toLowerCase();
  if (f !== 'docx' && f !== 'xlsx')
    throw new UserError(`output '${file}': expected a .docx or .xlsx file (or --format docx|xlsx)`);
  return f;
}

export function register(program: Command): void {
  const mt = program
    .command('meeting')
    .description('committee meetings: agenda, minutes, decisions, sign-off, exports');

  withCommonOptions(
    mt
      .command('create')
      .description(
        'hold a meeting: reference RMC-<year>-<nn>, attendees as they are today, agenda proposed from the plan',
      ),
  )
    .requiredOption('--date <date>', 'meeting date YYYY-MM-DD')
    .requiredOption('--chair <member>', 'the chairing member: id (MEM-001) or name')
    .option('--title <text>')
    .option('--ref <ref>', 'reference (default RMC-<year>-<next number>)')
    .option('--attendees <ids>', 'members called, ids comma-separated (default every active member)')
    .option('--no-plan-items', 'do not propose agenda items from the plan')
    .option('--user <name>', 'who makes the change')
    .action(
      async (
        o: Opts & { date: string; chair: string; title?: string; ref?: string; attendees?: string; planItems: boolean },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          const m = await createMeeting(ws, cliActor(o.user), {
            heldOn: o.date,
            chair: o.chair,
            title: o.title,
            ref: o.ref,
            attendees: o.attendees ? list(o.attendees) : undefined,
            planItems: o.planItems,
          });
          const agenda = await agendaOf(ws, m.ref, await workspaceMessageLang(ws));
          if (o.json) return printJson({ ...m, agenda });
          console.log(
            `Meeting ${m.ref} on ${m.heldOn}, chaired by ${m.chair}; ${m.attendees.length} member(s) called; ${agenda.length} agenda item(s).`,
          );
        });
      },
    );

  withCommonOptions(mt.command('list').description('meetings with their status')).action(async (o: Opts) => {
    await withWorkspace(o.workspace, async (ws) => {
      const ms = await listMeetings(ws);
      if (o.json) return printJson(ms);
      if (!ms.length)
        return console.log(
          "No meetings yet. Hold one with `cip meeting create --date 2026-04-15 --chair 'Head of customs'`.",
        );
      console.log(
        formatTable(
          ['ref', 'date', 'chair', 'present', 'status'],
          ms.map((m) => [
            m.ref,
            m.heldOn,
            m.chair,
            `${m.attendees.filter((a) => a.present).length}/${m.attendees.length}`,
            statusText(m),
          ]),
        ),
      );
    });
  });

  withCommonOptions(
    mt
      .command('show <ref>')
      .description('the meeting: attendees, agenda (with actions carried forward), minutes, decisions'),
  ).action(async (ref: string, o: Opts) => {
    await withWorkspace(o.workspace, async (ws) => {
      const m = await getMeeting(ws, ref);
      const agenda = await agendaOf(ws, ref, await workspaceMessageLang(ws));
      const minutes = await listMinutes(ws, ref);
      const decisions = await listDecisions(ws, { ref });
      if (o.json) return printJson({ ...m, agenda, minutes, decisions });
      console.log(
        `${m.ref} — ${m.heldOn}, chair ${m.chair}; ${statusText(m)}` +
          (m.signatures.length
            ? ` (signed by ${m.signatures.map((s) => `${s.name} as ${s.capacity}`).join(', ')})`
            : ''),
      );
      console.log(
        `Members called: ${m.attendees
          .map(
            (a) =>
              `${a.name} (${a.role}${a.unit ? ', ' + a.unit : ''}; ${a.present === null ? 'attendance not recorded' : a.present ? 'present' : 'absent'})`,
          )
          .join('; ')}`,
      );
      console.log('\nAgenda');
      console.log(
        formatTable(
          ['key', 'kind', 'item'],
          agenda.map((i) => [i.key, i.kind, i.title.length > 90 ? i.title.slice(0, 89) + '…' : i.title]),
        ),
      );
      if (minutes.length)
        console.log(
          '\nMinutes\n' +
            minutes
              .map((e) => `  [${e.itemKey}] ${e.kind === 'correction' ? 'CORRECTION ' : ''}${e.body} (${e.author})`)
              .join('\n'),
        );
      if (decisions.length)
        console.log(
          '\nDecisions\n' +
            decisions.map((d) => `  ${d.id} ${d.outcome} ${d.subjectType} ${d.subjectId ?? ''}: ${d.text}`).join('\n'),
        );
    });
  });

  withCommonOptions(mt.command('agenda <ref>').description('the agenda; --add adds an item by hand'))
    .option('--add <title>', 'title of a new item')
    .option('--subject <type:id>', 'what it is about, e.g. measure:M-003')
    .option('--user <name>', 'who makes the change')
    .action(async (ref: string, o: Opts & { add?: string; subject?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        if (o.add) {
          const [st, sid] = o.subject ? o.subject.split(/:(.*)/s) : [null, null];
          await addAgendaItem(ws, cliActor(o.user), ref, {
            kind: 'other',
            subjectType: st ?? null,
            subjectId: sid ?? null,
            title: o.add,
          });
        }
        const agenda = await agendaOf(ws, ref, await workspaceMessageLang(ws));
        if (o.json) return printJson(agenda);
        console.log(
          formatTable(
            ['key', 'kind', 'item'],
            agenda.map((i) => [i.key, i.kind, i.title]),
          ),
        );
      });
    });

  withCommonOptions(
    mt.command('attendance <ref>').description('record who attended among the members called (an open meeting)'),
  )
    .option('--present <ids>', 'member ids present, comma-separated')
    .option('--absent <ids>', 'member ids absent, comma-separated')
    .option('--user <name>', 'who records it')
    .action(async (ref: string, o: Opts & { present?: string; absent?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const m = await recordAttendance(ws, cliActor(o.user), ref, {
          present: list(o.present),
          absent: list(o.absent),
        });
        if (o.json) return printJson(m);
        const unrecorded = m.attendees.filter((a) => a.present === null).map((a) => a.memberId);
        console.log(
          `${ref}: ${m.attendees.filter((a) => a.present).length} present, ${m.attendees.filter((a) => a.present === false).length} absent` +
            (unrecorded.length ? `; not recorded yet: ${unrecorded.join(', ')}` : '.'),
        );
      });
    });

  withCommonOptions(mt.command('minutes <ref>').description('minutes of one agenda item (an open meeting)'))
    .requiredOption('--item <key>', 'item:<n>, action:<id> or general')
    .requiredOption('--text <text>')
    .option('--user <name>', 'who writes them')
    .action(async (ref: string, o: Opts & { item: string; text: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const e = await writeMinutes(ws, cliActor(o.user), ref, o.item, o.text);
        if (o.json) return printJson(e);
        console.log(`Minutes entry ${e.entryNo} on ${ref} ${e.itemKey}.`);
      });
    });

  withCommonOptions(mt.command('decide <ref>').description('record a decision; on a proposal, approving applies it'))
    .requiredOption(
      '--on <type:id>',
      'measure:M-001, treatment:general:large/high, vulnerability:V-002, gri_config:general@v3, proposal:P-001, action:A-001, or none',
    )
    .requiredOption('--outcome <outcome>', 'approved, rejected, noted or instructed')
    .requiredOption('--text <text>', 'what was decided')
    .option('--item <key>', 'the agenda item it belongs to (item:<n>, action:<id>)')
    .option('--user <name>', 'who records it')
    .action(async (ref: string, o: Opts & { on: string; outcome: string; text: string; item?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const [st, sid] = o.on === 'none' ? ['none', null] : o.on.split(/:(.*)/s);
        const d = await recordDecision(ws, cliActor(o.user), ref, {
          itemKey: o.item,
          subjectType: st,
          subjectId: sid || null,
          outcome: o.outcome,
          text: o.text,
        });
        if (o.json) return printJson(d);
        console.log(`Decision ${d.id}: ${d.outcome} ${d.subjectType} ${d.subjectId ?? ''}`.trim());
      });
    });

  withCommonOptions(
    mt
      .command('sign-off <ref>')
      .description(
        'sign the minutes as the chair or a delegate named in the terms of reference (a second signatory when they prepared them); locked once signed off',
      ),
  )
    .option('--user <name>', 'who signs (a committee member linked to this account)')
    .action(async (ref: string, o: Opts) => {
      await withWorkspace(o.workspace, async (ws) => {
        const m = await signOff(ws, cliActor(o.user), ref);
        if (o.json) return printJson(m);
        const s = m.signatures.at(-1)!;
        console.log(
          m.status === 'signed'
            ? `${m.ref} signed off by ${m.signedBy} at ${m.signedAt}; the record is locked.`
            : `${m.ref} signed by ${s.name} as ${s.capacity}; it awaits a second signatory who did not prepare the minutes.`,
        );
      });
    });

  withCommonOptions(
    mt
      .command('correct <ref>')
      .description('a correction to a signed-off meeting (a new entry; the signed text stays)'),
  )
    .requiredOption('--item <key>', 'item:<n>, action:<id>, decision:<id> or general')
    .requiredOption('--text <text>')
    .option('--user <name>', 'who corrects')
    .action(async (ref: string, o: Opts & { item: string; text: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const e = await addCorrection(ws, cliActor(o.user), ref, o.item, o.text);
        if (o.json) return printJson(e);
        console.log(`Correction entry ${e.entryNo} on ${ref} ${e.itemKey}.`);
      });
    });

  withCommonOptions(mt.command('export <ref>').description('the minutes of a meeting to Word or Excel'))
    .requiredOption('-o, --output <file>', 'minutes.docx or minutes.xlsx')
    .option('--format <f>', 'docx or xlsx (default from the file name)')
    .option('--lang <lang>', "language of the document: en | es | fr | pt (default: the workspace's)")
    .action(async (ref: string, o: Opts & { output: string; format?: string; lang?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const f = formatOf(o.output, o.format);
        const { minutesDocx, minutesXlsx } = await import('../../governance/export.ts');
        const { parseLanguage } = await import('../../plan/export/labels.ts');
        const lang = o.lang ? parseLanguage(o.lang) : undefined;
        const buf = f === 'docx' ? await minutesDocx(ws, ref, lang) : await minutesXlsx(ws, ref, lang);
        writeFileSync(clientPath(o.output), buf);
        if (o.json) return printJson({ ref, file: o.output, format: f, bytes: buf.length });
        console.log(`Minutes of ${ref} written to ${o.output} (${buf.length} bytes).`);
      });
    });

  withCommonOptions(mt.command('decisions').description('the decision log (all meetings); -o exports it'))
    .option('-o, --output <file>', 'decisions.docx or decisions.xlsx')
    .option('--lang <lang>', "language of the exported log: en | es | fr | pt (default: the workspace's)")
    .action(async (o: Opts & { output?: string; lang?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        if (o.output) {
          const f = formatOf(o.output);
          const { decisionLogDocx, decisionLogXlsx } = await import('../../governance/export.ts');
          const { parseLanguage } = await import('../../plan/export/labels.ts');
          const lang = o.lang ? parseLanguage(o.lang) : undefined;
          const buf = f === 'docx' ? await decisionLogDocx(ws, lang) : await decisionLogXlsx(ws, lang);
          writeFileSync(clientPath(o.output), buf);
          if (o.json) return printJson({ file: o.output, format: f, bytes: buf.length });
          return console.log(`Decision log written to ${o.output} (${buf.length} bytes).`);
        }
        const ds = await listDecisions(ws);
        if (o.json) return printJson(ds);
        console.log(
          ds.length
            ? formatTable(
                ['decision', 'date', 'subject', 'outcome', 'text'],
                ds.map((d) => [
                  d.id,
                  d.heldOn,
                  `${d.subjectType} ${d.subjectId ?? ''}`,
                  d.outcome,
                  d.text.length > 70 ? d.text.slice(0, 69) + '…' : d.text,
                ]),
              )
            : 'No decisions yet.',
        );
      });
    });
}
