// cip users add|list|set-role|set-password|units: local accounts of the web application.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor, recordChange } from '../../history/history.ts';
import { generatePassword } from '../../server/passwords.ts';
import { ROLES } from '../../server/roles.ts';
import { listUnits, syncUnits } from '../../server/units.ts';
import {
  addUser,
  LANGUAGES,
  listUsers,
  resetPassword,
  updateUser,
  type Language,
  type UserChange,
} from '../../server/users.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';

type Opts = { workspace?: string; json?: boolean; user?: string };

/** Account errors (unknown role or unit, weak password, duplicate name) are the user's to fix. */
function asUserError<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: Error) => {
    throw new UserError(e.message);
  });
}

export function register(program: Command): void {
  const users = program.command('users').description(`web application accounts; roles: ${ROLES.join(', ')}`);

  withCommonOptions(
    users.command('add <name>').description('create an account (the first one is usually --role admin)'),
  )
    .requiredOption('--role <roles>', `one or more roles, comma-separated: ${ROLES.join(', ')}`)
    .option('--unit <unit>', "organisational unit: HQ, dir:<region> or office:<office> (see 'cip users units')", 'HQ')
    .option('--password <password>', 'initial password (10+ characters); default: a random one, printed once')
    .option('--display-name <text>', 'full name shown in the interface')
    .option('--language <lang>', `interface language: ${LANGUAGES.join(', ')}`, 'en')
    .option('--user <actor>', 'who makes the change (default $CIP_USER or the OS user)')
    .action(
      async (
        name: string,
        opts: Opts & { role: string; unit: string; password?: string; displayName?: string; language: string },
      ) => {
        if (!(LANGUAGES as readonly string[]).includes(opts.language))
          throw new UserError(`--language: expected one of ${LANGUAGES.join(', ')}, got '${opts.language}'`);
        const password = opts.password ?? generatePassword();
        await withWorkspace(opts.workspace, async (ws) => {
          await syncUnits(ws);
          const c: UserChange = await asUserError(
            ws.transaction(async () => {
              const c = await addUser(ws, {
                username: name,
                roles: opts.role,
                unitId: opts.unit,
                password,
                displayName: opts.displayName,
                language: opts.language as Language,
              });
              await recordChange(ws, {
                actor: cliActor(opts.user),
                action: 'users.add',
                entityType: 'user',
                entityId: name,
                orgUnit: c.user.unit_id,
                after: c.after,
              });
              return c;
            }),
          );
          if (opts.json) return printJson({ ...c.user, password: opts.password ? undefined : password });
          console.log(`User '${name}' created: roles ${c.user.roles.join(', ')}, unit ${c.user.unit_id}.`);
          if (!opts.password) console.log(`Password (shown once): ${password}`);
        });
      },
    );

  withCommonOptions(users.command('list').description('accounts with their roles and units')).action(
    async (opts: Opts) => {
      await withWorkspace(opts.workspace, async (ws) => {
        const rows = await listUsers(ws);
        if (opts.json) return printJson(rows);
        console.log(
          formatTable(
            ['user', 'name', 'roles', 'unit', 'lang', 'disabled'],
            rows.map((u) => [
              u.username,
              u.display_name,
              u.roles.join(','),
              u.unit_id,
              u.language,
              u.disabled ? 'yes' : '',
            ]),
          ),
        );
      });
    },
  );

  const change = (cmdName: string, desc: string) =>
    withCommonOptions(users.command(cmdName).description(desc)).option(
      '--user <actor>',
      'who makes the change (default $CIP_USER or the OS user)',
    );

  change('set-role <name>', 'change the roles and/or the unit of an account')
    .option('--role <roles>', `comma-separated roles: ${ROLES.join(', ')}`)
    .option('--unit <unit>', 'organisational unit')
    .action(async (name: string, opts: Opts & { role?: string; unit?: string }) => {
      if (!opts.role && !opts.unit) throw new UserError('give --role and/or --unit');
      await update(opts, name, 'users.set-role', { roles: opts.role, unitId: opts.unit });
    });

  change('set-password <name>', 'reset the password of an account (ends its sessions)')
    .option('--password <password>', 'new password (10+ characters); default: a random one, printed once')
    .action(async (name: string, opts: Opts & { password?: string }) => {
      const c = await update(opts, name, 'users.password', (ws) => resetPassword(ws, name, opts.password));
      if (c.generated && !opts.json) console.log(`Password (shown once): ${c.password}`);
    });

  change('disable <name>', 'disable an account (ends its sessions)').action(async (name: string, opts: Opts) => {
    await update(opts, name, 'users.disable', { disabled: true });
  });
  change('enable <name>', 'enable a disabled account').action(async (name: string, opts: Opts) => {
    await update(opts, name, 'users.enable', { disabled: false });
  });

  withCommonOptions(
    users.command('units').description('organisational units (HQ → directorate → office), derived from the data'),
  ).action(async (opts: Opts) => {
    await withWorkspace(opts.workspace, async (ws) => {
      await syncUnits(ws);
      const rows = await listUnits(ws);
      if (opts.json) return printJson(rows);
      console.log(
        formatTable(
          ['unit', 'name', 'level', 'parent'],
          rows.map((u) => [u.unit_id, u.name, u.level, u.parent_id]),
        ),
      );
    });
  });
}

async function update<C extends UserChange>(
  opts: Opts,
  name: string,
  action: string,
  patch: Parameters<typeof updateUser>[2] | ((ws: Workspace) => Promise<C>),
): Promise<C> {
  return withWorkspace(opts.workspace, async (ws) => {
    const c = await asUserError(
      ws.transaction(async () => {
        const c = typeof patch === 'function' ? await patch(ws) : ((await updateUser(ws, name, patch)) as C);
        await recordChange(ws, {
          actor: cliActor(opts.user),
          action,
          entityType: 'user',
          entityId: name,
          orgUnit: c.user.unit_id,
          before: c.before,
          after: c.after,
        });
        return c;
      }),
    );
    // A generated password is shown once, in the JSON too.
    const shown = 'generated' in c && c.generated ? { password: (c as { password?: string }).password } : {};
    if (opts.json) printJson({ ...c.user, ...shown });
    else
      console.log(
        `User '${name}': roles ${c.user.roles.join(', ')}, unit ${c.user.unit_id}${c.user.disabled ? ', disabled' : ''}.`,
      );
    return c;
  });
}
