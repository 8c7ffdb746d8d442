// Meetings of the committee: a numbered reference (RMC-2026-04), date, chair (a member), the members called
// (frozen as they were on the day) with the attendance recorded for each, agenda items, minutes per item,
// signatures. A signed record is locked: later corrections are new entries (kind 'correction'), never edits.
// Who may sign, and when the record is signed off: signoff.ts.
import type { Workspace } from '../workspace/workspace.ts';
import type { Message } from '../i18n/messages.ts';
import { GOVERNANCE_TEXT } from './text.ts';
import { recordChange } from '../history/history.ts';
import { getMember, listMembers } from './committee.ts';
import { GovernanceInputError, MeetingLockedError } from './errors.ts';
import { planItems, type AgendaProposal } from './agenda.ts';

export interface Attendee {
  memberId: string;
  name: string;
  role: string;
  unit: string | null;
  memberVersion: number;
  /** Recorded attendance: null until recorded for this meeting. */
  present: boolean | null;
}

export interface Signature {
  memberId: string;
  name: string;
  account: string;
  /** chair, delegate (named in the terms of reference) or member (a second signatory) */
  capacity: 'chair' | 'delegate' | 'member';
  signedAt: string;
}

export interface Meeting {
  ref: string;
  heldOn: string;
  chair: string;
  /** The committee member chairing it (null for a meeting recorded before chairs were members). */
  chairMemberId: string | null;
  title: string | null;
  createdBy: string;
  signedBy: string | null;
  signedAt: string | null;
  /** open: being prepared; signing: signed by the chair or a delegate who prepared it, awaiting a second signatory. */
  status: 'open' | 'signing' | 'signed';
  attendees: Attendee[];
  signatures: Signature[];
}

export interface StoredItem {
  itemNo: number;
  kind: string;
  subjectType: string | null;
  subjectId: string | null;
  title: string;
}

export interface MinuteEntry {
  entryNo: number;
  itemKey: string;
  kind: 'minute' | 'correction';
  body: string;
  author: string;
  writtenAt: string;
}

export function parseIsoDate(v: string, what: string): string {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(v) ||
    Number.isNaN(Date.parse(v + 'T00:00:00Z')) ||
    new Date(v + 'T00:00:00Z').toISOString().slice(0, 10) !== v
  ) {
    throw new GovernanceInputError(`${what} '${v}': expected a date as YYYY-MM-DD`);
  }
  return v;
}

/** The next reference of a year: RMC-<year>-<nn>, nn counting that year's meetings. */
export async function nextRef(ws: Workspace, heldOn: string): Promise<string> {
  const year = heldOn.slice(0, 4);
  const n = await ws.scalar<number | null>(
    `SELECT max(TRY_CAST(regexp_extract(ref, '^RMC-\\d{4}-(\\d+)$', 1) AS INTEGER)) FROM gov_meetings WHERE ref LIKE $p`,
    { p: `RMC-${year}-%` },
  );
  return `RMC-${year}-${String((n ?? 0) + 1).padStart(2, '0')}`;
}

export async function listMeetings(ws: Workspace): Promise<Meeting[]> {
  const rows = await ws.all<{
    ref: string;
    held_on: string;
    chair: string;
    chair_member_id: string | null;
    title: string | null;
    created_by: string;
    signed_by: string | null;
    signed_at: string | null;
  }>(
    `SELECT m.ref, m.held_on, m.chair, m.chair_member_id, m.title, m.created_by, s.signed_by,
            strftime(s.signed_at, '%Y-%m-%dT%H:%M:%SZ') AS signed_at
       FROM gov_meetings m LEFT JOIN gov_signoffs s USING (ref) ORDER BY m.held_on, m.ref`,
  );
  const att = await ws.all<{
    ref: string;
    member_id: string;
    name: string;
    role: string;
    unit: string | null;
    member_version: number;
    present: boolean | null;
  }>(
    `SELECT a.*, p.present FROM gov_attendees a LEFT JOIN (
       SELECT ref, member_id, present, row_number() OVER (PARTITION BY ref, member_id ORDER BY seq DESC) AS rn
       FROM gov_attendance) p ON p.ref = a.ref AND p.member_id = a.member_id AND p.rn = 1
     ORDER BY a.ref, a.member_id`,
  );
  const sigs = await ws.all<{
    ref: string;
    member_id: string;
    account: string;
    capacity: Signature['capacity'];
    signed_at: string;
  }>(
    `SELECT ref, member_id, account, capacity, strftime(signed_at, '%Y-%m-%dT%H:%M:%SZ') AS signed_at
       FROM gov_signatures ORDER BY signed_at, member_id`,
  );
  const members = await listMembers(ws, { includeInactive: true });
  const nameOf = (id: string) => members.find((m) => m.id === id)?.name ?? id;
  return rows.map((r) => {
    const signatures = sigs
      .filter((x) => x.ref === r.ref)
      .map((x) => ({
        memberId: x.member_id,
        name: nameOf(x.member_id),
        account: x.account,
        capacity: x.capacity,
        signedAt: x.signed_at,
      }));
    // Meetings recorded before chairs were members: the one member of that name, if there is exactly one.
    const byName = members.filter((m) => m.name === r.chair);
    return {
      ref: r.ref,
      heldOn: r.held_on,
      chair: r.chair,
      chairMemberId: r.chair_member_id ?? (byName.length === 1 ? byName[0].id : null),
      title: r.title,
      createdBy: r.created_by,
      signedBy: r.signed_by,
      signedAt: r.signed_at,
      status: r.signed_by ? 'signed' : signatures.length ? 'signing' : 'open',
      attendees: att
        .filter((a) => a.ref === r.ref)
        .map((a) => ({
          memberId: a.member_id,
          name: a.name,
          role: a.role,
          unit: a.unit,
          memberVersion: a.member_version,
          present: a.present,
        })),
      signatures,
    };
  });
}

export async function getMeeting(ws: Workspace, ref: string): Promise<Meeting> {
  const m = (await listMeetings(ws)).find((x) => x.ref === ref);
  if (!m) throw new GovernanceInputError(`no meeting '${ref}' (see 'cip meeting list')`, 'not_found');
  return m;
}

/** Throws unless the meeting exists and nobody has signed it yet. */
export async function assertOpen(ws: Workspace, ref: string): Promise<Meeting> {
  const m = await getMeeting(ws, ref);
  if (m.status === 'signed') {
    throw new MeetingLockedError(
      `meeting ${ref} was signed off by ${m.signedBy} on ${m.signedAt?.slice(0, 10)}: its record cannot be edited; ` +
        `add a correction entry instead (cip meeting correct ${ref} --item <key> --text <correction>)`,
    );
  }
  if (m.status === 'signing') {
    throw new MeetingLockedError(
      `meeting ${ref} was signed by ${m.signatures.map((s) => s.name).join(', ')} and awaits a second signatory: ` +
        'its record cannot be edited any more',
    );
  }
  return m;
}

export interface MeetingInput {
  heldOn: string;
  /** the chairing member: a member id (MEM-001) or the name of exactly one active member */
  chair: string;
  title?: string | null;
  ref?: string;
  /** the members called, by id; default: every active member (attendance is recorded per meeting) */
  attendees?: string[];
  /** plan-derived agenda items (overdue measures, indicators off target, …); default true */
  planItems?: boolean;
}

/** The chairing member: by id, else the one active member of that name. */
async function resolveChair(ws: Workspace, chair: string) {
  const members = await listMembers(ws);
  const c = chair.trim();
  const byId = members.find((m) => m.id === c);
  if (byId) return byId;
  const byName = members.filter((m) => m.name.toLowerCase() === c.toLowerCase());
  if (byName.length === 1) return byName[0];
  if (byName.length > 1)
    throw new GovernanceInputError(
      `chair '${c}': ${byName.map((m) => m.id).join(' and ')} share that name; give the member id`,
    );
  throw new GovernanceInputError(
    `chair '${c}' is not an active committee member: add them first (cip committee add --name '${c}' --role head) ` +
      "or give a member id (see 'cip committee members')",
  );
}

/** Creates a meeting: the members called copied as they are today, plan-derived agenda items stored as proposed. */
export async function createMeeting(ws: Workspace, actor: string, input: MeetingInput): Promise<Meeting> {
  const heldOn = parseIsoDate(input.heldOn, 'meeting date');
  if (!input.chair?.trim()) throw new GovernanceInputError('a meeting needs a chair');
  const chair = await resolveChair(ws, input.chair);
  const ref = input.ref ?? (await nextRef(ws, heldOn));
  if (!/^[A-Za-z0-9_-]{3,40}$/.test(ref))
    throw new GovernanceInputError(`meeting reference '${ref}': letters, digits, '-' and '_' only`);
  if (await ws.one('SELECT 1 FROM gov_meetings WHERE ref = $ref', { ref }))
    throw new GovernanceInputError(`meeting ${ref} already exists`);
  const members = input.attendees
    ? await Promise.all(input.attendees.map((id) => getMember(ws, id)))
    : await listMembers(ws);
  if (!members.some((m) => m.id === chair.id))
    throw new GovernanceInputError(`the chair ${chair.id} (${chair.name}) must be among the members called`);
  const proposals: AgendaProposal[] = input.planItems === false ? [] : await planItems(ws, heldOn);
  return ws.transaction(async () => {
    await ws.run(
      `INSERT INTO gov_meetings (ref, held_on, chair, title, created_by, created_at, chair_member_id)
       VALUES ($ref, $d::DATE, $chair, $title, $actor, now(), $cid)`,
      { ref, d: heldOn, chair: chair.name, title: input.title ?? null, actor, cid: chair.id },
    );
    for (const m of members) {
      await ws.run('INSERT INTO gov_attendees VALUES ($ref, $id, $name, $role, $unit, $v)', {
        ref,
        id: m.id,
        name: m.name,
        role: m.role,
        unit: m.unit,
        v: m.version,
      });
    }
    let no = 0;
    for (const p of proposals) await insertItem(ws, actor, ref, ++no, p);
    await recordChange(ws, {
      actor,
      action: 'meeting.create',
      entityType: 'meeting',
      entityId: ref,
      after: {
        held_on: heldOn,
        chair: chair.id,
        attendees: members.map((m) => m.id),
        agenda: proposals.map((p) => `${p.kind}:${p.subjectId ?? ''}`),
      },
    });
    return getMeeting(ws, ref);
  });
}

async function insertItem(ws: Workspace, actor: string, ref: string, no: number, p: AgendaProposal): Promise<void> {
  await ws.run(
    `INSERT INTO gov_agenda_items (ref, item_no, kind, subject_type, subject_id, title, added_by, added_at, message_json)
     VALUES ($ref, $no, $kind, $st, $sid, $title, $actor, now(), $msg)`,
    {
      ref,
      no,
      kind: p.kind,
      st: p.subjectType,
      sid: p.subjectId,
      title: p.title,
      actor,
      msg: p.message ? JSON.stringify(p.message) : null,
    },
  );
}

/** A meeting's stored agenda items; items proposed from the plan titled in `lang` (the reader's). */
export async function storedItems(ws: Workspace, ref: string, lang = 'en'): Promise<StoredItem[]> {
  const rows = await ws.all<{
    item_no: number;
    kind: string;
    subject_type: string | null;
    subject_id: string | null;
    title: string;
    message_json: string | null;
  }>(
    'SELECT item_no, kind, subject_type, subject_id, title, message_json FROM gov_agenda_items WHERE ref = $ref ORDER BY item_no',
    { ref },
  );
  return rows.map((r) => ({
    itemNo: r.item_no,
    kind: r.kind,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    title: r.message_json
      ? GOVERNANCE_TEXT.render(JSON.parse(r.message_json) as Pick<Message, 'key' | 'params'>, lang).text
      : r.title,
  }));
}

/** Adds an agenda item by hand (an open meeting only); refused when the same subject is already on it. */
export async function addAgendaItem(ws: Workspace, actor: string, ref: string, p: AgendaProposal): Promise<StoredItem> {
  await assertOpen(ws, ref);
  if (!p.title.trim()) throw new GovernanceInputError('an agenda item needs a title');
  return ws.transaction(async () => {
    const items = await storedItems(ws, ref);
    if (p.subjectId && items.some((i) => i.subjectType === p.subjectType && i.subjectId === p.subjectId)) {
      throw new GovernanceInputError(`${p.subjectType} ${p.subjectId} is already on the agenda of ${ref}`);
    }
    const no = Math.max(0, ...items.map((i) => i.itemNo)) + 1;
    await insertItem(ws, actor, ref, no, p);
    await recordChange(ws, {
      actor,
      action: 'meeting.agenda.add',
      entityType: 'meeting',
      entityId: ref,
      after: { item: no, ...p },
    });
    return (await storedItems(ws, ref)).find((i) => i.itemNo === no)!;
  });
}

export async function listMinutes(ws: Workspace, ref: string): Promise<MinuteEntry[]> {
  const rows = await ws.all<{
    entry_no: number;
    item_key: string;
    kind: 'minute' | 'correction';
    body: string;
    author: string;
    written_at: string;
  }>(
    `SELECT entry_no, item_key, kind, body, author, strftime(written_at, '%Y-%m-%dT%H:%M:%SZ') AS written_at FROM gov_minutes WHERE ref = $ref ORDER BY entry_no`,
    { ref },
  );
  return rows.map((r) => ({
    entryNo: r.entry_no,
    itemKey: r.item_key,
    kind: r.kind,
    body: r.body,
    author: r.author,
    writtenAt: r.written_at,
  }));
}

async function appendMinute(
  ws: Workspace,
  actor: string,
  ref: string,
  itemKey: string,
  kind: 'minute' | 'correction',
  body: string,
): Promise<MinuteEntry> {
  if (!body.trim()) throw new GovernanceInputError(`the ${kind} for ${itemKey} is empty`);
  if (!/^(general|item:\d+|action:[A-Za-z0-9-]+|decision:[A-Za-z0-9/-]+)$/.test(itemKey)) {
    throw new GovernanceInputError(`item '${itemKey}': expected general, item:<n>, action:<id> or decision:<id>`);
  }
  return ws.transaction(async () => {
    const n = Number(await ws.scalar('SELECT coalesce(max(entry_no), 0) FROM gov_minutes')) + 1;
    await ws.run('INSERT INTO gov_minutes VALUES ($n, $ref, $key, $kind, $body, $actor, now())', {
      n,
      ref,
      key: itemKey,
      kind,
      body,
      actor,
    });
    await recordChange(ws, {
      actor,
      action: kind === 'minute' ? 'meeting.minutes' : 'meeting.correct',
      entityType: 'meeting',
      entityId: ref,
      after: { item: itemKey, entry: n, body },
    });
    return (await listMinutes(ws, ref)).find((e) => e.entryNo === n)!;
  });
}

/** Minutes of one agenda item ('item:3', 'action:A-001', 'general'); the latest entry per item is current. */
export async function writeMinutes(
  ws: Workspace,
  actor: string,
  ref: string,
  itemKey: string,
  body: string,
): Promise<MinuteEntry> {
  await assertOpen(ws, ref);
  return appendMinute(ws, actor, ref, itemKey, 'minute', body);
}

/** A correction to a signed-off record: a new entry, shown with the minutes; the signed text stays. */
export async function addCorrection(
  ws: Workspace,
  actor: string,
  ref: string,
  itemKey: string,
  body: string,
): Promise<MinuteEntry> {
  const m = await getMeeting(ws, ref);
  if (m.status === 'signing')
    throw new GovernanceInputError(
      `meeting ${ref} awaits a second signatory: corrections are added once it is signed off`,
      'conflict',
    );
  if (m.status !== 'signed')
    throw new GovernanceInputError(
      `meeting ${ref} is not signed off yet: edit its minutes instead (cip meeting minutes ${ref} --item ${itemKey} --text …)`,
    );
  return appendMinute(ws, actor, ref, itemKey, 'correction', body);
}
