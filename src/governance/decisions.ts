// Decisions (each linked to what it decides on) and follow-up actions (owner unit, due date, status).
// An action's status is its latest update; open actions of earlier meetings are carried into every later
// meeting's agenda until closed — computed when the agenda is read, never copied.
import type { Workspace } from '../workspace/workspace.ts';
import { GOVERNANCE_TEXT } from './text.ts';
import { recordChange } from '../history/history.ts';
import { getMeasure } from '../plan/measures/store.ts';
import { getVulnerability } from '../plan/register/store.ts';
import { getIndicator } from '../plan/measures/indicators.ts';
import { parseRisk, parseSize, resolveMatrix } from '../plan/treatments/matrix.ts';
import { configHistory } from '../segmentation/config.ts';
import { GovernanceInputError } from './errors.ts';
import {
  assertOpen,
  getMeeting,
  listMeetings,
  parseIsoDate,
  storedItems,
  type Meeting,
  type StoredItem,
} from './meetings.ts';
import { settleProposal } from './approvals.ts';

export const SUBJECT_TYPES = [
  'measure',
  'treatment',
  'vulnerability',
  'gri_config',
  'indicator',
  'proposal',
  'action',
  'none',
] as const;
export const OUTCOMES = ['approved', 'rejected', 'noted', 'instructed'] as const;
export const ACTION_STATUSES = ['open', 'in_progress', 'closed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface Decision {
  id: string;
  ref: string;
  heldOn: string;
  itemKey: string | null;
  subjectType: string;
  subjectId: string | null;
  outcome: string;
  text: string;
  recordedBy: string;
  recordedAt: string;
}

export interface ActionUpdate {
  status: ActionStatus;
  note: string | null;
  ref: string | null;
  onDate: string;
  by: string;
}

export interface Action {
  id: string;
  ref: string;
  decisionId: string | null;
  description: string;
  ownerUnit: string;
  dueDate: string;
  createdBy: string;
  status: ActionStatus;
  closedIn: string | null;
  closedOn: string | null;
  updates: ActionUpdate[];
}

export interface AgendaItem extends StoredItem {
  key: string;
  /** carried actions: the meeting that assigned it */
  from?: string;
  action?: Action;
}

async function assertSubject(ws: Workspace, type: string, id: string | null): Promise<string | null> {
  if (!(SUBJECT_TYPES as readonly string[]).includes(type))
    throw new GovernanceInputError(`subject type '${type}': expected one of ${SUBJECT_TYPES.join(', ')}`);
  if (type === 'none') return null;
  if (!id) throw new GovernanceInputError(`a decision on a ${type} needs the ${type}'s id`);
  try {
    if (type === 'measure') await getMeasure(ws, id);
    else if (type === 'vulnerability') await getVulnerability(ws, id);
    else if (type === 'indicator') await getIndicator(ws, id);
    else if (type === 'action') await getAction(ws, id);
    else if (type === 'treatment') {
      const m = /^(.+):(\w+)\/(\w+)$/.exec(id) ?? /^()(\w+)\/(\w+)$/.exec(id);
      if (!m) throw new GovernanceInputError(`treatment '${id}': expected [matrix:]size/risk, e.g. general:large/high`);
      return `${await resolveMatrix(ws, m[1] || 'general')}:${parseSize(m[2])}/${parseRisk(m[3])}`;
    } else if (type === 'gri_config') {
      const risk = id.split('@')[0];
      if (!(await configHistory(ws, risk)).some((c) => c.configId === id))
        throw new GovernanceInputError(`no GRI configuration '${id}' (see 'cip gri config history')`, 'not_found');
    }
  } catch (e) {
    if (e instanceof GovernanceInputError) throw e;
    throw new GovernanceInputError((e as Error).message);
  }
  return id;
}

export async function listDecisions(ws: Workspace, f: { ref?: string } = {}): Promise<Decision[]> {
  const rows = await ws.all<{
    decision_id: string;
    ref: string;
    held_on: string;
    item_key: string | null;
    subject_type: string;
    subject_id: string | null;
    outcome: string;
    body: string;
    recorded_by: string;
    recorded_at: string;
  }>(
    `SELECT d.*, m.held_on, strftime(d.recorded_at, '%Y-%m-%dT%H:%M:%SZ') AS recorded_at FROM gov_decisions d JOIN gov_meetings m USING (ref)
      WHERE $ref IS NULL OR d.ref = $ref ORDER BY m.held_on, d.ref, d.recorded_at, d.decision_id`,
    { ref: f.ref ?? null },
  );
  return rows.map((r) => ({
    id: r.decision_id,
    ref: r.ref,
    heldOn: r.held_on,
    itemKey: r.item_key,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    outcome: r.outcome,
    text: r.body,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
  }));
}

export interface DecisionInput {
  itemKey?: string | null;
  subjectType: string;
  subjectId?: string | null;
  outcome: string;
  text: string;
}

/** Records a decision of an open meeting; a decision approving/rejecting a proposal settles (and applies) it. */
export async function recordDecision(ws: Workspace, actor: string, ref: string, d: DecisionInput): Promise<Decision> {
  await assertOpen(ws, ref);
  if (!(OUTCOMES as readonly string[]).includes(d.outcome))
    throw new GovernanceInputError(`outcome '${d.outcome}': expected one of ${OUTCOMES.join(', ')}`);
  // On a subject (a proposal, a measure, …) the outcome says what was decided; a decision on nothing needs its text.
  if (!d.text.trim() && d.subjectType === 'none')
    throw new GovernanceInputError('a decision needs its text (what was decided)');
  const subjectId = await assertSubject(ws, d.subjectType, d.subjectId ?? null);
  if (d.subjectType === 'proposal' && d.outcome !== 'approved' && d.outcome !== 'rejected') {
    throw new GovernanceInputError(
      `a decision on proposal ${subjectId} must approve or reject it (outcome '${d.outcome}')`,
    );
  }
  return ws.transaction(async () => {
    const n = Number(await ws.scalar('SELECT count(*) FROM gov_decisions WHERE ref = $ref', { ref })) + 1;
    const id = `${ref}/D${n}`;
    await ws.run('INSERT INTO gov_decisions VALUES ($id, $ref, $item, $st, $sid, $o, $body, $actor, now())', {
      id,
      ref,
      item: d.itemKey ?? null,
      st: d.subjectType,
      sid: subjectId,
      o: d.outcome,
      body: d.text.trim(),
      actor,
    });
    await recordChange(ws, {
      actor,
      action: 'meeting.decision',
      entityType: 'decision',
      entityId: id,
      after: {
        ref,
        item: d.itemKey ?? null,
        subject: `${d.subjectType}:${subjectId ?? ''}`,
        outcome: d.outcome,
        text: d.text,
      },
    });
    if (d.subjectType === 'proposal')
      await settleProposal(ws, actor, subjectId!, id, d.outcome as 'approved' | 'rejected');
    return (await listDecisions(ws, { ref })).find((x) => x.id === id)!;
  });
}

type Pos = [string, number, string];
const cmp = (a: Pos, b: Pos) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2].localeCompare(b[2]));
const meetingPos = (m: { heldOn: string; ref: string }): Pos => [m.heldOn, 1, m.ref];

export async function listActions(
  ws: Workspace,
  f: { ref?: string; unit?: string; status?: string } = {},
): Promise<Action[]> {
  const rows = await ws.all<{
    action_id: string;
    ref: string;
    decision_id: string | null;
    description: string;
    owner_unit: string;
    due_date: string;
    created_by: string;
  }>(
    'SELECT action_id, ref, decision_id, description, owner_unit, due_date, created_by FROM gov_actions ORDER BY action_id',
  );
  const ups = await ws.all<{
    action_id: string;
    status: ActionStatus;
    note: string | null;
    ref: string | null;
    on_date: string;
    updated_by: string;
  }>('SELECT action_id, status, note, ref, on_date, updated_by FROM gov_action_updates ORDER BY update_no');
  return rows
    .map((r) => {
      const updates = ups
        .filter((u) => u.action_id === r.action_id)
        .map((u) => ({ status: u.status, note: u.note, ref: u.ref, onDate: u.on_date, by: u.updated_by }));
      const last = updates.at(-1);
      const status = last?.status ?? 'open';
      return {
        id: r.action_id,
        ref: r.ref,
        decisionId: r.decision_id,
        description: r.description,
        ownerUnit: r.owner_unit,
        dueDate: r.due_date,
        createdBy: r.created_by,
        status,
        closedIn: status === 'closed' ? last!.ref : null,
        closedOn: status === 'closed' ? last!.onDate : null,
        updates,
      };
    })
    .filter(
      (a) => (!f.ref || a.ref === f.ref) && (!f.unit || a.ownerUnit === f.unit) && (!f.status || a.status === f.status),
    );
}

export async function getAction(ws: Workspace, id: string): Promise<Action> {
  const a = (await listActions(ws)).find((x) => x.id === id);
  if (!a) throw new GovernanceInputError(`no action '${id}' (see 'cip actions list')`, 'not_found');
  return a;
}

export interface ActionInput {
  description: string;
  ownerUnit: string;
  dueDate: string;
  decisionId?: string | null;
}

/** Assigns an action at an open meeting. */
export async function assignAction(ws: Workspace, actor: string, ref: string, a: ActionInput): Promise<Action> {
  const m = await assertOpen(ws, ref);
  if (!a.description.trim()) throw new GovernanceInputError('an action needs a description');
  if (!a.ownerUnit.trim()) throw new GovernanceInputError(`action '${a.description}': no owner unit`);
  const due = parseIsoDate(a.dueDate, 'due date');
  if (due < m.heldOn) throw new GovernanceInputError(`due date ${due} is before the meeting (${m.heldOn})`);
  if (a.decisionId && !(await listDecisions(ws, { ref })).some((d) => d.id === a.decisionId)) {
    throw new GovernanceInputError(`no decision '${a.decisionId}' in meeting ${ref}`, 'not_found');
  }
  return ws.transaction(async () => {
    const n =
      Number(await ws.scalar(`SELECT coalesce(max(TRY_CAST(substr(action_id, 3) AS INTEGER)), 0) FROM gov_actions`)) +
      1;
    const id = `A-${String(n).padStart(3, '0')}`;
    await ws.run('INSERT INTO gov_actions VALUES ($id, $ref, $d, $desc, $u, $due::DATE, $actor, now())', {
      id,
      ref,
      d: a.decisionId ?? null,
      desc: a.description.trim(),
      u: a.ownerUnit.trim(),
      due,
      actor,
    });
    await recordChange(ws, {
      actor,
      action: 'action.assign',
      entityType: 'action',
      entityId: id,
      orgUnit: a.ownerUnit,
      after: {
        ref,
        decision: a.decisionId ?? null,
        description: a.description,
        owner_unit: a.ownerUnit,
        due_date: due,
      },
    });
    return getAction(ws, id);
  });
}

/**
 * A new status for an action (append-only). At a meeting (`ref`): the meeting must be open and the action on its
 * agenda (carried) or assigned in it; `onDate` is then the meeting's date.
 */
export async function updateAction(
  ws: Workspace,
  actor: string,
  id: string,
  u: { status: string; note?: string | null; ref?: string | null; onDate?: string },
): Promise<Action> {
  if (!(ACTION_STATUSES as readonly string[]).includes(u.status))
    throw new GovernanceInputError(`status '${u.status}': expected one of ${ACTION_STATUSES.join(', ')}`);
  const cur = await getAction(ws, id);
  if (cur.status === 'closed' && u.status === 'closed')
    throw new GovernanceInputError(
      `action ${id} is already closed (${cur.closedIn ? 'at ' + cur.closedIn : 'on ' + cur.closedOn})`,
    );
  let onDate = u.onDate ? parseIsoDate(u.onDate, 'date') : new Date().toISOString().slice(0, 10);
  if (u.ref) {
    const m = await assertOpen(ws, u.ref);
    const onAgenda = cur.ref === u.ref || (await agendaOf(ws, u.ref)).some((i) => i.action?.id === id);
    if (!onAgenda)
      throw new GovernanceInputError(`action ${id} is not on the agenda of ${u.ref} (assigned at ${cur.ref})`);
    onDate = m.heldOn;
  }
  return ws.transaction(async () => {
    const n = Number(await ws.scalar('SELECT coalesce(max(update_no), 0) FROM gov_action_updates')) + 1;
    await ws.run('INSERT INTO gov_action_updates VALUES ($n, $id, $s, $note, $ref, $d::DATE, $actor, now())', {
      n,
      id,
      s: u.status,
      note: u.note ?? null,
      ref: u.ref ?? null,
      d: onDate,
      actor,
    });
    await recordChange(ws, {
      actor,
      action: `action.${u.status === 'closed' ? 'close' : 'update'}`,
      entityType: 'action',
      entityId: id,
      orgUnit: cur.ownerUnit,
      before: { status: cur.status },
      after: { status: u.status, note: u.note ?? null, ref: u.ref ?? null, on: onDate },
    });
    return getAction(ws, id);
  });
}

/**
 * Open actions carried into meeting `m`: assigned at an earlier meeting and not closed before `m`.
 * An action closed at `m` is still on `m`'s agenda (that is where it was closed) and on no later one.
 */
export function carriedInto(m: Meeting, actions: Action[], meetings: Meeting[]): Action[] {
  const byRef = new Map(meetings.map((x) => [x.ref, x]));
  const here = meetingPos(m);
  return actions.filter((a) => {
    const from = byRef.get(a.ref);
    if (!from || cmp(meetingPos(from), here) >= 0) return false;
    // the status as of this meeting: the last update positioned before it (updates at this meeting count as during it)
    let closedBefore = false;
    for (const u of a.updates) {
      const at = u.ref && byRef.get(u.ref) ? meetingPos(byRef.get(u.ref)!) : ([u.onDate, 0, ''] as Pos);
      if (cmp(at, here) < 0) closedBefore = u.status === 'closed';
    }
    return !closedBefore;
  });
}

/** The full agenda: stored items, then the actions carried forward (one item per action); titles in `lang`. */
export async function agendaOf(ws: Workspace, ref: string, lang = 'en'): Promise<AgendaItem[]> {
  const m = await getMeeting(ws, ref);
  const items: AgendaItem[] = (await storedItems(ws, ref, lang)).map((i) => ({ ...i, key: `item:${i.itemNo}` }));
  const carried = carriedInto(m, await listActions(ws), await listMeetings(ws));
  let no = Math.max(0, ...items.map((i) => i.itemNo));
  for (const a of carried) {
    items.push({
      itemNo: ++no,
      key: `action:${a.id}`,
      kind: 'action',
      subjectType: 'action',
      subjectId: a.id,
      from: a.ref,
      action: a,
      title: GOVERNANCE_TEXT.message(
        'agenda.action',
        { id: a.id, unit: a.ownerUnit, due: a.dueDate, ref: a.ref, description: a.description },
        lang,
      ).text,
    });
  }
  return items;
}
