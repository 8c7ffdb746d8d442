// The risk-management committee (Annex 4): members with their role, subcommittees reporting to it, and the
// terms of reference. Versioned rows (append-only) with a history entry per change.
import { readFileSync } from 'node:fs';
import type { Workspace } from '../workspace/workspace.ts';
import { recordChange } from '../history/history.ts';
import { checkEmailAddress } from './email.ts';
import { GovernanceInputError } from './errors.ts';

/** Annex 4 roles; labels come from the server's roles.json (the same roles people sign in with). */
export const COMMITTEE_ROLES = ['head', 'director', 'coordinator', 'subcommittee', 'operational'] as const;
export type CommitteeRole = (typeof COMMITTEE_ROLES)[number];

const rolesFile = JSON.parse(readFileSync(new URL('../server/roles.json', import.meta.url), 'utf8')) as {
  roles: Record<string, { labels: Record<string, string> }>;
};
export function roleLabel(role: string, lang = 'en'): string {
  return rolesFile.roles[role]?.labels[lang] ?? rolesFile.roles[role]?.labels.en ?? role;
}

export interface Member {
  id: string;
  version: number;
  name: string;
  role: CommitteeRole;
  roleLabel: string;
  unit: string | null;
  subcommittee: string | null;
  email: string | null;
  /** The user name the member acts as (web account or CLI --user): how a signature is tied to the member. */
  account: string | null;
  active: boolean;
}

export interface MemberInput {
  name: string;
  role: string;
  unit?: string | null;
  subcommittee?: string | null;
  email?: string | null;
  account?: string | null;
  active?: boolean;
}

const ACCOUNT = /^[A-Za-z0-9._@-]{1,64}$/;

export function parseRole(v: string): CommitteeRole {
  const s = v.trim().toLowerCase();
  if (!(COMMITTEE_ROLES as readonly string[]).includes(s)) {
    throw new GovernanceInputError(`role '${v}': expected one of ${COMMITTEE_ROLES.join(', ')} (Annex 4 roles)`);
  }
  return s as CommitteeRole;
}

const latest = (table: string, key: string) =>
  `SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY ${key} ORDER BY version DESC) AS rn FROM ${table}) WHERE rn = 1`;

export async function listMembers(ws: Workspace, opts: { includeInactive?: boolean } = {}): Promise<Member[]> {
  const rows = await ws.all<{
    member_id: string;
    version: number;
    name: string;
    role: CommitteeRole;
    unit: string | null;
    subcommittee: string | null;
    email: string | null;
    account: string | null;
    active: boolean;
  }>(`${latest('gov_members', 'member_id')} ORDER BY member_id`);
  return rows
    .filter((r) => opts.includeInactive || r.active)
    .map((r) => ({
      id: r.member_id,
      version: r.version,
      name: r.name,
      role: r.role,
      roleLabel: roleLabel(r.role),
      unit: r.unit,
      subcommittee: r.subcommittee,
      email: r.email,
      account: r.account,
      active: r.active,
    }));
}

export async function getMember(ws: Workspace, id: string): Promise<Member> {
  const m = (await listMembers(ws, { includeInactive: true })).find((x) => x.id === id);
  if (!m) throw new GovernanceInputError(`no committee member '${id}' (see 'cip committee members')`, 'not_found');
  return m;
}

/** Adds a member (id MEM-nnn) or, with an id, records a new version of that member. */
export async function saveMember(ws: Workspace, actor: string, input: MemberInput, id?: string): Promise<Member> {
  const role = parseRole(input.role);
  if (!input.name?.trim()) throw new GovernanceInputError('a committee member needs a name');
  if (input.email) checkEmailAddress(input.email);
  if (input.subcommittee) await getSubcommittee(ws, input.subcommittee);
  const account = input.account?.trim() || null;
  if (account && !ACCOUNT.test(account))
    throw new GovernanceInputError(`account '${account}': a user name of letters, digits, '.', '_', '@' and '-'`);
  return ws.transaction(async () => {
    const all = await listMembers(ws, { includeInactive: true });
    const prev = id ? all.find((m) => m.id === id) : undefined;
    if (id && !prev)
      throw new GovernanceInputError(`no committee member '${id}' (see 'cip committee members')`, 'not_found');
    const n = Math.max(0, ...all.map((m) => Number(m.id.slice(4)) || 0)) + 1;
    const mid = prev?.id ?? `MEM-${String(n).padStart(3, '0')}`;
    const next = {
      name: input.name.trim(),
      role,
      unit: input.unit ?? prev?.unit ?? null,
      subcommittee: input.subcommittee ?? prev?.subcommittee ?? null,
      email: input.email ?? prev?.email ?? null,
      account: input.account === undefined ? (prev?.account ?? null) : account,
      active: input.active ?? prev?.active ?? true,
    };
    const holder =
      next.account && next.active && all.find((m) => m.active && m.account === next.account && m.id !== mid);
    if (holder)
      throw new GovernanceInputError(
        `account '${next.account}' is already linked to committee member ${holder.id} (${holder.name})`,
        'conflict',
      );
    await ws.run(
      `INSERT INTO gov_members (member_id, version, name, role, unit, subcommittee, email, active, changed_by, changed_at, account)
       VALUES ($id, $v, $name, $role, $unit, $sub, $email, $active, $actor, now(), $account)`,
      {
        id: mid,
        v: (prev?.version ?? 0) + 1,
        name: next.name,
        role: next.role,
        unit: next.unit,
        sub: next.subcommittee,
        email: next.email,
        active: next.active,
        actor,
        account: next.account,
      },
    );
    await recordChange(ws, {
      actor,
      action: prev ? 'committee.member.update' : 'committee.member.add',
      entityType: 'committee_member',
      entityId: mid,
      before: prev
        ? {
            name: prev.name,
            role: prev.role,
            unit: prev.unit,
            subcommittee: prev.subcommittee,
            account: prev.account,
            active: prev.active,
          }
        : null,
      after: next,
    });
    return getMember(ws, mid);
  });
}

export interface Subcommittee {
  code: string;
  version: number;
  name: string;
  theme: string;
  reportsTo: string;
}

export async function listSubcommittees(ws: Workspace): Promise<Subcommittee[]> {
  const rows = await ws.all<{ code: string; version: number; name: string; theme: string; reports_to: string }>(
    `${latest('gov_subcommittees', 'code')} ORDER BY code`,
  );
  return rows.map((r) => ({ code: r.code, version: r.version, name: r.name, theme: r.theme, reportsTo: r.reports_to }));
}

export async function getSubcommittee(ws: Workspace, code: string): Promise<Subcommittee> {
  const s = (await listSubcommittees(ws)).find((x) => x.code === code);
  if (!s) throw new GovernanceInputError(`no subcommittee '${code}' (see 'cip committee subcommittees')`, 'not_found');
  return s;
}

/** A technical subcommittee with its theme; it reports to the committee ('RMC') or to another subcommittee. */
export async function saveSubcommittee(
  ws: Workspace,
  actor: string,
  s: { code: string; name: string; theme: string; reportsTo?: string },
): Promise<Subcommittee> {
  if (!/^[A-Za-z0-9_-]{1,30}$/.test(s.code))
    throw new GovernanceInputError(`subcommittee code '${s.code}': letters, digits, '_' and '-' only (at most 30)`);
  if (!s.name.trim() || !s.theme.trim())
    throw new GovernanceInputError(`subcommittee '${s.code}' needs a name and a theme`);
  const reportsTo = s.reportsTo ?? 'RMC';
  if (reportsTo !== 'RMC') {
    if (reportsTo === s.code) throw new GovernanceInputError(`subcommittee '${s.code}' cannot report to itself`);
    await getSubcommittee(ws, reportsTo);
  }
  return ws.transaction(async () => {
    const prev = (await listSubcommittees(ws)).find((x) => x.code === s.code);
    await ws.run(`INSERT INTO gov_subcommittees VALUES ($c, $v, $n, $t, $r, $actor, now())`, {
      c: s.code,
      v: (prev?.version ?? 0) + 1,
      n: s.name,
      t: s.theme,
      r: reportsTo,
      actor,
    });
    await recordChange(ws, {
      actor,
      action: 'committee.subcommittee.set',
      entityType: 'subcommittee',
      entityId: s.code,
      before: prev ?? null,
      after: { name: s.name, theme: s.theme, reportsTo },
    });
    return getSubcommittee(ws, s.code);
  });
}

export interface Terms {
  version: number;
  title: string;
  body: string;
  fileName: string | null;
  /** Members who may sign minutes off in the chair's place (Annex 4: named in the terms of reference). */
  delegates: string[];
  changedBy: string;
  changedAt: string;
}

export async function getTerms(ws: Workspace): Promise<Terms | null> {
  const r = await ws.one<{
    version: number;
    title: string;
    body: string;
    file_name: string | null;
    signoff_delegates: string | null;
    changed_by: string;
    changed_at: string;
  }>('SELECT * FROM gov_terms ORDER BY version DESC LIMIT 1');
  return r
    ? {
        version: r.version,
        title: r.title,
        body: r.body,
        fileName: r.file_name,
        delegates: r.signoff_delegates ? (JSON.parse(r.signoff_delegates) as string[]) : [],
        changedBy: r.changed_by,
        changedAt: r.changed_at,
      }
    : null;
}

export interface TermsInput {
  title?: string;
  body?: string;
  fileName?: string | null;
  /** member ids; omitted: the delegates of the version in force are kept */
  delegates?: string[];
}

/**
 * Attaches a new version of the committee's terms of reference: the text of the document and the members it
 * names as delegates of the chair for signing minutes off. What is not given is kept from the version in force.
 */
export async function setTerms(ws: Workspace, actor: string, t: TermsInput): Promise<Terms> {
  return ws.transaction(async () => {
    const prev = await getTerms(ws);
    const body = t.body ?? prev?.body ?? '';
    if (!body.trim()) throw new GovernanceInputError('the terms of reference are empty');
    const title = t.title?.trim() || prev?.title || 'Terms of reference';
    const delegates = [...new Set(t.delegates ?? prev?.delegates ?? [])];
    const members = await listMembers(ws);
    for (const d of delegates) {
      const m = members.find((x) => x.id === d);
      if (!m)
        throw new GovernanceInputError(
          `delegate '${d}' is not an active committee member (see 'cip committee members')`,
        );
      if (!m.account)
        throw new GovernanceInputError(
          `delegate ${m.id} (${m.name}) has no account to sign with: link one first (cip committee set ${m.id} --account <user>)`,
        );
    }
    const fileName = t.fileName === undefined ? (t.body === undefined ? (prev?.fileName ?? null) : null) : t.fileName;
    const version = (prev?.version ?? 0) + 1;
    await ws.run(
      `INSERT INTO gov_terms (version, title, body, file_name, changed_by, changed_at, signoff_delegates)
       VALUES ($v, $title, $body, $f, $actor, now(), $d)`,
      { v: version, title, body, f: fileName, actor, d: JSON.stringify(delegates) },
    );
    await recordChange(ws, {
      actor,
      action: 'committee.terms.set',
      entityType: 'committee_terms',
      entityId: String(version),
      before: prev ? { title: prev.title, delegates: prev.delegates } : null,
      after: { title, chars: body.length, file: fileName, delegates },
    });
    return (await getTerms(ws))!;
  });
}

/** The active member linked to an account (a user name), if any. */
export async function memberByAccount(ws: Workspace, account: string): Promise<Member | undefined> {
  return (await listMembers(ws)).find((m) => m.account === account);
}
