// Who owns the workspace: a server killed with SIGKILL during an import job leaves nothing of it and shows it as
// failed after the restart; a busy port or workspace is said in words (PID, since when, what to do); the first
// administrator is only made once the server listens.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIP, cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { snapshot } from '../ingest/snapshot.ts';
import { apiClient, generateCsv, startServe } from './serve.ts';
import type { JobView } from '../../src/jobs/view.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');

describe('kill -9 of the server during an import job', () => {
  it(
    'shows the job failed after the restart, keeps nothing of that import, and takes the next one',
    { timeout: 300_000 },
    async () => {
      const dir = tmpDir('cip-kill9-');
      const ws = join(dir, 'ws');
      cipJson(['init', ws]);
      cipJson(['import', 'declarations', join(FIX, 'dua-es-latin1.csv'), '-m', join(FIX, 'dua-es.yaml'), '-w', ws]);
      const big = join(dir, 'big.csv');
      await generateCsv(big, 1_000_000);
      // A first start makes the administrator and the units; the workspace as it then is, is what must survive.
      const first = await startServe(ws);
      await first.stop();
      const before = await snapshot(ws);

      const server = await startServe(ws);
      // The nightly import, sent through the server: a job; killed once rows are being written.
      const client = spawn(process.execPath, [CIP, 'import', 'declarations', big, '-w', ws], {
        env: { ...process.env, CIP_PROGRESS: 'plain', CIP_USER: 'nightly' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let killed = false;
      const clientExit = new Promise<number | null>((r) => client.on('exit', (code) => r(code)));
      await new Promise<void>((resolve) => {
        client.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          const m = [...stderr.matchAll(/^progress: importing (\d+)%$/gm)].at(-1);
          if (!killed && m && Number(m[1]) >= 5) {
            killed = true;
            void server.kill9().then(resolve);
          }
        });
        client.on('exit', () => resolve());
      });
      expect(killed, `the import ended before the server could be killed:\n${stderr}`).toBe(true);
      // The client says the server went away, exit code 3.
      expect(await clientExit).toBe(3);
      expect(stderr).toContain('stopped before the command finished');

      // The record of the killed server is stale: the CLI opens the workspace directly, as it was.
      expect(await snapshotWithoutJobs(ws)).toEqual(withoutJobs(before));
      expect(cip(['info', '-w', ws]).code).toBe(0);
      expect(existsSync(join(ws, '.cip-server.json'))).toBe(false);

      const again = await startServe(ws);
      try {
        const admin = await apiClient(again.url, 'admin', first.password!);
        const jobs = (await (await admin.get('/api/jobs')).json()) as JobView[];
        expect(jobs.map((j) => [j.kind, j.createdBy, j.status, j.errorCode])).toEqual([
          ['import', 'nightly', 'failed', 'interrupted'],
        ]);
        expect(jobs[0].error).toBe(
          'the server stopped (or crashed) while this job was queued or running; nothing of it was kept',
        );
        // The next import succeeds (through the restarted server).
        const r = cip(['import', 'declarations', join(FIX, 'broken.csv'), '-w', ws, '--json']);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual({ read: 9, imported: 3, rejected: 6, duplicates: 0 });
        const after = (await (await admin.get('/api/data/imports')).json()) as { import_id: number }[];
        expect(after.map((i) => i.import_id)).toEqual([2, 1]); // the cut-off import left not even its number
      } finally {
        await again.stop();
      }
    },
  );
});

/** The snapshot of every table but the job queue (which records the cut-off job, by design). */
async function snapshotWithoutJobs(ws: string) {
  return withoutJobs(await snapshot(ws));
}
function withoutJobs(s: Record<string, string>) {
  const { jobs: _jobs, ...rest } = s;
  return rest;
}

describe('a busy port, a busy workspace', () => {
  it(
    'a busy port is named with --port, and no administrator is created (the first start makes it, above)',
    { timeout: 200_000 },
    async () => {
      const ws = join(tmpDir(), 'ws');
      cipJson(['init', ws]);
      const blocker = createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
      const port = (blocker.address() as { port: number }).port;
      try {
        const r = cip(['serve', '-w', ws, '--port', String(port), '--no-web']);
        expect(r.code).toBe(3);
        expect(r.stderr).toBe(
          `error: port ${port} on 127.0.0.1 is already in use by another program: choose another port with --port (e.g. --port 8080)\n`,
        );
        expect(r.stderr).not.toContain('EADDRINUSE');
      } finally {
        blocker.close();
      }
      expect(cipJson(['users', 'list', '-w', ws])).toEqual([]);
      expect(existsSync(join(ws, '.cip-server.json'))).toBe(false);
    },
  );

  it(
    'cip serve on a served workspace says so; a workspace held by another process names its PID',
    { timeout: 200_000 },
    async () => {
      const dir = tmpDir();
      const ws = join(dir, 'ws');
      cipJson(['init', ws]);
      const s = await startServe(ws);
      try {
        const r = cip(['serve', '-w', ws, '--port', '0', '--no-web']);
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(
          new RegExp(
            `^error: workspace ${ws} is already served by cip serve \\(PID ${s.proc.pid}, since \\S+, at ${s.url.replace(/[.]/g, '\\.')}\\)\\n$`,
          ),
        );
        expect(cip(['demo', '-w', ws, '--rows', '1000', '--force']).stderr).toContain(
          "stop the server before 'cip demo'",
        );
      } finally {
        await s.stop();
      }

      // Held by a process that is no server (here: a script keeping the file open).
      const holder = join(dir, 'hold.mjs');
      writeFileSync(
        holder,
        `import { DuckDBInstance } from ${JSON.stringify(import.meta.resolve('@duckdb/node-api'))};
       const db = await DuckDBInstance.create(${JSON.stringify(join(ws, 'workspace.duckdb'))});
       console.log('holding'); setTimeout(() => db.closeSync(), 60000);`,
      );
      const p = spawn(process.execPath, [holder], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((r) => p.stdout.once('data', () => r()));
      try {
        const r = cip(['info', '-w', ws]);
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(
          new RegExp(
            `^error: workspace ${ws} is in use by another process \\(PID ${p.pid}: \\S*node \\S*hold\\.mjs, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\): wait for it to finish or stop it, then run the command again\\n$`,
          ),
        );
        expect(r.stderr).not.toContain('Conflicting lock');
      } finally {
        p.kill();
      }
    },
  );
});
