// While `cip serve` runs, every `cip` command on its workspace goes through it: the same output, exit code and
// history as without a server, while a browser's reads keep answering. With the server stopped, commands open the
// workspace directly again. (The 1M-line variant is bench/service.bench.ts; here 50,000 lines keep npm test short.)
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { CIP, cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { apiClient, generateCsv, startServe } from './serve.ts';
import type { JobView } from '../../src/jobs/view.ts';

const LINES = 50_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real binary, without blocking this process (the API reader keeps running meanwhile). */
function cipAsync(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CIP, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** What may differ between two workspaces run the same way: their path, run times, clock times. */
function normalise(r: Run, ws: string, json: boolean): Run {
  const text = (s: string) =>
    s
      .split(ws)
      .join('WS')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/g, 'TIME');
  if (!json || r.code !== 0) return { code: r.code, stdout: text(r.stdout), stderr: text(r.stderr) };
  const o = JSON.parse(r.stdout) as Record<string, unknown>;
  delete o.timings;
  delete o.computedAt;
  return { code: r.code, stdout: JSON.stringify(o), stderr: text(r.stderr) };
}

const STEPS: { args: string[]; env?: Record<string, string>; json?: boolean }[] = [
  { args: ['import', 'declarations', 'LINES', '--json'], env: { CIP_USER: 'nightly' } },
  { args: ['import', 'declarations', 'missing.csv'] },
  { args: ['info'] },
  { args: ['users', 'add', 'ana', '--role', 'coordinator', '--password', 'correct-horse-42', '--user', 'alice'] },
  { args: ['users', 'add', 'ana', '--role', 'coordinator', '--user', 'alice'] }, // refused: exists
  { args: ['gri', 'compute', '--json'], json: true },
  { args: ['history', 'verify'] },
];

async function runSteps(ws: string, csv: string): Promise<Run[]> {
  const out: Run[] = [];
  for (const s of STEPS) {
    const args = s.args.map((a) => (a === 'LINES' ? csv : a));
    out.push(normalise(await cipAsync([...args, '-w', ws], s.env), ws, !!s.json));
  }
  return out;
}

const historyOf = (ws: string) =>
  cipJson<{ actor: string; action: string; entity_type: string; entity_id: string | null }[]>([
    'history',
    'list',
    '--limit',
    '100',
    '-w',
    ws,
  ]).map((h) => [h.actor, h.action, h.entity_type, h.entity_id]);

describe('cip commands while cip serve runs', () => {
  it(
    'go through the server with the output, exit code and history of a direct run; API reads never fail',
    { timeout: 300_000 },
    async () => {
      const dir = tmpDir('cip-service-');
      const csv = join(dir, 'lines.csv');
      await generateCsv(csv, LINES);
      const served = join(dir, 'served');
      const direct = join(dir, 'direct');
      for (const ws of [served, direct]) cipJson(['init', ws]);
      // The direct workspace's administrator made by the CLI instead of a first server start (one history entry apart).
      cip([
        'users',
        'add',
        'admin',
        '--role',
        'admin',
        '--password',
        'correct-horse-42',
        '-w',
        direct,
        '--user',
        'system',
      ]);

      const server = await startServe(served);
      expect(existsSync(join(served, '.cip-server.json'))).toBe(true);
      const admin = await apiClient(server.url, 'admin', server.password!);
      let reads = 0;
      let running = true;
      const errors: string[] = [];
      const reader = (async () => {
        while (running) {
          for (const path of ['/api/overview', '/api/jobs', '/api/data/imports', '/api/me']) {
            try {
              const r = await admin.get(path);
              await r.arrayBuffer();
              if (r.status !== 200) errors.push(`${path}: ${r.status}`);
              reads++;
            } catch (e) {
              errors.push(`${path}: ${String(e)}`);
            }
          }
          await new Promise((r) => setTimeout(r, 25));
        }
      })();

      const viaServer = await runSteps(served, csv);
      running = false;
      await reader;
      expect(errors).toEqual([]);
      expect(reads).toBeGreaterThan(20);

      // The import and the GRI run were jobs of the server, attributed to who ran them.
      const jobs = (await (await admin.get('/api/jobs')).json()) as JobView[];
      expect(
        jobs
          .filter((j) => j.kind === 'import' || j.kind === 'gri')
          .reverse()
          .map((j) => [j.kind, j.createdBy, j.status]),
      ).toEqual([
        ['import', 'nightly', 'succeeded'],
        ['import', process.env.CIP_USER ?? cliOsUser(), 'failed'],
        ['gri', process.env.CIP_USER ?? cliOsUser(), 'succeeded'],
      ]);
      expect(jobs.find((j) => j.kind === 'import' && j.status === 'failed')?.error).toBe(
        `${join(process.cwd(), 'missing.csv')}: no such file or directory`,
      );
      await server.stop();
      expect(existsSync(join(served, '.cip-server.json'))).toBe(false);

      const directly = await runSteps(direct, csv);
      expect(viaServer.map(comparable)).toEqual(directly.map(comparable));
      expect(viaServer.map((r) => r.code)).toEqual([0, 1, 0, 0, 1, 0, 0]);
      expect(JSON.parse(viaServer[0].stdout)).toEqual({ read: LINES, imported: LINES, rejected: 0, duplicates: 0 });
      expect(viaServer[4].stderr).toBe("error: user 'ana' already exists\n");

      // Same history: who did what, in order (the timestamps and hashes differ), the first administrator aside.
      const notAdmin = (e: (string | null)[]) => e[1] !== 'users.add' || e[3] !== 'admin';
      const h = historyOf(served);
      expect(h.filter(notAdmin)).toEqual(historyOf(direct).filter(notAdmin));
      expect(h.filter(notAdmin).map((e) => [e[0], e[1]])).toEqual([
        [process.env.CIP_USER ?? cliOsUser(), 'gri.config.set'],
        ['alice', 'users.add'],
        ['nightly', 'import'],
      ]);

      // The server stopped: the same workspace opens directly again.
      const info = cip(['info', '-w', served]);
      expect(info.code).toBe(0);
      expect(cip(['history', 'verify', '-w', served]).code).toBe(0);
    },
  );
});

function cliOsUser(): string {
  return userInfo().username;
}

/**
 * What must be the same between two workspaces fed the same commands: everything but the history head (its hash
 * covers timestamps) and the last bits of floating-point figures (DuckDB sums doubles in parallel, in any order).
 */
function comparable(r: { code: number; stdout: string; stderr: string }) {
  const text = (s: string) => s.replace(/Head \d+:[0-9a-f]{64}/g, 'Head N:HASH');
  let stdout: unknown = text(r.stdout);
  try {
    stdout = JSON.parse(r.stdout, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));
  } catch {
    // not JSON: compared as text
  }
  return { code: r.code, stdout, stderr: text(r.stderr) };
}
