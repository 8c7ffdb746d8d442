// CLI and API share the rules (issue #12): the same refusal, word for word, whether it comes from `cip` (exit 1,
// message on stderr) or from the HTTP API (JSON error with the status of its kind) — and the same outcome when
// accepted. Two identical workspaces: one driven by the CLI, one served in-process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Workspace } from '../../src/workspace/workspace.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';
import { addMeasure } from '../../src/plan/measures/store.ts';
import { createMeeting, saveMember, setSetting, writeMinutes } from '../../src/governance/index.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import {
  call,
  login,
  seedLines,
  seedOperators,
  startTestServer,
  type Session,
  type TestServer,
} from '../server/helpers.ts';

/** The same state in both workspaces: lines, a GRI run, two measures, a committee, an open meeting. */
async function seed(ws: Workspace) {
  await seedLines(ws);
  await computeSegmentation(ws);
  await saveVulnerability(ws, 'setup', {
    processCode: '1.1.1',
    description: 'Insufficient and untimely sea manifest data',
    institutionalRisk: 'information',
    complianceRisks: [],
    effects: {
      institutional_image: 'medium',
      security_safety: 'high',
      tax_collection: 'high',
      trade_facilitation: 'low',
    },
    occurrence: [['2023', 'Y']],
  });
  await addMeasure(ws, 'setup', { vulnId: 'V-001', description: 'Amend the code', responsibleUnit: 'Legal' });
  await addMeasure(ws, 'setup', {
    vulnId: 'V-001',
    description: 'Risk rules',
    responsibleUnit: 'Risk',
    dependsOn: ['M-001'],
  });
  await saveMember(ws, 'setup', { name: 'Marta Ruiz', role: 'head', account: 'head' });
  await saveMember(ws, 'setup', { name: 'Ana Costa', role: 'coordinator', account: 'coordinator' });
  await createMeeting(ws, 'coordinator', { heldOn: '2026-04-15', chair: 'MEM-001' });
  await writeMinutes(ws, 'coordinator', 'RMC-2026-01', 'general', 'Quorum reached.');
}

let dir: string;
let srv: TestServer;
let coord: Session;
let emptyCell: string;

beforeAll(async () => {
  dir = join(tmpDir(), 'cli');
  const ws = await Workspace.open(dir, { create: true });
  await seedOperators(ws);
  await seed(ws);
  emptyCell = (await ws.scalar<string>(
    `SELECT s.size || ' ' || r.risk FROM (VALUES ('large'), ('medium'), ('small')) s(size)
     CROSS JOIN (VALUES ('high'), ('medium'), ('low')) r(risk)
     WHERE NOT EXISTS (SELECT 1 FROM operator_segments o WHERE o.size_segment = s.size AND o.risk_level = r.risk)
     ORDER BY 1 LIMIT 1`,
  ))!;
  ws.close();
  srv = await startTestServer(seed);
  coord = await login(srv.app, 'coordinator');
}, 300_000);
afterAll(() => srv?.close());

const CLI_TIMEOUT = 120_000;

/** Runs a refused command both ways: same message; exit 1 and the given status. */
async function same(args: string[], method: string, url: string, body: unknown, status: number) {
  const r = cip([...args, '-w', dir, '--user', 'coordinator']);
  const a = await call(srv.app, coord, method, url, body);
  expect(a.statusCode, url).toBe(status);
  expect(r.code, args.join(' ')).toBe(1);
  expect(r.stderr).toBe(`error: ${a.json().error}\n`);
  return a.json().error as string;
}

describe('CLI and API refuse alike', () => {
  it(
    'a sign-off by someone who is neither the chair nor a delegate',
    async () => {
      const msg = await same(
        ['meeting', 'sign-off', 'RMC-2026-01'],
        'POST',
        '/api/governance/meetings/RMC-2026-01/signoff',
        undefined,
        409,
      );
      expect(msg).toBe(
        'record the attendance of MEM-001 (Marta Ruiz), MEM-002 (Ana Costa) at RMC-2026-01 before signing its minutes off (cip meeting attendance RMC-2026-01 --present <ids> --absent <ids>)',
      );
      expect(cip(['meeting', 'attendance', 'RMC-2026-01', '--present', 'MEM-001,MEM-002', '-w', dir]).code).toBe(0);
      await call(srv.app, coord, 'PUT', '/api/governance/meetings/RMC-2026-01/attendance', {
        present: ['MEM-001', 'MEM-002'],
      });
      expect(
        await same(
          ['meeting', 'sign-off', 'RMC-2026-01'],
          'POST',
          '/api/governance/meetings/RMC-2026-01/signoff',
          undefined,
          403,
        ),
      ).toBe(
        'only the chair MEM-001 (Marta Ruiz) or a delegate named in the terms of reference (none named) can sign off the minutes of RMC-2026-01',
      );
    },
    CLI_TIMEOUT,
  );

  it(
    'a dependency cycle, an empty segment, a retirement while approval is required',
    async () => {
      await same(
        ['measures', 'depend', 'M-001', '--on', 'M-002'],
        'POST',
        '/api/plan/measures/M-001/dependencies',
        { on: ['M-002'] },
        400,
      );
      const [size, risk] = emptyCell.split(' ');
      expect(
        await same(
          ['treatments', 'apply', size, risk, '--start', '2026-01-01'],
          'POST',
          `/api/plan/treatments/${size}/${risk}/apply`,
          { start: '2026-01-01' },
          409,
        ),
      ).toBe(`segment ${size}/${risk} has no operators in the latest segmentation; nothing recorded`);
      const ws = await Workspace.open(dir);
      await setSetting(ws, 'setup', 'approval.register', true);
      ws.close();
      await setSetting(srv.ws, 'setup', 'approval.register', true);
      await same(
        ['register', 'retire', 'V-001', '--reason', 'duplicate'],
        'POST',
        '/api/plan/register/V-001/retire',
        { reason: 'duplicate' },
        409,
      );
    },
    CLI_TIMEOUT,
  );
});

describe('CLI and API accept alike', () => {
  it(
    'publishing a GRI configuration while approval is required makes the same proposal',
    async () => {
      const ws = await Workspace.open(dir);
      await setSetting(ws, 'setup', 'approval.gri_config', true);
      ws.close();
      await setSetting(srv.ws, 'setup', 'approval.gri_config', true);
      const file = join(dir, '..', 'bars.yaml');
      writeFileSync(file, 'levels:\n  manual: { medium: 0.2, high: 0.4 }\n');
      const viaCli = cipJson<{ outcome: string; proposalId: string; changes: unknown[] }>([
        'gri',
        'config',
        'publish',
        file,
        '--summary',
        'Higher bars',
        '-w',
        dir,
        '--user',
        'coordinator',
      ]);
      const draft = (await call(srv.app, coord, 'GET', '/api/gri/draft')).json();
      const viaApi = await call(srv.app, coord, 'POST', '/api/gri/publish', {
        risk: 'general',
        baseVersion: draft.version,
        config: { ...draft.config, levels: { ...draft.config.levels, manual: { medium: 0.2, high: 0.4 } } },
        summary: 'Higher bars',
      });
      expect(viaApi.json()).toEqual(viaCli);
      expect(viaCli).toEqual({
        outcome: 'proposal',
        proposalId: 'P-001',
        changes: [
          { path: 'levels.manual.medium', before: 0.1, after: 0.2 },
          { path: 'levels.manual.high', before: 0.3, after: 0.4 },
        ],
      });
      const shown = cipJson<{ target: string; summary: string; proposedBy: string }>([
        'approvals',
        'show',
        'P-001',
        '-w',
        dir,
      ]);
      expect(shown).toMatchObject({ target: 'gri:general', summary: 'Higher bars', proposedBy: 'coordinator' });
    },
    CLI_TIMEOUT,
  );
});
