// Response shapes of the governance endpoints (OpenAPI, and the web client's types through z.infer).
import { z } from 'zod';
import { HeadReportSchema, ReminderSchema, UnitOverdueSchema } from '../../governance/followup.ts';
import { ACTION_STATUSES, PROPOSAL_KINDS } from '../../governance/index.ts';

export const MemberOut = z.object({
  id: z.string(),
  version: z.number(),
  name: z.string(),
  role: z.string(),
  roleLabel: z.string(),
  unit: z.string().nullable(),
  subcommittee: z.string().nullable(),
  email: z.string().nullable(),
  account: z.string().nullable(),
  active: z.boolean(),
});

export const SubcommitteeOut = z.object({
  code: z.string(),
  version: z.number(),
  name: z.string(),
  theme: z.string(),
  reportsTo: z.string(),
});

export const TermsOut = z.object({
  version: z.number(),
  title: z.string(),
  body: z.string(),
  fileName: z.string().nullable(),
  delegates: z.array(z.string()),
  changedBy: z.string(),
  changedAt: z.string(),
});

export const CommitteeOut = z.object({
  members: z.array(MemberOut),
  subcommittees: z.array(SubcommitteeOut),
  terms: TermsOut.nullable(),
  roles: z.array(z.object({ code: z.string(), label: z.string() })),
});

export const MeetingOut = z.object({
  ref: z.string(),
  heldOn: z.string(),
  chair: z.string(),
  chairMemberId: z.string().nullable(),
  title: z.string().nullable(),
  createdBy: z.string(),
  signedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
  status: z.enum(['open', 'signing', 'signed']),
  attendees: z.array(
    z.object({
      memberId: z.string(),
      name: z.string(),
      role: z.string(),
      unit: z.string().nullable(),
      memberVersion: z.number(),
      present: z.boolean().nullable(),
    }),
  ),
  signatures: z.array(
    z.object({
      memberId: z.string(),
      name: z.string(),
      account: z.string(),
      capacity: z.enum(['chair', 'delegate', 'member']),
      signedAt: z.string(),
    }),
  ),
});

export const ActionOut = z.object({
  id: z.string(),
  ref: z.string(),
  decisionId: z.string().nullable(),
  description: z.string(),
  ownerUnit: z.string(),
  dueDate: z.string(),
  createdBy: z.string(),
  status: z.enum(ACTION_STATUSES),
  closedIn: z.string().nullable(),
  closedOn: z.string().nullable(),
  updates: z.array(
    z.object({
      status: z.enum(ACTION_STATUSES),
      note: z.string().nullable(),
      ref: z.string().nullable(),
      onDate: z.string(),
      by: z.string(),
    }),
  ),
});

export const AgendaItemOut = z.object({
  itemNo: z.number(),
  key: z.string(),
  kind: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  title: z.string(),
  from: z.string().optional(),
  action: ActionOut.optional(),
});

export const MinuteOut = z.object({
  entryNo: z.number(),
  itemKey: z.string(),
  kind: z.enum(['minute', 'correction']),
  body: z.string(),
  author: z.string(),
  writtenAt: z.string(),
});

export const DecisionOut = z.object({
  id: z.string(),
  ref: z.string(),
  heldOn: z.string(),
  itemKey: z.string().nullable(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  outcome: z.string(),
  text: z.string(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});

export const MeetingViewOut = MeetingOut.extend({
  agenda: z.array(AgendaItemOut),
  minutes: z.array(MinuteOut),
  decisions: z.array(DecisionOut),
  actions: z.array(ActionOut),
  /** who prepared the minutes: the second signatory must be someone else */
  preparers: z.array(z.string()),
});

/** One setting that differs between two versions of something (a GRI configuration, a proposal's change). */
export const ChangeOut = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });

export const ProposalOut = z.object({
  id: z.string(),
  kind: z.enum(PROPOSAL_KINDS),
  target: z.string(),
  summary: z.string(),
  payload: z.record(z.string(), z.unknown()),
  proposedBy: z.string(),
  proposedAt: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  decisionId: z.string().nullable(),
  meetingRef: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** what approving it would change, against what is in force now (GRI configurations) */
  changes: z.array(ChangeOut),
});

export const SettingsOut = z.object({
  'approval.treatment': z.boolean(),
  'approval.gri_config': z.boolean(),
  'approval.register': z.boolean(),
  'email.enabled': z.boolean(),
  'email.outbox': z.string(),
  'reminders.days_before': z.number(),
});

export type Committee = z.infer<typeof CommitteeOut>;
export type MeetingView = z.infer<typeof MeetingViewOut>;
export type MeetingSummary = z.infer<typeof MeetingOut>;
export type AgendaItem = z.infer<typeof AgendaItemOut>;
export type ProposalView = z.infer<typeof ProposalOut>;
export type Settings = z.infer<typeof SettingsOut>;
export type ActionView = z.infer<typeof ActionOut>;

/** Follow-up (/api/governance/followup): overdue work per unit, reminders and the report for the head of customs. */
export const FollowupOut = z.object({
  today: z.string(),
  overdue: z.array(UnitOverdueSchema),
  reminders: z.array(ReminderSchema),
  report: HeadReportSchema,
});
export type Followup = z.infer<typeof FollowupOut>;
