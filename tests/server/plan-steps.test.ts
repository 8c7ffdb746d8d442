// The plan steps that were CLI-only, through the API (issue #12): measures and dependencies, progress indicators,
// applying a treatment to a segment, retiring a vulnerability (directly, or as a proposal while approval is
// required), resetting a password. Refusals carry the domain's message and status and write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';
import { listHistory } from '../../src/history/history.ts';
import {
  ACCOUNTS,
  PASSWORD,
  call,
  login,
  seedLines,
  startTestServer,
  type Session,
  type TestServer,
} from './helpers.ts';

let srv: TestServer;
let director: Session;
let auditor: Session;

const VULN = {
  processCode: '1.1.1',
  description: 'Insufficient and untimely sea manifest data',
  institutionalRisk: 'information',
  complianceRisks: ['valuation'],
  effects: {
    institutional_image: 'medium',
    security_safety: 'high',
    tax_collection: 'high',
    trade_facilitation: 'medium',
  },
  occurrence: [['2023', 'Y'] as [string, 'Y']],
};

beforeAll(async () => {
  srv = await startTestServer(async (ws) => {
    await seedLines(ws);
    await computeSegmentation(ws);
    await saveVulnerability(ws, 'setup', VULN); // V-001
    await saveVulnerability(ws, 'setup', { ...VULN, processCode: '1.1.2', description: 'Manual release' }); // V-002
  });
  director = await login(srv.app, ACCOUNTS.director.username);
  auditor = await login(srv.app, ACCOUNTS.auditor.username);
});
afterAll(() => srv.close());

/** What a refused request must not change. */
const footprint = async () => ({
  history: Number(await srv.ws.scalar('SELECT count(*) FROM history')),
  measures: Number(await srv.ws.scalar('SELECT count(*) FROM plan_measures')),
  indicators: Number(await srv.ws.scalar('SELECT count(*) FROM plan_indicators')),
  applied: Number(await srv.ws.scalar('SELECT count(*) FROM treatments_applied')),
  vulns: Number(await srv.ws.scalar('SELECT count(*) FROM plan_vulnerabilities')),
  proposals: Number(await srv.ws.scalar('SELECT count(*) FROM gov_proposals')),
});

async function refused(method: string, url: string, body: unknown, status: number, error: string, who = director) {
  const before = await footprint();
  const r = await call(srv.app, who, method, url, body);
  expect(r.json(), url).toEqual({ error });
  expect(r.statusCode, url).toBe(status);
  expect(await footprint(), url).toEqual(before);
}

describe('measures and dependencies', () => {
  it('adds measures with expected completion as a date, a month or a comment, and their dependencies', async () => {
    const a = await call(srv.app, director, 'POST', '/api/plan/measures', {
      vulnId: 'V-001',
      description: 'Amend the customs code: mandatory transmission of sea manifest data',
      responsibleUnit: 'Legal division',
      supportingUnits: ['Risk management', ' '],
      expected: '2026-06',
    });
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({
      id: 'M-001',
      version: 1,
      expectedDate: '2026-06-30',
      expectedComment: null,
      supportingUnits: ['Risk management'],
      dependsOn: [],
      status: 'planned',
      changedBy: 'director',
    });
    const b = await call(srv.app, director, 'POST', '/api/plan/measures', {
      vulnId: 'V-001',
      description: 'Risk rules on manifest data in the selectivity system',
      responsibleUnit: 'Risk management',
      expected: 'In the upcoming customs reform package',
      dependsOn: ['M-001'],
    });
    expect(b.json()).toMatchObject({ id: 'M-002', expectedDate: null, dependsOn: ['M-001'] });
    expect(b.json().expectedComment).toBe('In the upcoming customs reform package');
    const h = await listHistory(srv.ws, { entityType: 'measure' });
    expect(h.map((e) => [e.action, e.entity_id, e.actor])).toEqual([
      ['measures.add', 'M-002', 'director'],
      ['measures.add', 'M-001', 'director'],
    ]);
  });

  it('refuses what the CLI refuses, with its message, and writes nothing', async () => {
    await refused(
      'POST',
      '/api/plan/measures',
      { vulnId: 'V-404', description: 'x', responsibleUnit: 'IT' },
      404,
      "no vulnerability 'V-404' in the register (see 'cip register list')",
    );
    await refused(
      'POST',
      '/api/plan/measures',
      { vulnId: 'V-001', description: 'x', responsibleUnit: 'IT', dependsOn: ['M-404'] },
      400,
      "measure M-003 depends on 'M-404', which does not exist",
    );
    await refused(
      'POST',
      '/api/plan/measures',
      { vulnId: 'V-001', description: 'x', responsibleUnit: 'IT', id: 'M-001' },
      409,
      "measure M-001 already exists: change it with 'cip measures set M-001'",
    );
    await refused(
      'POST',
      '/api/plan/measures',
      { vulnId: 'V-001', description: 'x', responsibleUnit: 'IT', expected: '2026-13' },
      400,
      "expected completion '2026-13' is not a valid month",
    );
    await refused(
      'POST',
      '/api/plan/measures/M-001/dependencies',
      { on: ['M-002'] },
      400,
      "dependency refused: M-001 depending on M-002 would create a cycle (M-001 → M-002 → M-001); 'A → B' reads 'A depends on B'",
    );
    await refused(
      'POST',
      '/api/plan/measures',
      { vulnId: 'V-001', description: 'x', responsibleUnit: 'IT' },
      403,
      "your role (auditor) does not give 'plan.write'",
      auditor,
    );
  });

  it('adds and removes dependencies, all or nothing', async () => {
    await call(srv.app, director, 'POST', '/api/plan/measures', {
      vulnId: 'V-001',
      description: 'Train the offices',
      responsibleUnit: 'Training',
    }); // M-003
    await refused(
      'POST',
      '/api/plan/measures/M-003/dependencies',
      { on: ['M-001', 'M-404'] },
      404,
      "no measure 'M-404' (see 'cip measures list')",
    );
    const r = await call(srv.app, director, 'POST', '/api/plan/measures/M-003/dependencies', {
      on: ['M-002', 'M-001'],
    });
    expect(r.json()).toMatchObject({ id: 'M-003', dependsOn: ['M-001', 'M-002'], version: 3 });
    const u = await call(srv.app, director, 'POST', '/api/plan/measures/M-003/dependencies', {
      on: ['M-002'],
      remove: true,
    });
    expect(u.json()).toMatchObject({ dependsOn: ['M-001'], version: 4 });
  });
});

describe('progress indicators', () => {
  it('defines an indicator of a measure and records a value; refuses a measure of another vulnerability', async () => {
    const r = await call(srv.app, director, 'POST', '/api/plan/indicators', {
      vulnId: 'V-001',
      measureId: 'M-001',
      name: 'Share of manifests received 24 hours before arrival',
      numeratorLabel: 'manifests received in time',
      denominatorLabel: 'manifests',
      goal: 100,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: 'I-001', goal: 100, values: [], change: null });
    const v = await call(srv.app, director, 'POST', '/api/plan/indicators/I-001/values', {
      period: '2025',
      numerator: 5478,
      denominator: 16392,
    });
    expect(v.json().values).toEqual([
      { period: '2025', numerator: 5478, denominator: 16392, value: 33.4, recordedBy: 'director' },
    ]);
    await refused(
      'POST',
      '/api/plan/indicators',
      { vulnId: 'V-002', measureId: 'M-001', name: 'x', numeratorLabel: 'a', denominatorLabel: 'b' },
      400,
      'measure M-001 treats V-001, not V-002',
    );
    await refused(
      'POST',
      '/api/plan/indicators',
      { vulnId: 'V-001', name: ' ', numeratorLabel: 'a', denominatorLabel: 'b' },
      400,
      'an indicator needs a name, a numerator and a denominator',
    );
  });
});

describe('applying a treatment to a segment', () => {
  it('counts on a dry run, records every operator of the segment once, and refuses an empty segment', async () => {
    const cells = await srv.ws.all<{ size: string; risk: string; n: number }>(
      `SELECT s.size, r.risk, count(o.operator_id)::INTEGER AS n
       FROM (VALUES ('large'), ('medium'), ('small')) s(size) CROSS JOIN (VALUES ('high'), ('medium'), ('low')) r(risk)
       LEFT JOIN operator_segments o ON o.size_segment = s.size AND o.risk_level = r.risk GROUP BY ALL ORDER BY n DESC, 1, 2`,
    );
    const full = cells[0];
    const empty = cells.find((c) => c.n === 0)!;
    expect(full.n).toBeGreaterThan(0);
    const url = `/api/plan/treatments/${full.size}/${full.risk}/apply`;
    const before = await footprint();
    const dry = await call(srv.app, director, 'POST', url, { start: '2026-01-01', dryRun: true });
    expect(dry.json()).toMatchObject({
      operatorsInSegment: full.n,
      recorded: full.n,
      alreadyRecorded: 0,
      dryRun: true,
    });
    expect(await footprint()).toEqual(before);
    const r = await call(srv.app, director, 'POST', url, { start: '2026-01-01', name: 'Enhanced engagement' });
    expect(r.json()).toEqual({
      matrix: 'general',
      segment: `${full.size}/${full.risk}`,
      treatment: 'Enhanced engagement',
      startDate: '2026-01-01',
      operatorsInSegment: full.n,
      recorded: full.n,
      alreadyRecorded: 0,
      dryRun: false,
    });
    expect(
      Number(await srv.ws.scalar("SELECT count(*) FROM treatments_applied WHERE treatment = 'Enhanced engagement'")),
    ).toBe(full.n);
    const again = await call(srv.app, director, 'POST', url, { start: '2026-01-01', name: 'Enhanced engagement' });
    expect(again.json()).toMatchObject({ recorded: 0, alreadyRecorded: full.n });
    const h = await listHistory(srv.ws, { action: 'treatments.apply' });
    expect(h.map((e) => [e.entity_id, e.actor])).toEqual([[`general:${full.size}/${full.risk}`, 'director']]);
    await refused(
      'POST',
      `/api/plan/treatments/${empty.size}/${empty.risk}/apply`,
      { start: '2026-01-01' },
      409,
      `segment ${empty.size}/${empty.risk} has no operators in the latest segmentation; nothing recorded`,
    );
    await refused('POST', url, { start: '1 March' }, 400, "start date '1 March' is not a date (expected YYYY-MM-DD)");
  });
});

describe('retiring a vulnerability', () => {
  it('is refused while register changes need approval; proposed instead, it applies once a meeting approves', async () => {
    const coord = await login(srv.app, ACCOUNTS.coordinator.username);
    await call(srv.app, coord, 'PUT', '/api/governance/settings/approval.register', { value: true });
    await refused(
      'POST',
      '/api/plan/register/V-002/retire',
      { reason: 'entered twice' },
      409,
      "changes to the vulnerability register need the committee's approval (setting approval.register): propose it with 'cip approvals propose register' and it takes effect when a meeting decision approves it",
    );
    const p = await call(srv.app, director, 'POST', '/api/governance/proposals', {
      kind: 'register',
      summary: 'Retire V-002: entered twice',
      payload: { retire: { id: 'V-002', reason: 'entered twice' } },
    });
    expect(p.json()).toMatchObject({ id: 'P-001', target: 'register:V-002', status: 'pending', changes: [] });
    await refused(
      'POST',
      '/api/governance/proposals',
      { kind: 'register', summary: 'x', payload: { retire: { id: 'V-404', reason: 'x' } } },
      400,
      "register proposal: no vulnerability 'V-404' in the register (see 'cip register list')",
    );
    await call(srv.app, coord, 'POST', '/api/governance/members', { name: 'Marta Ruiz', role: 'head' });
    await call(srv.app, coord, 'POST', '/api/governance/meetings', { heldOn: '2026-05-04', chair: 'MEM-001' });
    const d = await call(srv.app, coord, 'POST', '/api/governance/meetings/RMC-2026-01/decisions', {
      subjectType: 'proposal',
      subjectId: 'P-001',
      outcome: 'approved',
      text: 'Approved.',
    });
    expect(d.statusCode).toBe(200);
    const list = (await call(srv.app, director, 'GET', '/api/plan/register')).json() as { id: string }[];
    expect(list.map((v) => v.id)).toEqual(['V-001']);
    await call(srv.app, coord, 'PUT', '/api/governance/settings/approval.register', { value: false });
  });

  it('retires directly when no approval is required; a second time is a conflict', async () => {
    const v = await call(srv.app, director, 'POST', '/api/plan/register', { ...VULN, processCode: '2.1.1' });
    const id = v.json().id as string;
    await refused(
      'POST',
      `/api/plan/register/${id}/retire`,
      { reason: ' ' },
      400,
      'give a reason for retiring a vulnerability',
    );
    const r = await call(srv.app, director, 'POST', `/api/plan/register/${id}/retire`, {
      reason: 'no longer relevant',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id, version: 2 });
    await refused(
      'POST',
      `/api/plan/register/${id}/retire`,
      { reason: 'again' },
      409,
      `vulnerability ${id} is already retired`,
    );
    const h = await listHistory(srv.ws, { entityType: 'vulnerability', entityId: id });
    expect(h.map((e) => [e.action, e.actor])).toEqual([
      ['register.retire', 'director'],
      ['register.add', 'director'],
    ]);
  });
});

describe("resetting another user's password", () => {
  it('generates one shown once, ends the sessions, and the new password signs in', async () => {
    const admin = await login(srv.app, ACCOUNTS.admin.username);
    const victim = await login(srv.app, ACCOUNTS.subcommittee.username);
    await refused(
      'POST',
      '/api/users/subcommittee/password',
      {},
      403,
      "your role (director) does not give 'users.manage'",
    );
    await refused(
      'POST',
      '/api/users/subcommittee/password',
      { password: 'short' },
      400,
      'password must have at least 10 characters',
      admin,
    );
    await refused('POST', '/api/users/nobody/password', {}, 404, "no user 'nobody'", admin);
    const r = await call(srv.app, admin, 'POST', '/api/users/subcommittee/password', {});
    expect(r.statusCode).toBe(200);
    const { username, password } = r.json() as { username: string; password: string };
    expect(username).toBe('subcommittee');
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await call(srv.app, victim, 'GET', '/api/me')).statusCode).toBe(401);
    await expect(login(srv.app, 'subcommittee', PASSWORD)).rejects.toThrow(/401/);
    expect((await login(srv.app, 'subcommittee', password)).username).toBe('subcommittee');
    const given = await call(srv.app, admin, 'POST', '/api/users/subcommittee/password', {
      password: 'a-new-password-1',
    });
    expect(given.json()).toEqual({ username: 'subcommittee', password: null });
    const h = await listHistory(srv.ws, { entityType: 'user', entityId: 'subcommittee', action: 'users.password' });
    expect(h.map((e) => [e.actor, JSON.parse(e.after_json!).password])).toEqual([
      ['admin', 'changed'],
      ['admin', 'changed'],
    ]);
  });
});
