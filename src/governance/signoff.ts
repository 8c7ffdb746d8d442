// Who signs the minutes off (Annex 4: roles and responsibilities in the terms of reference). Attendance is
// recorded per meeting, member by member. The record is signed off — and locked — once it carries the signature
// of the chair or of a delegate named in the terms of reference, and of at least one person who did not prepare
// the minutes (the authors of its minutes entries; the meeting's creator when no minutes were written). A
// signatory is the committee member linked to the signed-in account (web) or to --user / $CIP_USER (CLI).
import type { Workspace } from '../workspace/workspace.ts';
import { recordChange } from '../history/history.ts';
import { getTerms, listMembers, memberByAccount } from './committee.ts';
import { GovernanceInputError } from './errors.ts';
import { assertOpen, getMeeting, type Meeting, type Signature } from './meetings.ts';

export interface AttendanceInput {
  present?: string[];
  absent?: string[];
}

/** Records who attended (and who did not) among the members called; a later record for a member replaces it. */
export async function recordAttendance(
  ws: Workspace,
  actor: string,
  ref: string,
  input: AttendanceInput,
): Promise<Meeting> {
  const m = await assertOpen(ws, ref);
  const present = [...new Set(input.present ?? [])];
  const absent = [...new Set(input.absent ?? [])];
  if (present.length + absent.length === 0)
    throw new GovernanceInputError('give the members present and/or absent (member ids)');
  const both = present.filter((id) => absent.includes(id));
  if (both.length) throw new GovernanceInputError(`${both.join(', ')}: listed both present and absent`);
  const called = new Set(m.attendees.map((a) => a.memberId));
  const stranger = [...present, ...absent].find((id) => !called.has(id));
  if (stranger)
    throw new GovernanceInputError(
      `${stranger} was not called to ${ref} (members called: ${[...called].join(', ') || 'none'})`,
    );
  return ws.transaction(async () => {
    for (const [ids, here] of [
      [present, true],
      [absent, false],
    ] as const) {
      for (const id of ids) {
        const seq = Number(
          await ws.scalar('SELECT coalesce(max(seq), 0) FROM gov_attendance WHERE ref = $ref AND member_id = $id', {
            ref,
            id,
          }),
        );
        await ws.run('INSERT INTO gov_attendance VALUES ($ref, $id, $seq, $p, $actor, now())', {
          ref,
          id,
          seq: seq + 1,
          p: here,
          actor,
        });
      }
    }
    await recordChange(ws, {
      actor,
      action: 'meeting.attendance',
      entityType: 'meeting',
      entityId: ref,
      before: Object.fromEntries(m.attendees.map((a) => [a.memberId, a.present])),
      after: { present, absent },
    });
    return getMeeting(ws, ref);
  });
}

/** Who prepared the minutes: the authors of its minutes entries, else the account that created the meeting. */
export async function preparersOf(ws: Workspace, m: Meeting): Promise<string[]> {
  const authors = await ws.all<{ author: string }>(
    `SELECT DISTINCT author FROM gov_minutes WHERE ref = $ref AND kind = 'minute' ORDER BY author`,
    { ref: m.ref },
  );
  return authors.length ? authors.map((a) => a.author) : [m.createdBy];
}

const who = (m: { id: string; name: string }) => `${m.id} (${m.name})`;

/**
 * Signs the minutes of a meeting as the member linked to `actor`. The chair or a delegate signs first; when they
 * prepared the minutes themselves, a member recorded present who did not prepare them signs second. The record
 * is signed off (locked) as soon as both conditions hold.
 */
export async function signOff(ws: Workspace, actor: string, ref: string): Promise<Meeting> {
  const m = await getMeeting(ws, ref);
  if (m.status === 'signed') await assertOpen(ws, ref); // throws the locked-record refusal
  const members = await listMembers(ws, { includeInactive: true });
  const chair = members.find((x) => x.id === m.chairMemberId);
  const delegateIds = (await getTerms(ws))?.delegates ?? [];
  const delegates = members.filter((x) => delegateIds.includes(x.id) && x.active);
  const authority =
    `only the chair${chair ? ` ${who(chair)}` : ''} or a delegate named in the terms of reference` +
    (delegates.length ? ` (${delegates.map(who).join(', ')})` : ' (none named)');
  const signer = await memberByAccount(ws, actor);
  if (!signer)
    throw new GovernanceInputError(
      `'${actor}' is not linked to a committee member: ${authority} can sign off the minutes of ${ref}`,
      'forbidden',
    );
  if (m.signatures.some((s) => s.memberId === signer.id))
    throw new GovernanceInputError(`${who(signer)} has already signed the minutes of ${ref}`, 'conflict');
  const unrecorded = m.attendees.filter((a) => a.present === null);
  if (unrecorded.length)
    throw new GovernanceInputError(
      `record the attendance of ${unrecorded.map((a) => who({ id: a.memberId, name: a.name })).join(', ')} at ${ref} before signing its minutes off ` +
        `(cip meeting attendance ${ref} --present <ids> --absent <ids>)`,
      'conflict',
    );
  const capacity: Signature['capacity'] =
    signer.id === m.chairMemberId ? 'chair' : delegates.some((d) => d.id === signer.id) ? 'delegate' : 'member';
  const preparers = await preparersOf(ws, m);
  const lead = m.signatures.find((s) => s.capacity !== 'member');
  if (capacity === 'member') {
    if (!lead) throw new GovernanceInputError(`${authority} can sign off the minutes of ${ref}`, 'forbidden');
    if (!m.attendees.some((a) => a.memberId === signer.id && a.present))
      throw new GovernanceInputError(
        `${who(signer)} was not recorded present at ${ref}: a second signatory must have attended`,
        'forbidden',
      );
  }
  if (m.status === 'signing' && preparers.includes(actor))
    throw new GovernanceInputError(
      `${who(signer)} prepared the minutes of ${ref}: the second signatory must be someone who did not`,
      'forbidden',
    );
  const signatures = [...m.signatures, { account: actor, capacity }];
  const complete =
    signatures.some((s) => s.capacity !== 'member') && signatures.some((s) => !preparers.includes(s.account));
  return ws.transaction(async () => {
    await ws.run('INSERT INTO gov_signatures VALUES ($ref, $id, $account, $capacity, now())', {
      ref,
      id: signer.id,
      account: actor,
      capacity,
    });
    await recordChange(ws, {
      actor,
      action: 'meeting.sign',
      entityType: 'meeting',
      entityId: ref,
      after: { member: signer.id, capacity, preparers, complete },
    });
    if (complete) {
      const by = capacity === 'member' ? lead!.account : actor;
      await ws.run('INSERT INTO gov_signoffs VALUES ($ref, $by, now())', { ref, by });
      await recordChange(ws, {
        actor,
        action: 'meeting.signoff',
        entityType: 'meeting',
        entityId: ref,
        after: { signed_by: by, signatories: signatures.map((s) => s.account) },
      });
    }
    return getMeeting(ws, ref);
  });
}
