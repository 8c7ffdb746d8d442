// Sign-in, cookies, CSRF, throttling, accounts and the history entries that changes through the API write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHistory } from '../../src/history/history.ts';
import { accountWait, FailureLog, MAX_FAILURES } from '../../src/server/sessions.ts';
import type { Workspace } from '../../src/workspace/workspace.ts';
import { call, login, PASSWORD, startTestServer, type TestServer } from './helpers.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv.close());

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie, Secure only behind TLS', async () => {
    const res = await srv.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'head', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const session = res.cookies.find((c) => c.name === 'cip_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    expect(session.secure).toBeFalsy();
    expect(session.maxAge).toBe(12 * 3600);
    const csrf = res.cookies.find((c) => c.name === 'cip_csrf')!;
    expect(csrf.httpOnly).toBeFalsy();
    expect(res.json().csrf).toBe(csrf.value);

    const tls = await srv.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'head', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(tls.cookies.every((c) => c.secure)).toBe(true);
  });

  it('refuses a wrong password with 401 and the same message as an unknown user', async () => {
    const wrong = await srv.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'auditor', password: 'nope-nope-nope' },
    });
    const unknown = await srv.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody', password: 'nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'wrong user name or password' });
    expect(unknown.json()).toEqual(wrong.json());
  });

  const attempt = (username: string, password: string, remoteAddress = '127.0.0.1') =>
    srv.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

  it(`delays an account after ${MAX_FAILURES} failures by 1 s, then 2 s, 4 s …, not a long lock`, async () => {
    for (let i = 0; i < MAX_FAILURES; i++)
      expect((await attempt('subcommittee', `bad-password-${i}`, '10.0.0.1')).statusCode).toBe(401);
    // From any address, even with the right password: wait one second.
    const blocked = await attempt('subcommittee', PASSWORD, '10.0.0.2');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('1');
    expect(blocked.json().error).toBe('too many sign-in attempts; try again in 1 second(s)');
    // Another account from the same address is not affected.
    expect((await attempt('head', PASSWORD, '10.0.0.1')).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attempt('subcommittee', 'bad-password-5', '10.0.0.1')).statusCode).toBe(401);
    const longer = await attempt('subcommittee', PASSWORD, '10.0.0.2');
    expect(longer.statusCode).toBe(429);
    expect(longer.headers['retry-after']).toBe('2');
    await new Promise((r) => setTimeout(r, 2100));
    // The right password after the delay: signed in, and the failures are forgotten.
    expect((await attempt('subcommittee', PASSWORD, '10.0.0.2')).statusCode).toBe(200);
    expect(
      Number(await srv.ws.scalar("SELECT count(*) FROM server_login_failures WHERE username = 'subcommittee'")),
    ).toBe(0);
  });

  it("an administrator's password reset or re-enabling lifts the delay at once", async () => {
    for (let i = 0; i < MAX_FAILURES + 3; i++) await attempt('director', `bad-password-${i}`, `10.0.1.${i}`);
    expect((await attempt('director', PASSWORD, '10.0.2.1')).statusCode).toBe(429);
    const admin = await login(srv.app, 'admin');
    expect((await call(srv.app, admin, 'PATCH', '/api/users/director', { password: PASSWORD })).statusCode).toBe(200);
    expect((await attempt('director', PASSWORD, '10.0.2.1')).statusCode).toBe(200);

    for (let i = 0; i < MAX_FAILURES + 3; i++) await attempt('director', `bad-password-${i}`, `10.0.3.${i}`);
    expect((await call(srv.app, admin, 'PATCH', '/api/users/director', { disabled: true })).statusCode).toBe(200);
    expect((await call(srv.app, admin, 'PATCH', '/api/users/director', { disabled: false })).statusCode).toBe(200);
    expect((await attempt('director', PASSWORD, '10.0.2.1')).statusCode).toBe(200);
  });

  it('answers a flood from one address with 429 before the database: nothing more is written', async () => {
    const failures = async () => Number(await srv.ws.scalar('SELECT count(*) FROM server_login_failures'));
    const before = await failures();
    // 40 at once: 20 are let through (and fail), 20 are refused before anything is read or written.
    const codes = await Promise.all(
      Array.from(
        { length: 40 },
        async (_, i) => (await attempt(`flood-${i}`, 'wrong-password', '10.9.9.9')).statusCode,
      ),
    );
    expect(codes.filter((c) => c === 401)).toHaveLength(20);
    expect(codes.filter((c) => c === 429)).toHaveLength(20);
    expect((await failures()) - before).toBe(20);
  });

  it('writes the failures that come while a write waits for the lock in that one write, each with its own time', async () => {
    let clock = 1_000_000;
    let writes = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The lock is held (another change runs) while six failures come, half a second apart.
    const log = new FailureLog(
      async (fn: (ws: Workspace) => Promise<void>) => {
        await held;
        writes++;
        await fn(srv.ws);
      },
      () => clock,
    );
    const done: Promise<void>[] = [];
    for (let i = 0; i < MAX_FAILURES + 1; i++) {
      if (i > 0) clock += 500;
      done.push(log.record('Batch-User', `10.7.0.${i}`));
    }
    // Not yet written, already counted: the account must wait, as if they were stored.
    expect(log.pendingFor('batch-user')).toEqual({ n: MAX_FAILURES + 1, ago: 0 });
    expect(await accountWait(srv.ws, 'batch-user', log.pendingFor('batch-user'))).toBe(2);
    expect(await accountWait(srv.ws, 'batch-user')).toBe(0);
    release();
    await Promise.all(done);
    expect(writes).toBe(1);
    expect(log.pendingFor('batch-user')).toEqual({ n: 0, ago: null });
    const rows = await srv.ws.all<{ ip: string; ms: number }>(
      `SELECT ip, epoch_ms(failed_at) - epoch_ms(min(failed_at) OVER ()) AS ms FROM server_login_failures
       WHERE username = 'batch-user' ORDER BY failed_at`,
    );
    expect(rows.map((r) => r.ip)).toEqual(Array.from({ length: MAX_FAILURES + 1 }, (_, i) => `10.7.0.${i}`));
    expect(rows.map((r) => Number(r.ms))).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    // Read back from the store, the same wait as while they were in memory.
    expect(await accountWait(srv.ws, 'batch-user')).toBe(2);
    // A failure after the write began waits for the next one.
    await log.record('batch-user', '10.7.1.1');
    expect(writes).toBe(2);
  });

  it('rejects a malformed body before looking at the password', async () => {
    const r = await srv.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'head' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/password/);
  });

  it('sign-out ends the session', async () => {
    const s = await login(srv.app, 'auditor');
    expect((await call(srv.app, s, 'GET', '/api/me')).statusCode).toBe(200);
    expect((await call(srv.app, s, 'POST', '/api/auth/logout')).statusCode).toBe(200);
    const after = await call(srv.app, s, 'GET', '/api/me');
    expect(after.statusCode).toBe(401);
  });
});

describe('CSRF double submit', () => {
  it('needs the header equal to the cookie and to the session token', async () => {
    const s = await login(srv.app, 'director');
    const url = '/api/me/language';
    const noHeader = await srv.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: s.cookie },
      payload: { language: 'es' },
    });
    expect(noHeader.statusCode).toBe(403);
    const wrong = await srv.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { language: 'es' },
    });
    expect(wrong.statusCode).toBe(403);
    // A token from another session does not work either.
    const other = await login(srv.app, 'head');
    const crossed = await srv.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': other.csrf },
      payload: { language: 'es' },
    });
    expect(crossed.statusCode).toBe(403);
    const ok = await call(srv.app, s, 'PUT', url, { language: 'es' });
    expect(ok.statusCode).toBe(200);
  });
});

describe('language remembered per user, recorded in the history', () => {
  it('stores the choice server-side and returns it at the next sign-in', async () => {
    const s = await login(srv.app, 'operational');
    expect((await call(srv.app, s, 'PUT', '/api/me/language', { language: 'pt' })).json()).toEqual({ language: 'pt' });
    const again = await srv.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operational', password: PASSWORD },
    });
    expect(again.json().language).toBe('pt');
    const [entry] = await listHistory(srv.ws, {
      entityType: 'user',
      entityId: 'operational',
      action: 'users.language',
    });
    expect(entry.actor).toBe('operational');
    expect(entry.org_unit).toBe('office:N1');
    expect(JSON.parse(entry.before_json!).language).toBe('en');
    expect(JSON.parse(entry.after_json!).language).toBe('pt');
  });

  it('refuses a language outside en, es, fr, pt', async () => {
    const s = await login(srv.app, 'operational');
    const r = await call(srv.app, s, 'PUT', '/api/me/language', { language: 'de' });
    expect(r.statusCode).toBe(400);
  });
});

describe('user administration through the API', () => {
  it('creates an account, records who did it without the password, and the new user can sign in', async () => {
    const admin = await login(srv.app, 'admin');
    const res = await call(srv.app, admin, 'POST', '/api/users', {
      username: 'maria',
      display_name: 'María Pérez',
      roles: ['director'],
      unit_id: 'dir:South',
      password: 'una-clave-larga',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: 'maria', roles: ['director'], unit_id: 'dir:South', disabled: false });
    expect(res.json()).not.toHaveProperty('password_hash');
    const [entry] = await listHistory(srv.ws, { action: 'users.add', entityId: 'maria' });
    expect(entry.actor).toBe('admin');
    expect(entry.before_json).toBeNull();
    expect(entry.after_json).not.toMatch(/scrypt|una-clave/);
    const me = await call(srv.app, await login(srv.app, 'maria', 'una-clave-larga'), 'GET', '/api/me');
    expect(me.json()).toMatchObject({ roles: ['director'], unit_id: 'dir:South', offices: ['S1'] });
  });

  it('names the unknown role or unit', async () => {
    const admin = await login(srv.app, 'admin');
    const badRole = await call(srv.app, admin, 'POST', '/api/users', {
      username: 'x1',
      roles: ['chief'],
      password: 'long-enough-1',
    });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error).toBe(
      "unknown role 'chief'; expected one of head, director, coordinator, subcommittee, operational, auditor, admin",
    );
    const badUnit = await call(srv.app, admin, 'POST', '/api/users', {
      username: 'x2',
      roles: ['auditor'],
      unit_id: 'office:ZZ',
      password: 'long-enough-1',
    });
    expect(badUnit.statusCode).toBe(400);
    expect(badUnit.json().error).toMatch(/unknown organisational unit 'office:ZZ'/);
  });

  it('a refused change writes nothing, not even a history entry', async () => {
    const before = (await listHistory(srv.ws)).length;
    const coordinator = await login(srv.app, 'coordinator');
    const r = await call(srv.app, coordinator, 'POST', '/api/users', {
      username: 'sneaky',
      roles: ['admin'],
      password: 'long-enough-1',
    });
    expect(r.statusCode).toBe(403);
    expect((await listHistory(srv.ws)).length).toBe(before);
    expect(await srv.ws.scalar("SELECT count(*) FROM server_users WHERE username = 'sneaky'")).toBe(0);
  });

  it('disabling an account ends its sessions and refuses its sign-in; the change is in the history', async () => {
    const victim = await login(srv.app, 'operational-s1');
    const admin = await login(srv.app, 'admin');
    const r = await call(srv.app, admin, 'PATCH', '/api/users/operational-s1', { disabled: true });
    expect(r.statusCode).toBe(200);
    expect((await call(srv.app, victim, 'GET', '/api/me')).statusCode).toBe(401);
    const relog = await srv.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operational-s1', password: PASSWORD },
    });
    expect(relog.statusCode).toBe(401);
    const [entry] = await listHistory(srv.ws, { action: 'users.update', entityId: 'operational-s1' });
    expect(JSON.parse(entry.before_json!).disabled).toBe(false);
    expect(JSON.parse(entry.after_json!).disabled).toBe(true);
  });

  it("a role change reaches a signed-in user's next request, though their session was just read", async () => {
    const user = await login(srv.app, 'auditor');
    expect((await call(srv.app, user, 'GET', '/api/me')).json().roles).toEqual(['auditor']);
    const admin = await login(srv.app, 'admin');
    expect((await call(srv.app, admin, 'PATCH', '/api/users/auditor', { roles: ['director'] })).statusCode).toBe(200);
    expect((await call(srv.app, user, 'GET', '/api/me')).json().roles).toEqual(['director']);
    expect((await call(srv.app, admin, 'PATCH', '/api/users/auditor', { roles: ['auditor'] })).statusCode).toBe(200);
    expect((await call(srv.app, user, 'GET', '/api/me')).json().roles).toEqual(['auditor']);
  });

  it('an administrator cannot lock themselves out', async () => {
    const admin = await login(srv.app, 'admin');
    const r = await call(srv.app, admin, 'PATCH', '/api/users/admin', { disabled: true });
    expect(r.statusCode).toBe(400);
  });
});

describe('history through the API', () => {
  it('lists filtered entries and detects tampering', async () => {
    const auditor = await login(srv.app, 'auditor');
    const list = await call(srv.app, auditor, 'GET', '/api/history?entity_type=user&action=users.add&limit=5');
    expect(list.statusCode).toBe(200);
    const rows = list.json() as { action: string; entity_type: string }[];
    expect(rows).toHaveLength(5); // 8 accounts were added, the 5 latest listed
    expect(rows.every((r) => r.action === 'users.add' && r.entity_type === 'user')).toBe(true);
    expect((await call(srv.app, auditor, 'GET', '/api/history/verify')).json().ok).toBe(true);
    await srv.ws.run("UPDATE history SET actor = 'someone-else' WHERE seq = 2");
    const v = (await call(srv.app, auditor, 'GET', '/api/history/verify')).json();
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ seq: 2, problem: 'content does not match its hash (edited)' });
  });
});

describe('units', () => {
  it('derives HQ → directorates → offices from operators', async () => {
    const s = await login(srv.app, 'head');
    const units = (await call(srv.app, s, 'GET', '/api/units')).json() as {
      unit_id: string;
      parent_id: string | null;
    }[];
    expect(units.map((u) => [u.unit_id, u.parent_id])).toEqual([
      ['HQ', null],
      ['dir:North', 'HQ'],
      ['dir:South', 'HQ'],
      ['office:N1', 'dir:North'],
      ['office:N2', 'dir:North'],
      ['office:S1', 'dir:South'],
    ]);
  });
});
