// Governance (issue #7, domain: src/governance): the committee, its terms of reference, approval settings,
// proposals and follow-up. Meetings and actions: meetings.ts. The domain functions write their own history
// entries with the signed-in user as actor; each declaration names the entity type the framework checks for.
import { z } from 'zod';
import {
  COMMITTEE_ROLES,
  getSettings,
  getTerms,
  headReport,
  listMembers,
  listProposals,
  listSubcommittees,
  overdueByUnit,
  propose,
  PROPOSAL_KINDS,
  reminders,
  roleLabel,
  saveMember,
  saveSubcommittee,
  setSetting,
  SETTING_KEYS,
  setTerms,
  type Proposal,
} from '../../governance/index.ts';
import { getConfig, mergeConfig, parseConfig } from '../../segmentation/config.ts';
import { configDiff } from '../../segmentation/config-diff.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { changeRoute, readRoute, type RouteDef } from '../route-table.ts';
import {
  CommitteeOut,
  FollowupOut,
  MemberOut,
  ProposalOut,
  SettingsOut,
  SubcommitteeOut,
  TermsOut,
} from './governance-schemas.ts';

/** A proposal's payload: validated per kind by the domain's schemas (propose → parsePayload in approvals.ts). */
const proposalPayload = z.record(z.string(), z.unknown());
const today = () => new Date().toISOString().slice(0, 10);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const memberIds = z.array(z.string().max(20)).max(200);

/** A proposal with what approving it would change now (GRI configurations: setting by setting). */
async function proposalView(ws: Workspace, p: Proposal) {
  let changes: { path: string; before: unknown; after: unknown }[] = [];
  if (p.kind === 'gri_config' && p.status === 'pending') {
    const g = p.payload as { risk?: string; patch?: Record<string, unknown> };
    const cur = await getConfig(ws, g.risk ?? 'general');
    try {
      changes = configDiff(cur.config, parseConfig(mergeConfig(cur.config, g.patch ?? {})));
    } catch {
      changes = []; // no longer applicable to the version in force: approving it will say why
    }
  }
  return { ...p, changes };
}

export const governanceRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/governance/committee',
    summary: 'The committee: members with their Annex 4 role and account, subcommittees, terms of reference',
    tag: 'governance',
    access: 'plan.read',
    response: CommitteeOut,
    read: async ({ db, user }) =>
      db.read(async (ws) => ({
        members: (await listMembers(ws, { includeInactive: true })).map((m) => ({
          ...m,
          roleLabel: roleLabel(m.role, user.language),
        })),
        subcommittees: await listSubcommittees(ws),
        terms: await getTerms(ws),
        roles: COMMITTEE_ROLES.map((r) => ({ code: r, label: roleLabel(r, user.language) })),
      })),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/members',
    summary: 'Add a committee member (or a new version of one, with id), linked to the account they sign with',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'committee.member.add', entityType: 'committee_member' },
    body: z.object({
      id: z.string().max(20).optional(),
      name: z.string().max(200),
      role: z.enum(COMMITTEE_ROLES),
      unit: z.string().max(200).nullable().optional(),
      subcommittee: z.string().max(30).nullable().optional(),
      email: z.string().max(200).nullable().optional(),
      account: z.string().max(64).nullable().optional(),
      active: z.boolean().optional(),
    }),
    response: MemberOut,
    change: async ({ body, user }, ws) => {
      const { id, ...input } = body;
      const m = await saveMember(ws, user.username, input, id);
      return { result: m, change: { entityId: m.id, after: m } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/subcommittees',
    summary: 'Add or change a technical subcommittee (theme, reports to)',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'committee.subcommittee.set', entityType: 'subcommittee' },
    body: z.object({
      code: z.string().max(30),
      name: z.string().max(200),
      theme: z.string().max(500),
      reportsTo: z.string().max(30).optional(),
    }),
    response: SubcommitteeOut,
    change: async ({ body, user }, ws) => {
      const s = await saveSubcommittee(ws, user.username, body);
      return { result: s, change: { entityId: s.code, after: s } };
    },
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/governance/terms',
    summary:
      "Attach a new version of the terms of reference: the text, and the members who may sign minutes off in the chair's place (what is not given is kept)",
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'committee.terms.set', entityType: 'committee_terms' },
    body: z.object({
      title: z.string().max(300).optional(),
      body: z.string().max(200_000).optional(),
      fileName: z.string().max(200).nullable().optional(),
      delegates: memberIds.optional(),
    }),
    response: TermsOut,
    change: async ({ body, user }, ws) => {
      const t = await setTerms(ws, user.username, body);
      return { result: t, change: { entityId: String(t.version), after: { title: t.title } } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/proposals',
    summary: 'Changes awaiting (or settled by) committee approval: who, when, which meeting, what they change',
    tag: 'governance',
    access: 'plan.read',
    query: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() }),
    response: z.array(ProposalOut),
    read: async ({ db, query }) =>
      db.read(async (ws) => Promise.all((await listProposals(ws, query)).map((p) => proposalView(ws, p)))),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/proposals',
    summary:
      'Propose a treatment plan, GRI configuration or register change (a vulnerability, or retiring one): no effect until approved',
    tag: 'governance',
    access: 'plan.write',
    audit: { action: 'approval.propose', entityType: 'proposal' },
    body: z.object({ kind: z.enum(PROPOSAL_KINDS), summary: z.string().max(500), payload: proposalPayload }),
    response: ProposalOut,
    change: async ({ body, user }, ws) => {
      const p = await propose(ws, user.username, body.kind, body.payload, body.summary);
      return { result: await proposalView(ws, p), change: { entityId: p.id, after: p } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/followup',
    summary: 'Overdue per unit, reminders (in-app), and the report for the head of customs',
    tag: 'governance',
    access: 'plan.read',
    query: z.object({ today: isoDate.optional(), unit: z.string().max(200).optional() }),
    response: FollowupOut,
    read: async ({ db, query, user }) =>
      db.read(async (ws) => {
        const t = query.today ?? today();
        return {
          today: t,
          overdue: await overdueByUnit(ws, t),
          reminders: await reminders(ws, t, { unit: query.unit }, user.language),
          report: await headReport(ws, t),
        };
      }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/settings',
    summary: 'Which changes need approval; reminder days; e-mail hook (off by default)',
    tag: 'governance',
    access: 'plan.read',
    response: SettingsOut,
    read: async ({ db }) => db.read((ws) => getSettings(ws)),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/governance/settings/:key',
    summary: 'Change a governance setting',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'governance.setting', entityType: 'governance_setting' },
    params: z.object({ key: z.enum(SETTING_KEYS) }),
    body: z.object({ value: z.union([z.string().max(300), z.boolean(), z.number()]) }),
    response: SettingsOut,
    change: async ({ params, body, user }, ws) => ({
      result: await setSetting(ws, user.username, params.key, body.value),
      change: { entityId: params.key, after: body.value },
    }),
  }),
];
