// The service (issue #12): a 1M-line `cip import` from another process while `cip serve` runs, then `cip info`,
// `cip users add`, `cip gri compute`, `cip history verify`, all through the server, while an API client keeps
// reading (overview, jobs, imports); then the same commands directly, server stopped. Reports each command's wall
// time both ways, and the reader's requests, errors and latency percentiles during the server run.
//   npm run bench service                       (1M lines)
//   BENCH_SERVICE_LINES=200000 npm run bench service
// Figures go to docs/benchmarks/server.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { apiClient, generateCsv, startServe } from '../tests/service/serve.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench-output', 'service');
const CIP = join(ROOT, 'bin', 'cip.js');

function timed(args: string[], env: Record<string, string> = {}): Promise<{ code: number; ms: number; err: string }> {
  const t0 = performance.now();
  return new Promise((res) => {
    const p = spawn(process.execPath, [CIP, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('exit', (code) => res({ code: code ?? -1, ms: performance.now() - t0, err }));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

export async function main(): Promise<void> {
  const n = Number(process.env.BENCH_SERVICE_LINES ?? 1_000_000);
  mkdirSync(OUT, { recursive: true });
  const csv = join(OUT, `lines-${n}.csv`);
  if (!existsSync(csv)) await generateCsv(csv, n);
  const steps = (ws: string): [string, string[], Record<string, string>][] => [
    ['import', ['import', 'declarations', csv, '--json', '-w', ws], { CIP_USER: 'nightly' }],
    ['info', ['info', '-w', ws], {}],
    ['users add', ['users', 'add', 'ana', '--role', 'coordinator', '--password', 'correct-horse-42', '-w', ws], {}],
    ['gri compute', ['gri', 'compute', '--json', '-w', ws], {}],
    ['history verify', ['history', 'verify', '-w', ws], {}],
  ];
  const rows: Record<string, { served?: number; direct?: number }> = {};
  for (const mode of ['served', 'direct'] as const) {
    const ws = join(OUT, `ws-${mode}`);
    rmSync(ws, { recursive: true, force: true });
    spawnSync(process.execPath, [CIP, 'init', ws], { stdio: 'ignore' });
    const server = await startServe(ws);
    let reader: Promise<void> | undefined;
    let running = true;
    const latencies: number[] = [];
    let errors = 0;
    if (mode === 'served') {
      const admin = await apiClient(server.url, 'admin', server.password!);
      reader = (async () => {
        while (running) {
          for (const path of ['/api/overview', '/api/jobs', '/api/data/imports']) {
            const t = performance.now();
            try {
              const r = await admin.get(path);
              await r.arrayBuffer();
              if (r.status !== 200) errors++;
            } catch {
              errors++;
            }
            latencies.push(performance.now() - t);
          }
        }
      })();
    } else await server.stop(); // the first start made the administrator; then the commands open the file
    for (const [name, args, env] of steps(ws)) {
      const r = await timed(args, env);
      if (r.code !== 0) throw new Error(`${mode} cip ${name}: exit ${r.code}\n${r.err}`);
      (rows[name] ??= {})[mode] = r.ms;
    }
    if (mode === 'served') {
      running = false;
      await reader;
      await server.stop();
      console.log(
        `API reader during the served run: ${latencies.length} requests, ${errors} errors, ` +
          `p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
      );
    }
  }
  console.log(`\n${n.toLocaleString('en')} lines, load average ${loadavg()[0].toFixed(1)}`);
  console.log('| command | through the server (s) | direct (s) |\n|---|---|---|');
  for (const [name, r] of Object.entries(rows))
    console.log(`| cip ${name} | ${((r.served ?? 0) / 1000).toFixed(2)} | ${((r.direct ?? 0) / 1000).toFixed(2)} |`);
}
