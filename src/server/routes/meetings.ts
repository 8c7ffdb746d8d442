// Meetings of the committee and their follow-up actions (domain: src/governance): agenda, attendance, minutes,
// decisions, actions, signatures (who may sign off: src/governance/signoff.ts), corrections, exports.
import { z } from 'zod';
import {
  ACTION_STATUSES,
  addAgendaItem,
  addCorrection,
  agendaOf,
  assignAction,
  createMeeting,
  getMeeting,
  listActions,
  listDecisions,
  listMeetings,
  listMinutes,
  OUTCOMES,
  preparersOf,
  recordAttendance,
  recordDecision,
  signOff,
  updateAction,
  writeMinutes,
} from '../../governance/index.ts';
import { decisionLogDocx, decisionLogXlsx, minutesDocx, minutesXlsx } from '../../governance/export.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { changeRoute, fileRoute, readRoute, type RouteDef } from '../route-table.ts';
import { ActionOut, AgendaItemOut, DecisionOut, MeetingOut, MeetingViewOut, MinuteOut } from './governance-schemas.ts';

const today = () => new Date().toISOString().slice(0, 10);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const ref = z.object({ ref: z.string().max(40) });
const memberIds = z.array(z.string().max(20)).max(200);
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function meetingView(ws: Workspace, r: string, lang: string) {
  const m = await getMeeting(ws, r);
  const agenda = await agendaOf(ws, r, lang);
  const actions = (await listActions(ws)).filter((a) => a.ref === r || agenda.some((i) => i.action?.id === a.id));
  return {
    ...m,
    agenda,
    minutes: await listMinutes(ws, r),
    decisions: await listDecisions(ws, { ref: r }),
    actions,
    preparers: await preparersOf(ws, m),
  };
}

export const meetingRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/governance/meetings',
    summary: 'Meetings with their status (open / awaiting a second signatory / signed off)',
    tag: 'governance',
    access: 'plan.read',
    response: z.array(MeetingOut),
    read: async ({ db }) => db.read((ws) => listMeetings(ws)),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings',
    summary:
      'Hold a meeting: reference RMC-<year>-<nn>, chaired by a member, the members called frozen, agenda proposed from the plan',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.create', entityType: 'meeting' },
    body: z.object({
      heldOn: isoDate,
      chair: z.string().max(200),
      title: z.string().max(300).nullable().optional(),
      ref: z.string().max(40).optional(),
      attendees: memberIds.optional(),
    }),
    response: MeetingViewOut,
    change: async ({ body, user }, ws) => {
      const m = await createMeeting(ws, user.username, body);
      return { result: await meetingView(ws, m.ref, user.language), change: { entityId: m.ref, after: m } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/meetings/:ref',
    summary: 'A meeting: members called and attendance, agenda (with actions carried forward), minutes, signatures',
    tag: 'governance',
    access: 'plan.read',
    params: ref,
    response: MeetingViewOut,
    read: async ({ db, params, user }) => db.read((ws) => meetingView(ws, params.ref, user.language)),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/governance/meetings/:ref/attendance',
    summary: 'Record who attended and who did not, among the members called (until the minutes are signed)',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.attendance', entityType: 'meeting' },
    params: ref,
    body: z.object({ present: memberIds.default([]), absent: memberIds.default([]) }),
    response: MeetingViewOut,
    change: async ({ params, body, user }, ws) => {
      await recordAttendance(ws, user.username, params.ref, body);
      return {
        result: await meetingView(ws, params.ref, user.language),
        change: { entityId: params.ref, after: body },
      };
    },
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
    response: AgendaItemOut,
    change: async ({ params, body, user }, ws) => {
      const i = await addAgendaItem(ws, user.username, params.ref, {
        kind: 'other',
        subjectType: body.subjectType || null,
        subjectId: body.subjectId || null,
        title: body.title,
      });
      return { result: { ...i, key: `item:${i.itemNo}` }, change: { entityId: params.ref, after: i } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/minutes',
    summary: 'Minutes of an agenda item (refused once the meeting is signed: 409)',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.minutes', entityType: 'meeting' },
    params: ref,
    body: z.object({ itemKey: z.string().max(60), text: z.string().max(20_000) }),
    response: MinuteOut,
    change: async ({ params, body, user }, ws) => {
      const e = await writeMinutes(ws, user.username, params.ref, body.itemKey, body.text);
      return { result: e, change: { entityId: params.ref, after: e } };
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
    response: MinuteOut,
    change: async ({ params, body, user }, ws) => {
      const e = await addCorrection(ws, user.username, params.ref, body.itemKey, body.text);
      return { result: e, change: { entityId: params.ref, after: e } };
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
    response: DecisionOut,
    change: async ({ params, body, user }, ws) => {
      const d = await recordDecision(ws, user.username, params.ref, body);
      return { result: d, change: { entityId: d.id, after: d } };
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
    response: ActionOut,
    change: async ({ params, body, user }, ws) => {
      const a = await assignAction(ws, user.username, params.ref, body);
      return { result: a, change: { entityId: a.id, orgUnit: a.ownerUnit, after: a } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/governance/meetings/:ref/signoff',
    summary:
      'Sign the minutes as the committee member linked to the signed-in account: the chair or a delegate named in the terms of reference, then a second signatory when they prepared the minutes; locked once signed off',
    tag: 'governance',
    access: 'governance.write',
    audit: { action: 'meeting.signoff', entityType: 'meeting' },
    params: ref,
    response: MeetingViewOut,
    change: async ({ params, user }, ws) => {
      const m = await signOff(ws, user.username, params.ref);
      return { result: await meetingView(ws, m.ref, user.language), change: { entityId: m.ref, after: m } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/governance/actions',
    summary: 'Follow-up actions with their current status',
    tag: 'governance',
    access: 'plan.read',
    query: z.object({ unit: z.string().max(200).optional(), status: z.enum(ACTION_STATUSES).optional() }),
    response: z.array(ActionOut),
    read: async ({ db, query }) => db.read((ws) => listActions(ws, query)),
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
    response: ActionOut,
    change: async ({ params, body, user }, ws) => {
      const a = await updateAction(ws, user.username, params.id, body);
      return { result: a, change: { entityId: a.id, orgUnit: a.ownerUnit, after: { status: a.status } } };
    },
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
