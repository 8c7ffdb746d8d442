// Roles of Annex 4 (plus a system administrator) and what each may do. The matrix itself is data:
// roles.json. A user holds one or more roles; their permissions are the union.
import { DomainError } from '../errors/index.ts';
import { z } from 'zod';
import rolesJson from './roles.json' with { type: 'json' };

const RolesFile = z.object({
  permissions: z.record(z.string(), z.string()),
  roles: z.record(
    z.string(),
    z.object({
      labels: z.object({ en: z.string(), es: z.string(), fr: z.string(), pt: z.string() }),
      permissions: z.array(z.string()),
    }),
  ),
});

const file = RolesFile.parse(rolesJson);
for (const [role, def] of Object.entries(file.roles)) {
  for (const p of def.permissions) {
    if (!(p in file.permissions)) throw new Error(`roles.json: role '${role}' names unknown permission '${p}'`);
  }
}

/** Every permission roles.json defines: a route naming another one (a typo) does not compile. */
export type Permission = keyof typeof rolesJson.permissions;
export const PERMISSIONS = Object.keys(file.permissions) as Permission[];
export const ROLES = Object.keys(file.roles);
export const ROLE_DEFS = file.roles;

export function isRole(r: string): boolean {
  return r in file.roles;
}

/** Parses 'head,admin' into known role codes; throws naming the unknown one. */
export function parseRoles(spec: string): string[] {
  const roles = [
    ...new Set(
      spec
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (roles.length === 0) throw new RoleError(`no role given; expected one or more of ${ROLES.join(', ')}`);
  for (const r of roles) {
    if (!isRole(r)) throw new RoleError(`unknown role '${r}'; expected one of ${ROLES.join(', ')}`);
  }
  return roles;
}

export class RoleError extends DomainError {}

export function permissionsOf(roles: string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of file.roles[r]?.permissions ?? []) out.add(p as Permission);
  return out;
}

export function roleAllows(role: string, permission: Permission): boolean {
  return file.roles[role]?.permissions.includes(permission) ?? false;
}
