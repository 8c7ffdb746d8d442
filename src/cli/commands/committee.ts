// cip committee: members with their Annex 4 role, subcommittees, terms of reference, governance settings.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import {
  COMMITTEE_ROLES,
  getSettings,
  getTerms,
  listMembers,
  listSubcommittees,
  saveMember,
  saveSubcommittee,
  setSetting,
  setTerms,
} from '../../governance/index.ts';
import { clientPath } from '../transport/context.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  user?: string;
}

export function register(program: Command): void {
  const c = program
    .command('committee')
    .description('the risk-management committee (Annex 4): members, roles, subcommittees, terms of reference');

  withCommonOptions(c.command('members').description('list the committee members with their role and unit'))
    .option('--all', 'include members who left')
    .action(async (o: Opts & { all?: boolean }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const ms = await listMembers(ws, { includeInactive: o.all });
        if (o.json) return printJson(ms);
        if (!ms.length)
          return console.log(
            "No members yet. Add with `cip committee add --name 'Ana Costa' --role coordinator --unit 'Risk management'`.",
          );
        console.log(
          formatTable(
            ['id', 'name', 'role', 'unit', 'subcommittee', 'e-mail', 'account', 'active'],
            ms.map((m) => [
              m.id,
              m.name,
              m.roleLabel,
              m.unit ?? '',
              m.subcommittee ?? '',
              m.email ?? '',
              m.account ?? '',
              m.active ? 'yes' : 'no',
            ]),
          ),
        );
      });
    });

  const memberOptions = (cmd: Command) =>
    cmd
      .option('--unit <unit>', 'division, unit or customs office')
      .option('--subcommittee <code>', 'technical subcommittee the member sits on')
      .option('--email <address>', 'for e-mail reminders (off by default)')
      .option('--account <user>', 'the user name the member signs with (web account, or --user / $CIP_USER)')
      .option('--user <name>', 'who makes the change');

  memberOptions(withCommonOptions(c.command('add').description('add a member')))
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--role <role>', `one of ${COMMITTEE_ROLES.join(', ')}`)
    .action(
      async (
        o: Opts & {
          name: string;
          role: string;
          unit?: string;
          subcommittee?: string;
          email?: string;
          account?: string;
        },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          const m = await saveMember(ws, cliActor(o.user), {
            name: o.name,
            role: o.role,
            unit: o.unit,
            subcommittee: o.subcommittee,
            email: o.email,
            account: o.account,
          });
          if (o.json) return printJson(m);
          console.log(`Added ${m.id}: ${m.name}, ${m.roleLabel}${m.unit ? ', ' + m.unit : ''}`);
        });
      },
    );

  memberOptions(
    withCommonOptions(
      c
        .command('set <id>')
        .description('change a member (a new version; past meetings keep the attendee as they were)'),
    ),
  )
    .option('--name <name>')
    .option('--role <role>')
    .option('--left', 'the member left the committee')
    .action(
      async (
        id: string,
        o: Opts & {
          name?: string;
          role?: string;
          unit?: string;
          subcommittee?: string;
          email?: string;
          account?: string;
          left?: boolean;
        },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          const cur = (await listMembers(ws, { includeInactive: true })).find((m) => m.id === id);
          if (!cur) throw new UserError(`no committee member '${id}' (see 'cip committee members')`);
          const m = await saveMember(
            ws,
            cliActor(o.user),
            {
              name: o.name ?? cur.name,
              role: o.role ?? cur.role,
              unit: o.unit,
              subcommittee: o.subcommittee,
              email: o.email,
              account: o.account,
              active: o.left ? false : undefined,
            },
            id,
          );
          if (o.json) return printJson(m);
          console.log(`Updated ${m.id} (version ${m.version}): ${m.name}, ${m.roleLabel}${m.active ? '' : ' (left)'}`);
        });
      },
    );

  withCommonOptions(
    c.command('subcommittee <code>').description('add or change a technical subcommittee and its theme'),
  )
    .requiredOption('--name <name>')
    .requiredOption('--theme <text>', 'e.g. updating cargo selectivity criteria, PCA, data management')
    .option('--reports-to <code>', "RMC (default) or another subcommittee's code")
    .option('--user <name>', 'who makes the change')
    .action(async (code: string, o: Opts & { name: string; theme: string; reportsTo?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const s = await saveSubcommittee(ws, cliActor(o.user), {
          code,
          name: o.name,
          theme: o.theme,
          reportsTo: o.reportsTo,
        });
        if (o.json) return printJson(s);
        console.log(`Subcommittee ${s.code} (${s.name}) — ${s.theme}; reports to ${s.reportsTo}`);
      });
    });

  withCommonOptions(c.command('subcommittees').description('list the subcommittees')).action(async (o: Opts) => {
    await withWorkspace(o.workspace, async (ws) => {
      const ss = await listSubcommittees(ws);
      if (o.json) return printJson(ss);
      console.log(
        ss.length
          ? formatTable(
              ['code', 'name', 'theme', 'reports to'],
              ss.map((s) => [s.code, s.name, s.theme, s.reportsTo]),
            )
          : 'No subcommittees yet.',
      );
    });
  });

  withCommonOptions(
    c
      .command('terms')
      .description('show the terms of reference, or attach a new version with --file and/or --delegates'),
  )
    .option('--file <path>', 'a text or Markdown file with the terms of reference')
    .option('--title <title>', 'title (default: the file name)')
    .option('--delegates <ids>', "members who may sign minutes off in the chair's place, comma-separated ('' for none)")
    .option('--user <name>', 'who makes the change')
    .action(async (o: Opts & { file?: string; title?: string; delegates?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        if (o.file || o.delegates !== undefined) {
          let body: string | undefined;
          if (o.file) {
            try {
              body = readFileSync(clientPath(o.file), 'utf8');
            } catch (e) {
              throw new UserError(`cannot read ${o.file}: ${(e as Error).message}`);
            }
          }
          const t = await setTerms(ws, cliActor(o.user), {
            title: o.title ?? (o.file ? basename(o.file) : undefined),
            body,
            fileName: o.file ? basename(o.file) : undefined,
            delegates:
              o.delegates === undefined
                ? undefined
                : o.delegates
                    .split(',')
                    .map((x) => x.trim())
                    .filter(Boolean),
          });
          if (o.json) return printJson(t);
          return console.log(
            `Terms of reference version ${t.version} attached (${t.body.length} characters); ` +
              `sign-off delegates: ${t.delegates.join(', ') || 'none'}.`,
          );
        }
        const t = await getTerms(ws);
        if (o.json) return printJson(t);
        console.log(
          t
            ? `${t.title} (version ${t.version}, ${t.changedBy}; sign-off delegates: ${t.delegates.join(', ') || 'none'})\n\n${t.body}`
            : 'No terms of reference yet. Attach with `cip committee terms --file terms.md`.',
        );
      });
    });

  const st = c
    .command('settings')
    .description('which changes need approval; reminder days; the e-mail hook (off by default)');
  withCommonOptions(st.command('show')).action(async (o: Opts) => {
    await withWorkspace(o.workspace, async (ws) => {
      const s = await getSettings(ws);
      if (o.json) return printJson(s);
      console.log(
        formatTable(
          ['setting', 'value'],
          Object.entries(s).map(([k, v]) => [k, String(v)]),
        ),
      );
    });
  });
  withCommonOptions(st.command('set <key> <value>'))
    .option('--user <name>', 'who makes the change')
    .action(async (key: string, value: string, o: Opts) => {
      await withWorkspace(o.workspace, async (ws) => {
        const s = await setSetting(ws, cliActor(o.user), key, value);
        if (o.json) return printJson(s);
        console.log(`${key} = ${String(s[key as keyof typeof s])}`);
      });
    });
}
