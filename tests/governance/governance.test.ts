// Governance domain: carried-forward actions, sign-off lock with corrections, approval gating, follow-up.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { Workspace } from '../../src/workspace/workspace.ts';
import { listHistory, verifyHistory } from '../../src/history/history.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';
import { saveMeasure } from '../../src/plan/measures/store.ts';
import { recordIndicatorValue, saveIndicator } from '../../src/plan/measures/indicators.ts';
import { getMatrix } from '../../src/plan/treatments/matrix.ts';
import { getConfig } from '../../src/segmentation/config.ts';
import {
  addCorrection,
  agendaOf,
  assertDirectChangeAllowed,
  assignAction,
  createMeeting,
  getProposal,
  headReport,
  listMinutes,
  overdueByUnit,
  propose,
  recordDecision,
  reminders,
  saveMember,
  saveSubcommittee,
  sendEmailReminders,
  setSetting,
  signOff,
  getMeeting,
  recordAttendance,
  updateAction,
  writeMinutes,
} from '../../src/governance/index.ts';
import { decisionLogXlsx, minutesXlsx } from '../../src/governance/export.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** Everyone called is recorded present (sign-off needs the attendance of every member). */
const attendAll = async (ws: Workspace, ref: string) =>
  recordAttendance(ws, 'ana', ref, { present: (await getMeeting(ws, ref)).attendees.map((a) => a.memberId) });

async function committee(ws: Workspace) {
  await saveSubcommittee(ws, 'ana', {
    code: 'SEL',
    name: 'Selectivity subcommittee',
    theme: 'updating cargo selectivity criteria',
  });
  await saveMember(ws, 'ana', { name: 'Marta Ruiz', role: 'head', unit: 'Head office', account: 'marta' });
  await saveMember(ws, 'ana', {
    name: 'Ana Costa',
    role: 'coordinator',
    unit: 'Risk management',
    email: 'ana@customs.example',
  });
  await saveMember(ws, 'ana', {
    name: 'Luis Pérez',
    role: 'director',
    unit: 'Operations',
    email: 'luis@customs.example',
  });
  await saveMember(ws, 'ana', { name: 'Kim Lee', role: 'subcommittee', unit: 'Risk management', subcommittee: 'SEL' });
}

const open = async (name: string) => {
  const ws = await Workspace.open(join(tmpDir(), name), { create: true });
  await committee(ws);
  return ws;
};

describe('meetings, decisions and actions carried forward', () => {
  it('open actions appear in every later agenda until closed, and never twice', async () => {
    const ws = await open('carry');
    const m1 = await createMeeting(ws, 'ana', { heldOn: '2026-01-15', chair: 'Marta Ruiz' });
    expect(m1.ref).toBe('RMC-2026-01');
    expect(m1.attendees.map((a) => a.name)).toEqual(['Marta Ruiz', 'Ana Costa', 'Luis Pérez', 'Kim Lee']);
    const a1 = await assignAction(ws, 'ana', m1.ref, {
      description: 'Reconcile manifests with discharge data',
      ownerUnit: 'Operations',
      dueDate: '2026-03-31',
    });
    const a2 = await assignAction(ws, 'ana', m1.ref, {
      description: 'Review the selectivity profile for HS 8703',
      ownerUnit: 'Risk management',
      dueDate: '2026-02-28',
    });
    expect([a1.id, a2.id]).toEqual(['A-001', 'A-002']);
    // attendees frozen: a member renamed later stays as they were on the day
    await saveMember(ws, 'ana', { name: 'Luis Pérez García', role: 'director', unit: 'Operations' }, 'MEM-003');
    const m2 = await createMeeting(ws, 'ana', { heldOn: '2026-04-20', chair: 'Marta Ruiz' });
    expect(m2.ref).toBe('RMC-2026-02');
    expect((await agendaOf(ws, m1.ref)).filter((i) => i.kind === 'action')).toEqual([]);
    expect((await agendaOf(ws, m2.ref)).filter((i) => i.kind === 'action').map((i) => i.key)).toEqual([
      'action:A-001',
      'action:A-002',
    ]);
    // an in-progress update in between does not duplicate or drop it
    await updateAction(ws, 'luis', 'A-001', {
      status: 'in_progress',
      note: 'half of the ports done',
      onDate: '2026-02-10',
    });
    await updateAction(ws, 'ana', 'A-002', { status: 'closed', ref: m2.ref, note: 'profile reviewed' });
    await writeMinutes(
      ws,
      'ana',
      m2.ref,
      'action:A-002',
      'The selectivity subcommittee presented the reviewed profile.',
    );
    await attendAll(ws, m2.ref);
    await signOff(ws, 'marta', m2.ref);
    const m3 = await createMeeting(ws, 'ana', { heldOn: '2026-07-10', chair: 'Marta Ruiz' });
    // closed at m2: still on m2's agenda (where it was closed), not on m3's; A-001 still open → carried once
    expect((await agendaOf(ws, m2.ref)).filter((i) => i.kind === 'action').map((i) => i.key)).toEqual([
      'action:A-001',
      'action:A-002',
    ]);
    const ag3 = (await agendaOf(ws, m3.ref)).filter((i) => i.kind === 'action');
    expect(ag3.map((i) => `${i.key} from ${i.from}`)).toEqual(['action:A-001 from RMC-2026-01']);
    // the earlier meetings' attendees are frozen
    const att = await ws.all<{ name: string }>(
      "SELECT name FROM gov_attendees WHERE ref = 'RMC-2026-01' AND member_id = 'MEM-003'",
    );
    expect(att).toEqual([{ name: 'Luis Pérez' }]);
    // closing outside a meeting (before m3) removes it from m3's agenda too
    await updateAction(ws, 'luis', 'A-001', { status: 'closed', onDate: '2026-07-01' });
    expect((await agendaOf(ws, m3.ref)).filter((i) => i.kind === 'action')).toEqual([]);
    await expect(updateAction(ws, 'luis', 'A-001', { status: 'closed', onDate: '2026-07-02' })).rejects.toThrow(
      'action A-001 is already closed (on 2026-07-01)',
    );
    ws.close();
  });

  it('a signed-off meeting is locked; a correction is a new entry', async () => {
    const ws = await open('lock');
    const m = await createMeeting(ws, 'ana', { heldOn: '2026-04-02', chair: 'Marta Ruiz', ref: 'RMC-2026-04' });
    await writeMinutes(ws, 'ana', m.ref, 'general', 'Quorum reached; the coordinator presented the plan progress.');
    await expect(addCorrection(ws, 'ana', m.ref, 'general', 'x')).rejects.toThrow(
      'meeting RMC-2026-04 is not signed off yet: edit its minutes instead',
    );
    await attendAll(ws, m.ref);
    await signOff(ws, 'marta', m.ref);
    const locked =
      /^meeting RMC-2026-04 was signed off by marta on \d{4}-\d{2}-\d{2}: its record cannot be edited; add a correction entry instead \(cip meeting correct RMC-2026-04 --item <key> --text <correction>\)$/;
    await expect(writeMinutes(ws, 'ana', m.ref, 'general', 'changed')).rejects.toThrow(locked);
    await expect(
      recordDecision(ws, 'ana', m.ref, { subjectType: 'none', outcome: 'noted', text: 'late decision' }),
    ).rejects.toThrow(locked);
    await expect(
      assignAction(ws, 'ana', m.ref, { description: 'x', ownerUnit: 'IT', dueDate: '2026-05-01' }),
    ).rejects.toThrow(locked);
    await expect(signOff(ws, 'marta', m.ref)).rejects.toThrow(locked);
    await addCorrection(ws, 'ana', m.ref, 'general', 'The quorum was reached at 10:15, not at the opening.');
    const mins = await listMinutes(ws, m.ref);
    expect(mins.map((e) => [e.kind, e.body])).toEqual([
      ['minute', 'Quorum reached; the coordinator presented the plan progress.'],
      ['correction', 'The quorum was reached at 10:15, not at the opening.'],
    ]);
    expect((await listHistory(ws, { entityType: 'meeting' })).map((e) => e.action)).toEqual([
      'meeting.correct',
      'meeting.signoff',
      'meeting.sign',
      'meeting.attendance',
      'meeting.minutes',
      'meeting.create',
    ]);
    expect((await verifyHistory(ws)).ok).toBe(true);
    ws.close();
  });
});

describe('approval gating', () => {
  it('a proposed treatment change has no effect until a meeting approves it; who/when/meeting recorded', async () => {
    const ws = await open('gate');
    const before = (await getMatrix(ws, 'general')).find((c) => c.size === 'large' && c.risk === 'high')!;
    const p = await propose(
      ws,
      'kim',
      'treatment',
      {
        size: 'large',
        risk: 'high',
        patch: { package: 'Account management with post-clearance audit', how: 'Quarterly audit plan' },
      },
      'Large high-risk operators: account management with PCA',
    );
    expect(p).toMatchObject({ id: 'P-001', target: 'general:large/high', status: 'pending' });
    const still = (await getMatrix(ws, 'general')).find((c) => c.size === 'large' && c.risk === 'high')!;
    expect(still).toEqual(before);
    const m = await createMeeting(ws, 'ana', { heldOn: '2026-05-05', chair: 'Marta Ruiz' });
    const ag = await agendaOf(ws, m.ref);
    expect(ag.filter((i) => i.kind === 'approval').map((i) => i.subjectId)).toEqual(['P-001']);
    await expect(
      recordDecision(ws, 'ana', m.ref, { subjectType: 'proposal', subjectId: 'P-001', outcome: 'noted', text: 'x' }),
    ).rejects.toThrow("a decision on proposal P-001 must approve or reject it (outcome 'noted')");
    const d = await recordDecision(ws, 'ana', m.ref, {
      itemKey: 'item:1',
      subjectType: 'proposal',
      subjectId: 'P-001',
      outcome: 'approved',
      text: 'Approved as proposed.',
    });
    expect(d.id).toBe('RMC-2026-01/D1');
    const after = (await getMatrix(ws, 'general')).find((c) => c.size === 'large' && c.risk === 'high')!;
    expect(after).toMatchObject({
      package: 'Account management with post-clearance audit',
      how: 'Quarterly audit plan',
      version: before.version + 1,
      changedBy: 'ana',
    });
    const settled = await getProposal(ws, 'P-001');
    expect(settled).toMatchObject({
      status: 'approved',
      decisionId: 'RMC-2026-01/D1',
      meetingRef: 'RMC-2026-01',
      decidedBy: 'ana',
    });
    expect(settled.decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await expect(
      recordDecision(ws, 'ana', m.ref, {
        subjectType: 'proposal',
        subjectId: 'P-001',
        outcome: 'rejected',
        text: 'again',
      }),
    ).rejects.toThrow('proposal P-001 was already approved by decision RMC-2026-01/D1');
    // the decision and the change it applied are in the history, in order
    const acts = (await listHistory(ws, { limit: 4 })).map((e) => e.action);
    expect(acts).toEqual(['approval.approve', 'treatments.set', 'meeting.decision', 'meeting.create']);
    ws.close();
  });

  it('GRI configuration and register proposals: rejected ones never apply; invalid payloads refused up front', async () => {
    const ws = await open('gate2');
    await expect(propose(ws, 'kim', 'gri_config', { patch: { levels: { method: 'bogus' } } }, 'bad')).rejects.toThrow(
      /^gri_config proposal: /,
    );
    await expect(propose(ws, 'kim', 'weights', {}, 'x')).rejects.toThrow(
      "proposal kind 'weights': expected treatment, gri_config, register",
    );
    const v0 = (await getConfig(ws)).version;
    const g = await propose(
      ws,
      'kim',
      'gri_config',
      { patch: { weights: { method: 'frequency' } } },
      'Frequency weights',
    );
    const r = await propose(
      ws,
      'kim',
      'register',
      {
        vulnerability: {
          processCode: '1.1.2',
          description: 'Manifest data filed late',
          institutionalRisk: 'processes',
          complianceRisks: 'contraband',
          effects: 'high,high,high,high',
          occurrence: '2024=Y,2025=Y',
        },
      },
      'New vulnerability: late manifests',
    );
    expect(r.target).toBe('register:new');
    // the hook for the editors: direct changes allowed until the committee requires approval
    await assertDirectChangeAllowed(ws, 'register');
    await setSetting(ws, 'ana', 'approval.register', 'true');
    await expect(assertDirectChangeAllowed(ws, 'register')).rejects.toThrow(
      "changes to the vulnerability register need the committee's approval (setting approval.register): propose it with 'cip approvals propose register' and it takes effect when a meeting decision approves it",
    );
    await expect(setSetting(ws, 'ana', 'approval.register', 'yes')).rejects.toThrow(
      "setting 'approval.register' = 'yes': expected true or false",
    );
    expect((await getConfig(ws)).version).toBe(v0);
    expect(await ws.scalar('SELECT count(*) FROM plan_vulnerabilities')).toBe(0);
    const m = await createMeeting(ws, 'ana', { heldOn: '2026-06-01', chair: 'Marta Ruiz' });
    await recordDecision(ws, 'ana', m.ref, {
      subjectType: 'proposal',
      subjectId: g.id,
      outcome: 'rejected',
      text: 'Keep expert weights until the backtest.',
    });
    expect((await getConfig(ws)).version).toBe(v0);
    await recordDecision(ws, 'ana', m.ref, {
      subjectType: 'proposal',
      subjectId: r.id,
      outcome: 'approved',
      text: 'Add to the register.',
    });
    expect(await ws.scalar('SELECT count(*) FROM plan_vulnerabilities')).toBe(1);
    expect((await getProposal(ws, r.id)).result).toEqual({ vulnerability: 'V-001', version: 1, changed: true });
    ws.close();
  });
});

describe('agenda from the plan, follow-up and exports', () => {
  it('proposes overdue measures, indicators off target and new high-priority vulnerabilities; follow-up per unit', async () => {
    const ws = await open('follow');
    await saveVulnerability(ws, 'ana', {
      processCode: '1.1.2',
      description: 'Insufficient and untimely sea manifest data',
      institutionalRisk: 'processes',
      complianceRisks: 'contraband',
      effects: 'high,high,high,high',
      occurrence: '2024=Y,2025=Y',
    });
    await saveMeasure(ws, 'ana', {
      vulnId: 'V-001',
      description: 'Amend the operational manual',
      responsibleUnit: 'Operations',
      supportingUnits: [],
      expectedDate: '2026-01-31',
      expectedComment: null,
      dependsOn: [],
      status: 'planned',
      completedOn: null,
    });
    await saveMeasure(ws, 'ana', {
      vulnId: 'V-001',
      description: 'Cargo status monitoring',
      responsibleUnit: 'IT',
      supportingUnits: [],
      expectedDate: '2026-12-31',
      expectedComment: null,
      dependsOn: [],
      status: 'planned',
      completedOn: null,
    });
    const { indicator } = await saveIndicator(ws, 'ana', {
      vulnId: 'V-001',
      measureId: null,
      name: 'Shipping lines filing in advance',
      numeratorLabel: 'lines filing',
      denominatorLabel: 'lines',
      goal: 100,
    });
    await recordIndicatorValue(ws, 'ana', indicator.id, '2025', 12, 43);
    const m1 = await createMeeting(ws, 'ana', { heldOn: '2026-02-15', chair: 'Marta Ruiz' });
    expect((await agendaOf(ws, m1.ref)).map((i) => `${i.kind}:${i.subjectId}`)).toEqual([
      'overdue_measure:M-001',
      'indicator_off_target:I-001',
      'high_priority_vulnerability:V-001',
    ]);
    await assignAction(ws, 'ana', m1.ref, {
      description: 'Report on the manual',
      ownerUnit: 'Operations',
      dueDate: '2026-03-01',
    });
    await assignAction(ws, 'ana', m1.ref, {
      description: 'Draft the monitoring spec',
      ownerUnit: 'IT',
      dueDate: '2026-03-20',
    });
    await attendAll(ws, m1.ref);
    await signOff(ws, 'marta', m1.ref);
    // the vulnerability was discussed already: not "new" at the next meeting
    const m2 = await createMeeting(ws, 'ana', { heldOn: '2026-04-01', chair: 'Marta Ruiz' });
    expect((await agendaOf(ws, m2.ref)).map((i) => `${i.kind}:${i.subjectId}`)).toEqual([
      'overdue_measure:M-001',
      'indicator_off_target:I-001',
      'action:A-001',
      'action:A-002',
    ]);
    const od = await overdueByUnit(ws, '2026-03-10');
    expect(
      od.map((u) => [
        u.unit,
        u.overdueActions.map((a) => `${a.id}+${a.daysLate}`),
        u.overdueMeasures.map((m) => `${m.id}+${m.daysLate}`),
      ]),
    ).toEqual([['Operations', ['A-001+9'], ['M-001+38']]]);
    expect((await reminders(ws, '2026-03-15')).map((r) => `${r.kind} ${r.actionId} ${r.days}`)).toEqual([
      'overdue A-001 14',
      'due_soon A-002 5',
    ]);
    // the plan's sentences travel as keys: the same agenda and reminders in the reader's language
    expect((await agendaOf(ws, m2.ref, 'es')).slice(0, 2).map((i) => i.title)).toEqual([
      'Medida vencida M-001 (Operations, prevista para el 2026-01-31): Amend the operational manual',
      'Indicador I-001 fuera de meta: Shipping lines filing in advance 27,9 % en 2025 (meta 100 %)',
    ]);
    expect((await agendaOf(ws, m2.ref, 'en'))[0].title).toBe(
      'Overdue measure M-001 (Operations, due 2026-01-31): Amend the operational manual',
    );
    expect((await reminders(ws, '2026-03-15', {}, 'fr')).map((r) => r.message)[1]).toMatch(
      /^L'action A-002 \(.+\) arrive à échéance dans 5 jour\(s\), le 2026-03-20 : /,
    );
    await expect(sendEmailReminders(ws, 'ana', '2026-03-15')).rejects.toThrow(
      "e-mail reminders are off (the default); turn them on with 'cip committee settings set email.enabled true'",
    );
    await setSetting(ws, 'ana', 'email.enabled', 'true');
    const sent = await sendEmailReminders(ws, 'ana', '2026-03-15');
    expect(sent.written.map((f) => f.split('/').at(-1))).toEqual(['2026-03-15-A-001-overdue.eml']); // IT has no member with an address
    expect(readFileSync(sent.written[0], 'utf8')).toContain('To: luis@customs.example');
    expect((await sendEmailReminders(ws, 'ana', '2026-03-15')).written).toEqual([]); // never twice
    const rep = await headReport(ws, '2026-03-15');
    expect(rep.measures).toMatchObject({ total: 2, done: 0, late: 1 });
    expect(rep.indicators).toEqual([
      {
        id: 'I-001',
        name: 'Shipping lines filing in advance',
        period: '2025',
        value: 27.9,
        goal: 100,
        onTarget: false,
      },
    ]);
    expect(rep.pending).toMatchObject({ openActions: 2, overdueActions: 1 });
    // exports: the minutes workbook holds the meeting, its actions; the decision log every decision
    await recordDecision(ws, 'ana', m2.ref, {
      itemKey: 'item:1',
      subjectType: 'measure',
      subjectId: 'M-001',
      outcome: 'instructed',
      text: 'Operations to finish the manual by June.',
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await minutesXlsx(ws, m2.ref)) as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'Meeting',
      'Attendees',
      'Signatures',
      'Minutes',
      'Decisions',
      'Actions',
    ]);
    expect(wb.getWorksheet('Decisions')!.getRow(2).values).toEqual([
      undefined,
      'RMC-2026-02/D1',
      'item:1',
      'measure',
      'M-001',
      'instructed',
      'Operations to finish the manual by June.',
      'ana',
    ]);
    expect(wb.getWorksheet('Actions')!.getColumn(1).values.slice(2)).toEqual(['A-001', 'A-002']);
    const log = new ExcelJS.Workbook();
    await log.xlsx.load((await decisionLogXlsx(ws)) as never);
    expect(log.getWorksheet('Decision log')!.rowCount).toBe(2);
    expect(existsSync(ws.dir)).toBe(true);
    ws.close();
  });
});
