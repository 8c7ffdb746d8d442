// Local user accounts, used by `cip users` and by the API. Functions here change the tables and return
// before/after; the caller writes the history entry in the same transaction (the CLI with its actor, the
// server through the route declaration).
import { DomainError } from '../errors/index.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { generatePassword, hashPassword, passwordProblem } from './passwords.ts';
import { parseRoles } from './roles.ts';
import { getUnit, HQ } from './units.ts';

export const LANGUAGES = ['en', 'es', 'fr', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface User {
  user_id: number;
  username: string;
  display_name: string | null;
  roles: string[];
  unit_id: string;
  language: Language;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

interface UserRow extends Omit<User, 'roles'> {
  roles: string;
  password_hash: string;
}

export class UserAdminError extends DomainError {}

const COLUMNS = 'user_id, username, display_name, roles, unit_id, language, disabled, created_at, updated_at';

function toUser(r: Omit<UserRow, 'password_hash'>): User {
  return { ...r, roles: r.roles.split(',') };
}

/** What history keeps of an account: never the password hash. */
function publicState(u: User): Record<string, unknown> {
  return {
    username: u.username,
    display_name: u.display_name,
    roles: u.roles,
    unit_id: u.unit_id,
    language: u.language,
    disabled: u.disabled,
  };
}

export async function listUsers(ws: Workspace): Promise<User[]> {
  return (await ws.all<UserRow>(`SELECT ${COLUMNS} FROM server_users ORDER BY username`)).map(toUser);
}

export async function getUserByName(ws: Workspace, username: string): Promise<User | undefined> {
  const r = await ws.one<UserRow>(`SELECT ${COLUMNS} FROM server_users WHERE username = $u`, { u: username });
  return r ? toUser(r) : undefined;
}

export async function getUserById(ws: Workspace, id: number): Promise<User | undefined> {
  const r = await ws.one<UserRow>(`SELECT ${COLUMNS} FROM server_users WHERE user_id = $id`, { id });
  return r ? toUser(r) : undefined;
}

export async function passwordHashOf(
  ws: Workspace,
  username: string,
): Promise<{ user: User; hash: string } | undefined> {
  const r = await ws.one<UserRow>(`SELECT ${COLUMNS}, password_hash FROM server_users WHERE username = $u`, {
    u: username,
  });
  if (!r) return undefined;
  const { password_hash, ...rest } = r;
  return { user: toUser(rest), hash: password_hash };
}

export interface NewUser {
  username: string;
  displayName?: string;
  roles: string;
  unitId?: string;
  password: string;
  language?: Language;
}

async function checkUnit(ws: Workspace, unitId: string): Promise<void> {
  if (!(await getUnit(ws, unitId))) {
    throw new UserAdminError(
      `unknown organisational unit '${unitId}'; see 'cip users units' for the list (e.g. HQ, dir:<region>, office:<office>)`,
    );
  }
}

export interface UserChange {
  user: User;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

export async function addUser(ws: Workspace, n: NewUser): Promise<UserChange> {
  if (!/^[A-Za-z0-9._@-]{2,64}$/.test(n.username)) {
    throw new UserAdminError(`invalid user name '${n.username}': 2-64 letters, digits, '.', '_', '@' or '-'`);
  }
  const roles = parseRoles(n.roles);
  const problem = passwordProblem(n.password);
  if (problem) throw new UserAdminError(problem);
  const unitId = n.unitId ?? HQ;
  await ensureHq(ws);
  await checkUnit(ws, unitId);
  if (await getUserByName(ws, n.username)) throw new UserAdminError(`user '${n.username}' already exists`);
  const hash = await hashPassword(n.password);
  return ws.transaction(async () => {
    await ws.run(
      `INSERT INTO server_users (username, display_name, roles, unit_id, password_hash, language, created_at, updated_at)
       VALUES ($u, $d, $r, $unit, $h, $lang, now(), now())`,
      { u: n.username, d: n.displayName ?? null, r: roles.join(','), unit: unitId, h: hash, lang: n.language ?? 'en' },
    );
    const user = (await getUserByName(ws, n.username))!;
    return { user, before: null, after: publicState(user) };
  });
}

export interface UserPatch {
  roles?: string;
  unitId?: string;
  displayName?: string | null;
  disabled?: boolean;
  language?: Language;
  password?: string;
}

/** Updates an account; before/after never hold the password hash. */
export async function updateUser(ws: Workspace, username: string, patch: UserPatch): Promise<UserChange> {
  const before = await getUserByName(ws, username);
  if (!before) throw new UserAdminError(`no user '${username}'`, 'not_found');
  const roles = patch.roles !== undefined ? parseRoles(patch.roles) : before.roles;
  const unitId = patch.unitId ?? before.unit_id;
  if (patch.unitId) await checkUnit(ws, patch.unitId);
  if (patch.password !== undefined) {
    const problem = passwordProblem(patch.password);
    if (problem) throw new UserAdminError(problem);
  }
  const hash = patch.password !== undefined ? await hashPassword(patch.password) : null;
  return ws.transaction(async () => {
    await ws.run(
      `UPDATE server_users SET roles = $r, unit_id = $unit, display_name = $d, disabled = $dis, language = $lang,
         password_hash = coalesce($h, password_hash), updated_at = now() WHERE username = $u`,
      {
        u: username,
        r: roles.join(','),
        unit: unitId,
        d: patch.displayName !== undefined ? patch.displayName : before.display_name,
        dis: patch.disabled ?? before.disabled,
        lang: patch.language ?? before.language,
        h: hash,
      },
    );
    const after = (await getUserByName(ws, username))!;
    const changes: Record<string, unknown> = { ...publicState(after) };
    if (hash) changes.password = 'changed';
    if (patch.disabled || hash) await ws.run('DELETE FROM server_sessions WHERE user_id = $id', { id: after.user_id });
    // An administrator's password reset or re-enabling lifts the sign-in delays of the account.
    if (hash || (patch.disabled === false && before.disabled))
      await ws.run('DELETE FROM server_login_failures WHERE username = $u', { u: username.toLowerCase() });
    return { user: after, before: publicState(before), after: changes };
  });
}

/** Resets an account's password (a random one, returned once, when none is given); its sessions end. */
export async function resetPassword(
  ws: Workspace,
  username: string,
  password?: string,
): Promise<UserChange & { password: string; generated: boolean }> {
  const pw = password ?? generatePassword();
  const c = await updateUser(ws, username, { password: pw });
  return { ...c, password: pw, generated: password === undefined };
}

export async function ensureHq(ws: Workspace): Promise<void> {
  await ws.run(`INSERT INTO server_units SELECT 'HQ', 'Headquarters', 'hq', NULL, 'derived'
                WHERE NOT EXISTS (SELECT 1 FROM server_units WHERE unit_id = 'HQ')`);
}

export async function countUsers(ws: Workspace): Promise<number> {
  return Number(await ws.scalar('SELECT count(*) FROM server_users'));
}
