// User accounts, roles, organisational units and the change history.
import { DomainError } from '../../errors/index.ts';
import { z } from 'zod';
import { listHistory, verifyHistory } from '../../history/history.ts';
import { checkAnchor, formatAnchor, historyHead, parseAnchor } from '../../history/anchor.ts';
import { changeRoute, readRoute, type RouteDef } from '../route-table.ts';
import { PERMISSIONS, ROLE_DEFS } from '../roles.ts';
import { listUnits, syncUnits } from '../units.ts';
import { addUser, getUserByName, LANGUAGES, listUsers, resetPassword, updateUser, UserAdminError } from '../users.ts';

const UserOut = z.object({
  username: z.string(),
  display_name: z.string().nullable(),
  roles: z.array(z.string()),
  unit_id: z.string(),
  language: z.enum(LANGUAGES),
  disabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** An account as GET /api/users lists it (the Users page). */
export type UserListed = z.infer<typeof UserOut>;

const UnitOut = z.object({
  unit_id: z.string(),
  name: z.string(),
  level: z.enum(['hq', 'directorate', 'office']),
  parent_id: z.string().nullable(),
  source: z.string(),
});

/** An organisational unit as GET /api/units lists it. */
export type UnitListed = z.infer<typeof UnitOut>;

const RolesOut = z.object({
  permissions: z.array(z.string()),
  roles: z.array(
    z.object({ code: z.string(), labels: z.record(z.string(), z.string()), permissions: z.array(z.string()) }),
  ),
});
/** GET /api/roles: the roles, their labels and permissions. */
export type RolesListed = z.infer<typeof RolesOut>;

const HistoryOut = z.object({
  seq: z.number(),
  changed_at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  org_unit: z.string().nullable(),
  before_json: z.string().nullable(),
  after_json: z.string().nullable(),
  hash: z.string(),
});

const pub = ({ user_id: _id, ...u }: { user_id: number } & z.infer<typeof UserOut>) => u;

export const adminRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/roles',
    summary: 'Roles (Annex 4), their labels in four languages and their permissions',
    tag: 'admin',
    access: 'authenticated',
    response: RolesOut,
    read: async () => ({
      permissions: PERMISSIONS,
      roles: Object.entries(ROLE_DEFS).map(([code, d]) => ({ code, labels: d.labels, permissions: d.permissions })),
    }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/units',
    summary: 'Organisational units: HQ, directorates, offices',
    tag: 'admin',
    access: 'overview.read',
    response: z.array(UnitOut),
    read: async ({ db }) => db.read((ws) => listUnits(ws)),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/units/sync',
    summary:
      'Add the directorates and offices found in the data (operators.region, operators.office, declaration offices)',
    tag: 'admin',
    access: 'users.manage',
    audit: { action: 'units.sync', entityType: 'org_unit' },
    response: z.object({ added: z.number() }),
    change: async (_ctx, ws) => {
      const before = (await listUnits(ws)).map((u) => u.unit_id);
      const added = await syncUnits(ws);
      const after = (await listUnits(ws)).map((u) => u.unit_id);
      return {
        result: { added },
        change: {
          entityId: null,
          before: { units: before.length },
          after: { units: after.length, added: after.filter((u) => !before.includes(u)) },
        },
      };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/users',
    summary: 'User accounts',
    tag: 'admin',
    access: 'users.manage',
    response: z.array(UserOut),
    read: async ({ db }) => (await db.read((ws) => listUsers(ws))).map(pub),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/users',
    summary: 'Create a user account with roles and an organisational unit',
    tag: 'admin',
    access: 'users.manage',
    audit: { action: 'users.add', entityType: 'user' },
    body: z.object({
      username: z.string().min(2).max(64),
      display_name: z.string().max(200).optional(),
      roles: z.array(z.string()).min(1),
      unit_id: z.string().default('HQ'),
      password: z.string().min(10).max(200),
      language: z.enum(LANGUAGES).default('en'),
    }),
    response: UserOut,
    change: async ({ body }, ws) => {
      const c = await addUser(ws, {
        username: body.username,
        displayName: body.display_name,
        roles: body.roles.join(','),
        unitId: body.unit_id,
        password: body.password,
        language: body.language,
      });
      return {
        result: pub(c.user),
        change: { entityId: c.user.username, orgUnit: c.user.unit_id, before: null, after: c.after },
      };
    },
  }),
  changeRoute({
    method: 'PATCH',
    url: '/api/users/:username',
    summary: 'Change roles, unit, name, language, disable an account or reset its password',
    tag: 'admin',
    access: 'users.manage',
    audit: { action: 'users.update', entityType: 'user' },
    params: z.object({ username: z.string() }),
    body: z.object({
      roles: z.array(z.string()).min(1).optional(),
      unit_id: z.string().optional(),
      display_name: z.string().max(200).nullable().optional(),
      disabled: z.boolean().optional(),
      language: z.enum(LANGUAGES).optional(),
      password: z.string().min(10).max(200).optional(),
    }),
    response: UserOut,
    change: async ({ params, body, user }, ws) => {
      if (!(await getUserByName(ws, params.username)))
        throw new DomainError(`no user '${params.username}'`, 'not_found');
      if (params.username === user.username && (body.disabled || (body.roles && !body.roles.includes('admin')))) {
        throw new DomainError('you cannot disable yourself or remove your own administrator role', 'invalid');
      }
      const c = await updateUser(ws, params.username, {
        roles: body.roles?.join(','),
        unitId: body.unit_id,
        displayName: body.display_name,
        disabled: body.disabled,
        language: body.language,
        password: body.password,
      });
      return {
        result: pub(c.user),
        change: { entityId: c.user.username, orgUnit: c.user.unit_id, before: c.before, after: c.after },
      };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/users/:username/password',
    summary:
      "Reset an account's password: the one given, or a random one shown once in the answer (as 'cip users set-password'); its sessions end",
    tag: 'admin',
    access: 'users.manage',
    audit: { action: 'users.password', entityType: 'user' },
    params: z.object({ username: z.string().max(64) }),
    body: z.object({ password: z.string().max(200).optional() }),
    response: z.object({ username: z.string(), password: z.string().nullable() }),
    change: async ({ params, body }, ws) => {
      const c = await resetPassword(ws, params.username, body.password);
      return {
        result: { username: c.user.username, password: c.generated ? c.password : null },
        change: { entityId: c.user.username, orgUnit: c.user.unit_id, before: c.before, after: c.after },
      };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/history',
    summary: 'The change history, latest first, filterable',
    tag: 'history',
    access: 'history.read',
    query: z.object({
      entity_type: z.string().optional(),
      entity_id: z.string().optional(),
      actor: z.string().optional(),
      action: z.string().optional(),
      since: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}/, 'expected a date YYYY-MM-DD')
        .optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    response: z.array(HistoryOut),
    read: async ({ db, query }) =>
      (
        await db.read((ws) =>
          listHistory(ws, {
            entityType: query.entity_type,
            entityId: query.entity_id,
            actor: query.actor,
            action: query.action,
            since: query.since,
            limit: query.limit,
          }),
        )
      ).map(({ prev_hash: _p, ...e }) => e),
  }),
  readRoute({
    method: 'GET',
    url: '/api/history/verify',
    summary:
      'Recompute the hash chain: reports edited or deleted entries (deleted last ones given an anchor SEQ:HASH) and the head',
    tag: 'history',
    access: 'history.read',
    query: z.object({ anchor: z.string().max(80).optional() }),
    response: z.object({
      ok: z.boolean(),
      entries: z.number(),
      problems: z.array(z.object({ seq: z.number(), problem: z.string() })),
      head: z.string(),
    }),
    read: async ({ db, query }) => {
      const anchor = query.anchor !== undefined ? parseAnchor(query.anchor) : undefined;
      return db.read(async (ws) => {
        const r = await verifyHistory(ws);
        if (anchor) r.problems.push(...(await checkAnchor(ws, anchor)));
        return { ...r, ok: r.problems.length === 0, head: formatAnchor(await historyHead(ws)) };
      });
    },
  }),
];
