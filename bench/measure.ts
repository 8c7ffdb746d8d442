// How the benchmarks measure: a command in a child process, wall time from start to exit, CPU time and peak memory as
// the OS reports them (/usr/bin/time -v), with the load average before and after; and how they report a target.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const CIP = join(ROOT, 'bin', 'cip.js');

export interface ChildRun {
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  /** 1-minute load average before and after the run. */
  load: [number, number];
  stdout: string;
}

/** Runs `node ...args` under /usr/bin/time -v; throws with its stderr when it fails. */
export function timedChild(args: string[], env: Record<string, string> = {}): ChildRun {
  const before = loadavg()[0];
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const cpu = ['User', 'System'].reduce(
    (a, k) => a + Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN),
    0,
  );
  return { seconds, cpuSeconds: cpu, peakMiB: kb / 1024, load: [before, loadavg()[0]], stdout: r.stdout };
}

/** `cip ARGS` as a timed child process. */
export function cip(...args: string[]): ChildRun {
  return timedChild([CIP, ...args]);
}

export interface TargetResult {
  target: string;
  measured: string;
  ratio?: string;
  load: string;
  met: boolean | null;
}

export const fmtLoad = (l: [number, number]) => `${l[0].toFixed(1)}→${l[1].toFixed(1)}`;

/** The targets table, as printed by `npm run bench` (met / not met / not measured). */
export function printTargets(rows: TargetResult[]): void {
  console.log('\n| target | measured | ratio | load (1 min) | status |\n|---|---|---|---|---|');
  for (const r of rows) {
    const status = r.met === null ? 'not measured' : r.met ? '**met**' : 'not met';
    console.log(`| ${r.target} | ${r.measured} | ${r.ratio ?? ''} | ${r.load} | ${status} |`);
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
