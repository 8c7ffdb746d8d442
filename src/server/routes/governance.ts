// Governance (issue #7, domain: src/governance): committee, meetings, decisions, actions, approvals, follow-up,
// exports. The domain functions write their own history entries with the signed-in user as actor; each
// declaration names the entity type the framework checks for. Reads need plan.read, changes plan.write.
import { z } from 'zod';
import {
  addAgendaItem,
  addCorrection,
  agendaOf,
  assignAction,
  COMMITTEE_ROLES,
  createMeeting,
  getMeeting,
  getSettings,
  getTerms,
  GovernanceInputError,
  headReport,
  listActions,
  listDecisions,
  listMeetings,
  listMembers,
  listMinutes,
  listProposals,
  listSubcommittees,
  MeetingLockedError,
  overdueByUnit,
  OUTCOMES,
  propose,
  PROPOSAL_KINDS,
  recordDecision,
  reminders,
  roleLabel,
  saveMember,
  saveSubcommittee,
  setSetting,
  setTerms,
  signOff,
  updateAction,
  writeMinutes,
  ACTION_STATUSES,
} from '../../governance/index.ts';
import { decisionLogDocx, decisionLogXlsx, minutesDocx, minutesXlsx } from '../../governance/export.ts';
import { changeRoute, fileRoute, readRoute, type RouteDef } from '../route-table.ts';

const json = z.record(z.string(), z.unknown());
const obj = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
const today = () => new Date().toISOString().slice(0, 10);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const ref = z.object({ ref: z.string().max(40) });
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function meetingView(ws: Parameters<typeof getMeeting>[0], r: string) {
  const m = await getMeeting(ws, r);
  const agenda = await agendaOf(ws, r);
  const actions = (await listActions(ws)).filter((a) => a.ref === r || agenda.some((i) => i.action?.id === a.id));
  return obj({
    ...m,
    agenda,
    minutes: await listMinutes(ws, r),
    decisions: await listDecisions(ws, { ref: r }),
    actions,
  });
}

export const governanceRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/governance/committee',
    summary: 'The committee: members with their Annex 4 role, subcommittees, terms of reference',
    tag: 'governance',
    access: 'plan.read',
    response: json,
    read: async ({ db, user }) =>
      db.read(async (ws) =>
        obj({
          members: (await listMembers(ws, { includeInactive: true })).map((m) => ({
            ...m,
            roleLabel: roleLabel(m.role, user.language),
          })),
          subcommittees: await listSubcommittees(ws),
          terms: await getTerms(ws),
          roles: COMMITTEE_ROLES.map((r) => ({ code: r, label: roleLabel(r, user.language) })),
        }),
      ),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/members',
    summary: 'Add a committee member (or a new version of one, with id)',
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
      active: z.boolean().optional(),
    }),
    response: json,
    change: async ({ body, user }, ws) => {
      const { id, ...input } = body;
      const m = await saveMember(ws, user.username, input, id);
      return { result: obj(m), change: { entityId: m.id, after: m } };
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
    response: json,
    change: async ({ body, user }, ws) => {
      const s = await saveSubcommittee(ws, user.username, body);
      return { result: obj(s), change: { entityId: s.code, after: s } };
    },
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/governance/terms',
    summary: 'Attach a new version of the terms of reference',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'committee.terms.set', entityType: 'committee_terms' },
    body: z.object({
      title: z.string().max(300),
      body: z.string().max(200_000),
      fileName: z.string().max(200).nullable().optional(),
    }),
    response: json,
    change: async ({ body, user }, ws) => {
      const t = await setTerms(ws, user.username, body);
      return { result: obj(t), change: { entityId: String(t.version), after: { title: t.title } } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/meetings',
    summary: 'Meetings with their status (open / signed off)',
    tag: 'governance',
    access: 'plan.read',
    response: z.array(json),
    read: async ({ db }) => db.read(async (ws) => (await listMeetings(ws)).map(obj)),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings',
    summary: 'Hold a meeting: reference RMC-<year>-<nn>, attendees frozen, agenda proposed from the plan',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.create', entityType: 'meeting' },
    body: z.object({
      heldOn: isoDate,
      chair: z.string().max(200),
      title: z.string().max(300).nullable().optional(),
      ref: z.string().max(40).optional(),
      attendees: z.array(z.string().max(20)).max(200).optional(),
    }),
    response: json,
    change: async ({ body, user }, ws) => {
      const m = await createMeeting(ws, user.username, body);
      return { result: await meetingView(ws, m.ref), change: { entityId: m.ref, after: m } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/meetings/:ref',
    summary: 'A meeting: attendees, agenda (with actions carried forward), minutes, decisions, actions',
    tag: 'governance',
    access: 'plan.read',
    params: ref,
    response: json,
    read: async ({ db, params }) => db.read((ws) => meetingView(ws, params.ref)),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/agenda',
    summary: 'Add an agenda item by hand (open meetings only)',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.agenda.add', entityType: 'meeting' },
    params: ref,
    body: z.object({
      title: z.string().max(500),
      subjectType: z.string().max(30).nullable().optional(),
      subjectId: z.string().max(60).nullable().optional(),
    }),
    response: json,
    change: async ({ params, body, user }, ws) => {
      const i = await addAgendaItem(ws, user.username, params.ref, {
        kind: 'other',
        subjectType: body.subjectType ?? null,
        subjectId: body.subjectId ?? null,
        title: body.title,
      });
      return { result: obj(i), change: { entityId: params.ref, after: i } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/minutes',
    summary: 'Minutes of an agenda item (refused once the meeting is signed off: 409)',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.minutes', entityType: 'meeting' },
    params: ref,
    body: z.object({ itemKey: z.string().max(60), text: z.string().max(20_000) }),
    response: json,
    change: async ({ params, body, user }, ws) => {
      const e = await writeMinutes(ws, user.username, params.ref, body.itemKey, body.text);
      return { result: obj(e), change: { entityId: params.ref, after: e } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/corrections',
    summary: 'A correction to a signed-off meeting: a new entry',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.correct', entityType: 'meeting' },
    params: ref,
    body: z.object({ itemKey: z.string().max(60), text: z.string().max(20_000) }),
    response: json,
    change: async ({ params, body, user }, ws) => {
      const e = await addCorrection(ws, user.username, params.ref, body.itemKey, body.text);
      return { result: obj(e), change: { entityId: params.ref, after: e } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/decisions',
    summary: 'Record a decision linked to what it decides on; approving a proposal applies it',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.decision', entityType: 'decision' },
    params: ref,
    body: z.object({
      itemKey: z.string().max(60).nullable().optional(),
      subjectType: z.string().max(30),
      subjectId: z.string().max(80).nullable().optional(),
      outcome: z.enum(OUTCOMES),
      text: z.string().max(20_000),
    }),
    response: json,
    change: async ({ params, body, user }, ws) => {
      const d = await recordDecision(ws, user.username, params.ref, body);
      return { result: obj(d), change: { entityId: d.id, after: d } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/actions',
    summary: 'Assign an action (owner unit, due date) at an open meeting',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'action.assign', entityType: 'action' },
    params: ref,
    body: z.object({
      description: z.string().max(2000),
      ownerUnit: z.string().max(200),
      dueDate: isoDate,
      decisionId: z.string().max(60).nullable().optional(),
    }),
    response: json,
    change: async ({ params, body, user }, ws) => {
      const a = await assignAction(ws, user.username, params.ref, body);
      return { result: obj(a), change: { entityId: a.id, orgUnit: a.ownerUnit, after: a } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/signoff',
    summary: 'Sign the record off: locked from then on',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.signoff', entityType: 'meeting' },
    params: ref,
    response: json,
    change: async ({ params, user }, ws) => {
      const m = await signOff(ws, user.username, params.ref);
      return { result: obj(m), change: { entityId: m.ref, after: m } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/actions',
    summary: 'Follow-up actions with their current status',
    tag: 'governance',
    access: 'plan.read',
    query: z.object({ unit: z.string().max(200).optional(), status: z.enum(ACTION_STATUSES).optional() }),
    response: z.array(json),
    read: async ({ db, query }) => db.read(async (ws) => (await listActions(ws, query)).map(obj)),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/actions/:id/updates',
    summary: 'A new status for an action (at a meeting, or in between)',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'action.update', entityType: 'action' },
    params: z.object({ id: z.string().max(20) }),
    body: z.object({
      status: z.enum(ACTION_STATUSES),
      note: z.string().max(2000).nullable().optional(),
      ref: z.string().max(40).nullable().optional(),
      onDate: isoDate.optional(),
    }),
    response: json,
    change: async ({ params, body, user }, ws) => {
      const a = await updateAction(ws, user.username, params.id, body);
      return { result: obj(a), change: { entityId: a.id, orgUnit: a.ownerUnit, after: { status: a.status } } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/proposals',
    summary: 'Changes awaiting (or settled by) committee approval: who, when, which meeting',
    tag: 'governance',
    access: 'plan.read',
    query: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() }),
    response: z.array(json),
    read: async ({ db, query }) => db.read(async (ws) => (await listProposals(ws, query)).map(obj)),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/proposals',
    summary: 'Propose a treatment plan, GRI configuration or register change: no effect until approved',
    tag: 'governance',
    access: 'plan.write',
    audit: { action: 'approval.propose', entityType: 'proposal' },
    body: z.object({ kind: z.enum(PROPOSAL_KINDS), summary: z.string().max(500), payload: json }),
    response: json,
    change: async ({ body, user }, ws) => {
      const p = await propose(ws, user.username, body.kind, body.payload, body.summary);
      return { result: obj(p), change: { entityId: p.id, after: p } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/followup',
    summary: 'Overdue per unit, reminders (in-app), and the report for the head of customs',
    tag: 'governance',
    access: 'plan.read',
    query: z.object({ today: isoDate.optional(), unit: z.string().max(200).optional() }),
    response: json,
    read: async ({ db, query }) =>
      db.read(async (ws) => {
        const t = query.today ?? today();
        return obj({
          today: t,
          overdue: await overdueByUnit(ws, t),
          reminders: await reminders(ws, t, { unit: query.unit }),
          report: await headReport(ws, t),
        });
      }),
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/settings',
    summary: 'Which changes need approval; reminder days; e-mail hook (off by default)',
    tag: 'governance',
    access: 'plan.read',
    response: json,
    read: async ({ db }) => db.read((ws) => getSettings(ws)),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/governance/settings/:key',
    summary: 'Change a governance setting',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'governance.setting', entityType: 'governance_setting' },
    params: z.object({ key: z.string().max(60) }),
    body: z.object({ value: z.union([z.string().max(300), z.boolean(), z.number()]) }),
    response: json,
    change: async ({ params, body, user }, ws) => ({
      result: await setSetting(ws, user.username, params.key, body.value),
      change: { entityId: params.key, after: body.value },
    }),
  }),
  fileRoute({
    method: 'GET',
    url: '/api/governance/meetings/:ref/minutes.docx',
    summary: 'Minutes of a meeting (Word)',
    tag: 'governance',
    access: 'exports.read',
    params: ref,
    file: async ({ db, params, user }) => ({
      filename: `minutes-${params.ref}.docx`,
      contentType: DOCX,
      data: await db.read((ws) => minutesDocx(ws, params.ref, user.language)),
    }),
  }),
  fileRoute({
    method: 'GET',
    url: '/api/governance/meetings/:ref/minutes.xlsx',
    summary: 'Minutes of a meeting (Excel)',
    tag: 'governance',
    access: 'exports.read',
    params: ref,
    file: async ({ db, params, user }) => ({
      filename: `minutes-${params.ref}.xlsx`,
      contentType: XLSX,
      data: await db.read((ws) => minutesXlsx(ws, params.ref, user.language)),
    }),
  }),
  fileRoute({
    method: 'GET',
    url: '/api/governance/decisions.docx',
    summary: 'Decision log (Word)',
    tag: 'governance',
    access: 'exports.read',
    file: async ({ db, user }) => ({
      filename: `decision-log-${today()}.docx`,
      contentType: DOCX,
      data: await db.read((ws) => decisionLogDocx(ws, user.language)),
    }),
  }),
  fileRoute({
    method: 'GET',
    url: '/api/governance/decisions.xlsx',
    summary: 'Decision log (Excel)',
    tag: 'governance',
    access: 'exports.read',
    file: async ({ db, user }) => ({
      filename: `decision-log-${today()}.xlsx`,
      contentType: XLSX,
      data: await db.read((ws) => decisionLogXlsx(ws, user.language)),
    }),
  }),
];
