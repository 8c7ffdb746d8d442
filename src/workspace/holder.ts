// Who holds a workspace. A running `cip serve` names itself in <workspace>/.cip-server.json (address, PID, start
// time; removed when it stops) next to .cip-server.token, a secret readable only by the OS account that started it
// (mode 0600), with which the CLI sends its commands through the server. Any other holder is found from DuckDB's
// lock: its PID, and from /proc what it runs and since when.
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../errors/index.ts';

export const SERVER_FILE = '.cip-server.json';
export const TOKEN_FILE = '.cip-server.token';

export interface ServerRecord {
  pid: number;
  url: string;
  startedAt: string;
  workspace: string;
  /** OS account that started the server (the only one that can read the token). */
  account: string;
}

/** The workspace is held by another process, or its server does not answer: exit code 3. */
export class WorkspaceBusyError extends DomainError {
  constructor(message: string) {
    super(message, 'unavailable');
  }
}

export function readServerRecord(dir: string): ServerRecord | undefined {
  const file = join(dir, SERVER_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as ServerRecord;
    return typeof r.pid === 'number' && typeof r.url === 'string' ? r : undefined;
  } catch {
    return undefined; // half-written by a server being started: as if absent
  }
}

/** The token, or undefined when this OS account may not read it (or there is none). */
export function readServerToken(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Written at start: the token first (0600, created anew so no older mode survives), then the record. */
export function writeServerRecord(dir: string, record: ServerRecord, token: string): void {
  const tokenFile = join(dir, TOKEN_FILE);
  rmSync(tokenFile, { force: true });
  writeFileSync(tokenFile, token + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(tokenFile, 0o600);
  const tmp = join(dir, `${SERVER_FILE}.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
  renameSync(tmp, join(dir, SERVER_FILE));
}

/** Removed at stop, and by a later start or CLI run once the process it names is gone. */
export function removeServerRecord(dir: string, pid: number): void {
  const r = readServerRecord(dir);
  if (r && r.pid !== pid) return; // another server's record
  rmSync(join(dir, SERVER_FILE), { force: true });
  rmSync(join(dir, TOKEN_FILE), { force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What a process runs and since when, from /proc (Linux); empty elsewhere. */
export function processInfo(pid: number): { command?: string; since?: string } {
  const out: { command?: string; since?: string } = {};
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // node /path/bin/cip.js import ... → cip import ...
    const cip = argv.findIndex((a) => /(^|\/)cip(\.js)?$/.test(a));
    out.command = (cip >= 0 ? ['cip', ...argv.slice(cip + 1)] : argv).join(' ').slice(0, 200);
  } catch {
    /* not Linux, or gone */
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22: start time in clock ticks after boot
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (Number.isFinite(ticks) && Number.isFinite(btime)) out.since = isoSeconds((btime + ticks / 100) * 1000);
  } catch {
    /* idem */
  }
  return out;
}

export const isoSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';

/** The refusal when the workspace cannot be opened: who holds it, since when, and what to do. */
export function workspaceBusy(dir: string, lockPid?: number, lockMessage?: string): WorkspaceBusyError {
  const server = readServerRecord(dir);
  if (server && (lockPid === undefined || lockPid === server.pid) && pidAlive(server.pid)) {
    return new WorkspaceBusyError(
      `workspace ${dir} is served by cip serve (PID ${server.pid}, since ${server.startedAt}, at ${server.url}), ` +
        `started by OS account '${server.account}': run the command as that account (it goes through the server), ` +
        `use the web application, or stop the server first`,
    );
  }
  if (lockPid !== undefined) {
    const p = processInfo(lockPid);
    return new WorkspaceBusyError(
      `workspace ${dir} is in use by another process (PID ${lockPid}${p.command ? `: ${p.command}` : ''}` +
        `${p.since ? `, since ${p.since}` : ''}): wait for it to finish or stop it, then run the command again`,
    );
  }
  return new WorkspaceBusyError(`workspace ${dir} is in use by another process: ${lockMessage ?? 'unknown holder'}`);
}

/** DuckDB's refusal to open a file another process holds, if that is what err is: the holder's PID. */
export function lockHolder(err: unknown): { pid?: number } | undefined {
  const msg = err instanceof Error ? err.message : String(err);
  if (!/Could not set lock on file/.test(msg)) return undefined;
  const m = /\(PID (\d+)\)/.exec(msg);
  return { pid: m ? Number(m[1]) : undefined };
}
