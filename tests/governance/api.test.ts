// The HTTP API: a signed-off meeting refuses edits (409, clear message) and accepts corrections; a proposed
// treatment change shows no effect until a meeting approves it; exports are real docx/xlsx files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, call, login, startTestServer, type Session, type TestServer } from '../server/helpers.ts';

let srv: TestServer;
let coord: Session;
let head: Session;
let auditor: Session;

beforeAll(async () => {
  srv = await startTestServer();
  coord = await login(srv.app, ACCOUNTS.coordinator.username);
  head = await login(srv.app, ACCOUNTS.head.username);
  auditor = await login(srv.app, ACCOUNTS.auditor.username);
});
afterAll(() => srv.close());

const cell = async () =>
  (
    (await call(srv.app, coord, 'GET', '/api/plan/treatments')).json().cells as {
      size: string;
      risk: string;
      package: string;
      version: number;
    }[]
  ).find((c) => c.size === 'medium' && c.risk === 'high')!;

describe('governance API', () => {
  it('holds a meeting, approves a proposal, signs off, refuses edits, accepts a correction', async () => {
    const m = await call(srv.app, coord, 'POST', '/api/governance/members', {
      name: 'Marta Ruiz',
      role: 'head',
      unit: 'HQ',
      account: 'head',
    });
    expect(m.statusCode).toBe(200);
    const before = await cell();
    const p = await call(srv.app, coord, 'POST', '/api/governance/proposals', {
      kind: 'treatment',
      summary: 'Medium/high: desk audits',
      payload: { size: 'medium', risk: 'high', patch: { package: 'Desk audits and targeted controls' } },
    });
    expect(p.json()).toMatchObject({ id: 'P-001', status: 'pending' });
    expect(await cell()).toEqual(before);
    const mt = await call(srv.app, coord, 'POST', '/api/governance/meetings', {
      heldOn: '2026-04-15',
      chair: 'Marta Ruiz',
    });
    expect(mt.statusCode).toBe(200);
    expect(mt.json()).toMatchObject({
      ref: 'RMC-2026-01',
      attendees: [{ name: 'Marta Ruiz', role: 'head' }],
      agenda: [{ key: 'item:1', kind: 'approval', subjectId: 'P-001' }],
    });
    const d = await call(srv.app, coord, 'POST', '/api/governance/meetings/RMC-2026-01/decisions', {
      itemKey: 'item:1',
      subjectType: 'proposal',
      subjectId: 'P-001',
      outcome: 'approved',
      text: 'Approved.',
    });
    expect(d.statusCode).toBe(200);
    expect(await cell()).toMatchObject({ package: 'Desk audits and targeted controls', version: before.version + 1 });
    expect((await call(srv.app, coord, 'GET', '/api/governance/proposals')).json()[0]).toMatchObject({
      status: 'approved',
      decidedBy: 'coordinator',
      meetingRef: 'RMC-2026-01',
    });
    const att = await call(srv.app, coord, 'PUT', '/api/governance/meetings/RMC-2026-01/attendance', {
      present: ['MEM-001'],
    });
    expect(att.json().attendees).toMatchObject([{ memberId: 'MEM-001', present: true }]);
    // the coordinator prepared the record but is not the chair: refused; the chair (account 'head') signs it off
    const notChair = await call(srv.app, coord, 'POST', '/api/governance/meetings/RMC-2026-01/signoff');
    expect(notChair.statusCode).toBe(403);
    expect(notChair.json().error).toBe(
      "'coordinator' is not linked to a committee member: only the chair MEM-001 (Marta Ruiz) or a delegate named in the terms of reference (none named) can sign off the minutes of RMC-2026-01",
    );
    const signed = await call(srv.app, head, 'POST', '/api/governance/meetings/RMC-2026-01/signoff');
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({
      status: 'signed',
      signedBy: 'head',
      signatures: [{ memberId: 'MEM-001', account: 'head', capacity: 'chair' }],
    });
    const refused = await call(srv.app, coord, 'POST', '/api/governance/meetings/RMC-2026-01/minutes', {
      itemKey: 'item:1',
      text: 'rewrite',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatch(
      /^meeting RMC-2026-01 was signed off by head on \d{4}-\d{2}-\d{2}: its record cannot be edited; add a correction entry instead/,
    );
    expect(
      (
        await call(srv.app, coord, 'POST', '/api/governance/meetings/RMC-2026-01/actions', {
          description: 'x',
          ownerUnit: 'HQ',
          dueDate: '2026-05-01',
        })
      ).statusCode,
    ).toBe(409);
    const corr = await call(srv.app, coord, 'POST', '/api/governance/meetings/RMC-2026-01/corrections', {
      itemKey: 'item:1',
      text: 'Approved unanimously.',
    });
    expect(corr.json()).toMatchObject({ kind: 'correction', author: 'coordinator' });
    // the auditor may read and export but not change
    expect(
      (
        await call(srv.app, auditor, 'POST', '/api/governance/meetings/RMC-2026-01/corrections', {
          itemKey: 'item:1',
          text: 'x',
        })
      ).statusCode,
    ).toBe(403);
    const docx = await call(srv.app, auditor, 'GET', '/api/governance/meetings/RMC-2026-01/minutes.docx');
    expect(docx.statusCode).toBe(200);
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const hist = (await call(srv.app, coord, 'GET', '/api/history?limit=3')).json();
    expect(JSON.stringify(hist)).toContain('meeting.correct');
  });

  it('direct edits of what the committee must approve are refused with 409 while approval is required', async () => {
    const cases: [string, 'PUT' | 'POST', string, Record<string, unknown>][] = [
      [
        'approval.gri_config',
        'PUT',
        '/api/gri/rescore',
        { levels: { method: 'manual', manual: { medium: 0.05, high: 0.2 } } },
      ],
      ['approval.treatment', 'PUT', '/api/plan/treatments/small/low', { package: 'General information only' }],
      [
        'approval.register',
        'POST',
        '/api/plan/register',
        {
          processCode: '9.9.9',
          description: 'x',
          institutionalRisk: 'legal_framework',
          complianceRisks: [],
          effects: {},
          occurrence: [],
        },
      ],
    ];
    for (const [key, method, url, body] of cases) {
      expect((await call(srv.app, coord, 'PUT', `/api/governance/settings/${key}`, { value: true })).statusCode).toBe(
        200,
      );
      const r = await call(srv.app, coord, method, url, body);
      expect(r.statusCode, url).toBe(409);
      expect(r.json().error).toContain(`need the committee's approval (setting ${key})`);
      expect((await call(srv.app, coord, 'PUT', `/api/governance/settings/${key}`, { value: false })).statusCode).toBe(
        200,
      );
    }
    // approval off again: the same direct edit goes through
    expect((await call(srv.app, coord, 'PUT', '/api/plan/treatments/small/low', cases[1][3])).statusCode).toBe(200);
  });

  it('terms of reference name the chair’s delegates; accounts are one per member; refusals write nothing', async () => {
    const count = async () => ({
      terms: Number(await srv.ws.scalar('SELECT count(*) FROM gov_terms')),
      members: Number(await srv.ws.scalar('SELECT count(*) FROM gov_members')),
      history: Number(await srv.ws.scalar('SELECT count(*) FROM history')),
    });
    const before = await count();
    const dup = await call(srv.app, coord, 'POST', '/api/governance/members', {
      name: 'Eva Díaz',
      role: 'director',
      account: 'head',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toBe("account 'head' is already linked to committee member MEM-001 (Marta Ruiz)");
    const empty = await call(srv.app, coord, 'PUT', '/api/governance/terms', { delegates: ['MEM-001'] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toBe('the terms of reference are empty');
    const noAccount = await call(srv.app, coord, 'POST', '/api/governance/members', {
      name: 'Kim Lee',
      role: 'subcommittee',
    });
    expect(noAccount.json()).toMatchObject({ id: 'MEM-002', account: null });
    const after = await count();
    const bad = await call(srv.app, coord, 'PUT', '/api/governance/terms', {
      title: 'RMC terms',
      body: 'The committee meets quarterly.',
      delegates: ['MEM-002'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe(
      'delegate MEM-002 (Kim Lee) has no account to sign with: link one first (cip committee set MEM-002 --account <user>)',
    );
    expect(await count()).toEqual(after);
    expect(after.members).toBe(before.members + 1);
    const ok = await call(srv.app, coord, 'PUT', '/api/governance/terms', {
      title: 'RMC terms',
      body: 'The committee meets quarterly.',
      delegates: ['MEM-001'],
    });
    expect(ok.json()).toMatchObject({
      version: 1,
      title: 'RMC terms',
      delegates: ['MEM-001'],
      changedBy: 'coordinator',
    });
    const committee = (await call(srv.app, auditor, 'GET', '/api/governance/committee')).json();
    expect(committee.terms.delegates).toEqual(['MEM-001']);
    expect(committee.members.map((m: { id: string; account: string | null }) => [m.id, m.account])).toEqual([
      ['MEM-001', 'head'],
      ['MEM-002', null],
    ]);
  });
});
