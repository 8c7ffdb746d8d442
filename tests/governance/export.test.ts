// The Word minutes: attendees as on the day, items with their minutes and decisions, corrections marked as such,
// carried actions with their origin — in the workspace language.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import {
  addCorrection,
  assignAction,
  createMeeting,
  recordDecision,
  saveMember,
  signOff,
  getMeeting,
  recordAttendance,
  updateAction,
  writeMinutes,
} from '../../src/governance/index.ts';
import { decisionLogDocx, minutesDocx } from '../../src/governance/export.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** Everyone called is recorded present (sign-off needs the attendance of every member). */
const attendAll = async (ws: Workspace, ref: string) =>
  recordAttendance(ws, 'ana', ref, { present: (await getMeeting(ws, ref)).attendees.map((a) => a.memberId) });

const text = (buf: Buffer, dir: string, name: string) => {
  const f = join(dir, name);
  writeFileSync(f, buf);
  return execFileSync('unzip', ['-p', f, 'word/document.xml'], { encoding: 'utf8' })
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
};

describe('minutes and decision log (Word)', () => {
  it('holds the record of the meeting, with corrections and carried actions, in English and Spanish', async () => {
    const dir = tmpDir();
    const ws = await Workspace.open(join(dir, 'w'), { create: true });
    await saveMember(ws, 'ana', { name: 'Marta Ruiz', role: 'head', unit: 'Head office', account: 'marta' });
    const m1 = await createMeeting(ws, 'ana', { heldOn: '2026-01-20', chair: 'Marta Ruiz' });
    await assignAction(ws, 'ana', m1.ref, {
      description: 'Reconcile manifests',
      ownerUnit: 'Operations',
      dueDate: '2026-03-31',
    });
    await attendAll(ws, m1.ref);
    await signOff(ws, 'marta', m1.ref);
    const m2 = await createMeeting(ws, 'ana', { heldOn: '2026-04-20', chair: 'Marta Ruiz' });
    await writeMinutes(ws, 'ana', m2.ref, 'action:A-001', 'Operations reported all ports reconciled.');
    await updateAction(ws, 'ana', 'A-001', { status: 'closed', ref: m2.ref });
    await recordDecision(ws, 'ana', m2.ref, {
      itemKey: 'action:A-001',
      subjectType: 'action',
      subjectId: 'A-001',
      outcome: 'noted',
      text: 'Action closed.',
    });
    await attendAll(ws, m2.ref);
    await signOff(ws, 'marta', m2.ref);
    await addCorrection(ws, 'ana', m2.ref, 'action:A-001', 'All ports but Port B were reconciled.');
    const en = text(await minutesDocx(ws, m2.ref), dir, 'en.docx');
    expect(en).toContain('Risk-Management Committee — minutes of meeting RMC-2026-02');
    expect(en).toContain('Date: 2026-04-20. Chair: Marta Ruiz.');
    expect(en).toMatch(/Signed off by marta on \d{4}-\d{2}-\d{2}\./);
    expect(en).toContain('Marta Ruiz Head of customs Head office');
    expect(en).toContain('1. Action A-001 (Operations, due 2026-03-31, from RMC-2026-01): Reconcile manifests');
    expect(en).toContain('Operations reported all ports reconciled.');
    expect(en).toMatch(/Correction \(ana, \d{4}-\d{2}-\d{2}\): All ports but Port B were reconciled\./);
    expect(en).toContain('Decision RMC-2026-02/D1 (noted): Action closed.');
    expect(en).toContain('A-001 Reconcile manifests Operations 2026-03-31 closed carried from RMC-2026-01');
    await ws.setSetting('language', 'es');
    const es = text(await minutesDocx(ws, m2.ref), dir, 'es.docx');
    expect(es).toContain('Comité de Gestión de Riesgos — acta de la reunión RMC-2026-02');
    expect(es).toContain('Marta Ruiz Director(a) general de aduanas Head office');
    expect(es).toContain('arrastrada de RMC-2026-01');
    expect(es).toContain('Decisión RMC-2026-02/D1 (tomada en cuenta): Action closed.');
    // The decision log in the workspace language (Spanish), and in the reader's language when one is given.
    const log = text(await decisionLogDocx(ws), dir, 'log.docx');
    expect(log).toContain('RMC-2026-02/D1 RMC-2026-02 2026-04-20 acción A-001 tomada en cuenta Action closed. ana');
    const logEn = text(await decisionLogDocx(ws, 'en'), dir, 'log-en.docx');
    expect(logEn).toContain('RMC-2026-02/D1 RMC-2026-02 2026-04-20 action A-001 noted Action closed. ana');
    ws.close();
  });
});
