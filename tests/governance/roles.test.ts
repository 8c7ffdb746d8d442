// Committee roles (Annex 4, issue #12): the chair is a member; attendance is recorded per meeting; only the chair
// or a delegate named in the terms of reference signs the minutes off, and the person who prepared them is never
// the only signatory. Every refusal leaves nothing written.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { listHistory } from '../../src/history/history.ts';
import {
  createMeeting,
  getMeeting,
  getTerms,
  recordAttendance,
  saveMember,
  setTerms,
  signOff,
  writeMinutes,
} from '../../src/governance/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

async function committee() {
  const ws = await Workspace.open(join(tmpDir(), 'w'), { create: true });
  await saveMember(ws, 'ana', { name: 'Marta Ruiz', role: 'head', unit: 'Head office', account: 'marta' }); // MEM-001
  await saveMember(ws, 'ana', { name: 'Ana Costa', role: 'coordinator', unit: 'Risk', account: 'ana' }); // MEM-002
  await saveMember(ws, 'ana', { name: 'Luis Pérez', role: 'director', unit: 'Operations', account: 'luis' }); // MEM-003
  await saveMember(ws, 'ana', { name: 'Kim Lee', role: 'subcommittee', unit: 'Risk' }); // MEM-004, no account
  return ws;
}

/** Rows that a refused call must leave untouched. */
const footprint = async (ws: Workspace) => ({
  history: Number(await ws.scalar('SELECT count(*) FROM history')),
  signatures: Number(await ws.scalar('SELECT count(*) FROM gov_signatures')),
  signoffs: Number(await ws.scalar('SELECT count(*) FROM gov_signoffs')),
  attendance: Number(await ws.scalar('SELECT count(*) FROM gov_attendance')),
  terms: Number(await ws.scalar('SELECT count(*) FROM gov_terms')),
});

describe('the chair and the members called', () => {
  it('the chair must be an active member (by id or name) among those called', async () => {
    const ws = await committee();
    await expect(createMeeting(ws, 'ana', { heldOn: '2026-04-15', chair: 'Head of customs' })).rejects.toThrow(
      "chair 'Head of customs' is not an active committee member: add them first (cip committee add --name 'Head of customs' --role head) or give a member id (see 'cip committee members')",
    );
    await expect(
      createMeeting(ws, 'ana', { heldOn: '2026-04-15', chair: 'MEM-001', attendees: ['MEM-002', 'MEM-003'] }),
    ).rejects.toThrow('the chair MEM-001 (Marta Ruiz) must be among the members called');
    expect(Number(await ws.scalar('SELECT count(*) FROM gov_meetings'))).toBe(0);
    const m = await createMeeting(ws, 'ana', { heldOn: '2026-04-15', chair: 'marta ruiz' });
    expect(m).toMatchObject({ chair: 'Marta Ruiz', chairMemberId: 'MEM-001', status: 'open', signatures: [] });
    expect(m.attendees.map((a) => [a.memberId, a.present])).toEqual([
      ['MEM-001', null],
      ['MEM-002', null],
      ['MEM-003', null],
      ['MEM-004', null],
    ]);
    ws.close();
  });

  it('an account signs for one active member only', async () => {
    const ws = await committee();
    await expect(saveMember(ws, 'ana', { name: 'Eva Diaz', role: 'director', account: 'luis' })).rejects.toThrow(
      "account 'luis' is already linked to committee member MEM-003 (Luis Pérez)",
    );
    await expect(saveMember(ws, 'ana', { name: 'Eva Diaz', role: 'director', account: 'eva diaz' })).rejects.toThrow(
      "account 'eva diaz': a user name of letters, digits, '.', '_', '@' and '-'",
    );
    ws.close();
  });
});

describe('attendance per meeting', () => {
  it('records present and absent members; a later record for a member replaces it; strangers refused', async () => {
    const ws = await committee();
    const m = await createMeeting(ws, 'ana', { heldOn: '2026-04-15', chair: 'MEM-001' });
    const before = await footprint(ws);
    await expect(recordAttendance(ws, 'ana', m.ref, { present: ['MEM-009'] })).rejects.toThrow(
      'MEM-009 was not called to RMC-2026-01 (members called: MEM-001, MEM-002, MEM-003, MEM-004)',
    );
    await expect(recordAttendance(ws, 'ana', m.ref, { present: ['MEM-002'], absent: ['MEM-002'] })).rejects.toThrow(
      'MEM-002: listed both present and absent',
    );
    await expect(recordAttendance(ws, 'ana', m.ref, {})).rejects.toThrow(
      'give the members present and/or absent (member ids)',
    );
    expect(await footprint(ws)).toEqual(before);
    await recordAttendance(ws, 'ana', m.ref, { present: ['MEM-001', 'MEM-002', 'MEM-004'], absent: ['MEM-003'] });
    const after = await recordAttendance(ws, 'ana', m.ref, { present: ['MEM-003'], absent: ['MEM-004'] });
    expect(after.attendees.map((a) => [a.memberId, a.present])).toEqual([
      ['MEM-001', true],
      ['MEM-002', true],
      ['MEM-003', true],
      ['MEM-004', false],
    ]);
    // another meeting has its own attendance
    const m2 = await createMeeting(ws, 'ana', { heldOn: '2026-06-15', chair: 'MEM-001' });
    expect(m2.attendees.every((a) => a.present === null)).toBe(true);
    expect(
      (await listHistory(ws, { entityType: 'meeting' })).filter((e) => e.action === 'meeting.attendance'),
    ).toHaveLength(2);
    ws.close();
  });
});

describe('signing the minutes off', () => {
  it('refuses anyone but the chair or a delegate, and before the attendance is recorded; nothing written', async () => {
    const ws = await committee();
    const m = await createMeeting(ws, 'ana', { heldOn: '2026-04-15', chair: 'MEM-001' });
    await writeMinutes(ws, 'ana', m.ref, 'general', 'Quorum reached.');
    const before = await footprint(ws);
    await expect(signOff(ws, 'marta', m.ref)).rejects.toMatchObject({
      kind: 'conflict',
      message:
        'record the attendance of MEM-001 (Marta Ruiz), MEM-002 (Ana Costa), MEM-003 (Luis Pérez), MEM-004 (Kim Lee) at RMC-2026-01 before signing its minutes off (cip meeting attendance RMC-2026-01 --present <ids> --absent <ids>)',
    });
    await recordAttendance(ws, 'ana', m.ref, { present: ['MEM-001', 'MEM-002', 'MEM-003'], absent: ['MEM-004'] });
    const ready = await footprint(ws);
    await expect(signOff(ws, 'stranger', m.ref)).rejects.toMatchObject({
      kind: 'forbidden',
      message:
        "'stranger' is not linked to a committee member: only the chair MEM-001 (Marta Ruiz) or a delegate named in the terms of reference (none named) can sign off the minutes of RMC-2026-01",
    });
    await expect(signOff(ws, 'luis', m.ref)).rejects.toMatchObject({
      kind: 'forbidden',
      message:
        'only the chair MEM-001 (Marta Ruiz) or a delegate named in the terms of reference (none named) can sign off the minutes of RMC-2026-01',
    });
    expect(await footprint(ws)).toEqual(ready);
    expect(before.attendance).toBe(0);
    // the chair did not prepare the minutes (ana did): one signature signs the record off
    const signed = await signOff(ws, 'marta', m.ref);
    expect(signed).toMatchObject({
      status: 'signed',
      signedBy: 'marta',
      signatures: [{ memberId: 'MEM-001', account: 'marta', capacity: 'chair' }],
    });
    await expect(signOff(ws, 'marta', m.ref)).rejects.toThrow(/^meeting RMC-2026-01 was signed off by marta on/);
    ws.close();
  });

  it('a chair who prepared the minutes needs a second signatory who attended and did not prepare them', async () => {
    const ws = await committee();
    const m = await createMeeting(ws, 'marta', { heldOn: '2026-04-15', chair: 'MEM-001' });
    await writeMinutes(ws, 'marta', m.ref, 'general', 'Quorum reached.');
    await writeMinutes(ws, 'ana', m.ref, 'general', 'Plan progress presented.');
    await recordAttendance(ws, 'ana', m.ref, { present: ['MEM-001', 'MEM-002', 'MEM-003'], absent: ['MEM-004'] });
    const first = await signOff(ws, 'marta', m.ref);
    expect(first).toMatchObject({ status: 'signing', signedBy: null, signatures: [{ capacity: 'chair' }] });
    // the record is frozen from the first signature
    await expect(writeMinutes(ws, 'ana', m.ref, 'general', 'late change')).rejects.toMatchObject({
      kind: 'conflict',
      message:
        'meeting RMC-2026-01 was signed by Marta Ruiz and awaits a second signatory: its record cannot be edited any more',
    });
    const before = await footprint(ws);
    await expect(signOff(ws, 'ana', m.ref)).rejects.toMatchObject({
      kind: 'forbidden',
      message:
        'MEM-002 (Ana Costa) prepared the minutes of RMC-2026-01: the second signatory must be someone who did not',
    });
    await expect(signOff(ws, 'marta', m.ref)).rejects.toMatchObject({
      kind: 'conflict',
      message: 'MEM-001 (Marta Ruiz) has already signed the minutes of RMC-2026-01',
    });
    expect(await footprint(ws)).toEqual(before);
    const done = await signOff(ws, 'luis', m.ref);
    expect(done).toMatchObject({
      status: 'signed',
      signedBy: 'marta',
      signatures: [
        { memberId: 'MEM-001', capacity: 'chair' },
        { memberId: 'MEM-003', capacity: 'member' },
      ],
    });
    const h = await listHistory(ws, { entityType: 'meeting', entityId: m.ref });
    expect(h.slice(0, 3).map((e) => [e.action, e.actor])).toEqual([
      ['meeting.signoff', 'luis'],
      ['meeting.sign', 'luis'],
      ['meeting.sign', 'marta'],
    ]);
    ws.close();
  });

  it('an absent member cannot be the second signatory', async () => {
    const ws = await committee();
    const m = await createMeeting(ws, 'marta', { heldOn: '2026-04-15', chair: 'MEM-001' });
    await recordAttendance(ws, 'marta', m.ref, { present: ['MEM-001', 'MEM-002'], absent: ['MEM-003', 'MEM-004'] });
    // no minutes written: the preparer is the meeting's creator, the chair
    expect(await signOff(ws, 'marta', m.ref)).toMatchObject({ status: 'signing' });
    await expect(signOff(ws, 'luis', m.ref)).rejects.toMatchObject({
      kind: 'forbidden',
      message: 'MEM-003 (Luis Pérez) was not recorded present at RMC-2026-01: a second signatory must have attended',
    });
    expect(await signOff(ws, 'ana', m.ref)).toMatchObject({ status: 'signed', signedBy: 'marta' });
    ws.close();
  });

  it('a delegate named in the terms of reference signs in the chair’s place', async () => {
    const ws = await committee();
    await setTerms(ws, 'ana', {
      title: 'RMC terms',
      body: 'The coordinator signs minutes off in the chair’s absence.',
    });
    const before = await footprint(ws);
    await expect(setTerms(ws, 'ana', { delegates: ['MEM-004'] })).rejects.toThrow(
      'delegate MEM-004 (Kim Lee) has no account to sign with: link one first (cip committee set MEM-004 --account <user>)',
    );
    await expect(setTerms(ws, 'ana', { delegates: ['MEM-404'] })).rejects.toThrow(
      "delegate 'MEM-404' is not an active committee member (see 'cip committee members')",
    );
    expect(await footprint(ws)).toEqual(before);
    const t = await setTerms(ws, 'ana', { delegates: ['MEM-002'] });
    // the text is kept from the version in force
    expect(t).toMatchObject({ version: 2, title: 'RMC terms', delegates: ['MEM-002'] });
    expect(t.body).toBe('The coordinator signs minutes off in the chair’s absence.');
    const m = await createMeeting(ws, 'luis', { heldOn: '2026-04-15', chair: 'MEM-001' });
    await writeMinutes(ws, 'luis', m.ref, 'general', 'Quorum reached.');
    await recordAttendance(ws, 'luis', m.ref, { present: ['MEM-002', 'MEM-003'], absent: ['MEM-001', 'MEM-004'] });
    await expect(signOff(ws, 'luis', m.ref)).rejects.toThrow(
      'only the chair MEM-001 (Marta Ruiz) or a delegate named in the terms of reference (MEM-002 (Ana Costa)) can sign off the minutes of RMC-2026-01',
    );
    expect(await signOff(ws, 'ana', m.ref)).toMatchObject({
      status: 'signed',
      signedBy: 'ana',
      signatures: [{ memberId: 'MEM-002', capacity: 'delegate' }],
    });
    expect((await getTerms(ws))?.delegates).toEqual(['MEM-002']);
    expect((await getMeeting(ws, m.ref)).status).toBe('signed');
    ws.close();
  });
});
