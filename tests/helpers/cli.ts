// Runs the real `cip` binary in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CIP = join(import.meta.dirname, '..', '..', 'bin', 'cip.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cip(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CIP, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cipJson<T = unknown>(args: string[], env: Record<string, string> = {}): T {
  const r = cip([...args, '--json'], env);
  if (r.code !== 0) throw new Error(`cip ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
