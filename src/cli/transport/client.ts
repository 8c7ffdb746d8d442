// The CLI side of the remote transport. Before a command runs, it looks for a server of the command's workspace
// (<workspace>/.cip-server.json, src/workspace/holder.ts). When one runs, the command line is sent to it with the
// token of .cip-server.token, and its output, progress and exit code are played back here; otherwise the command
// opens the workspace itself. A record whose process is gone is stale and removed; a server that does not answer
// is reported with its PID and start time, never as DuckDB's raw lock error.
import type { Command } from 'commander';
import { request } from 'node:http';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DB_FILE, resolveWorkspaceDir } from '../../workspace/workspace.ts';
import {
  lockHolder,
  pidAlive,
  readServerRecord,
  readServerToken,
  removeServerRecord,
  workspaceBusy,
  WorkspaceBusyError,
  type ServerRecord,
} from '../../workspace/holder.ts';
import { cliActor } from '../../history/history.ts';
import type { ProgressReporter } from '../../ingest/progress.ts';
import { localProgress } from '../progress.ts';
import { remoteClient } from './context.ts';
import type { RemoteEvent, RemoteRequest } from './run-remote.ts';

/** Thrown once a command has run through the server: main.ts exits with its code. */
export class Forwarded extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Commands that own the workspace themselves (they start a server, or create or rebuild the workspace). */
const LOCAL_ONLY = new Set(['serve', 'start', 'init', 'demo']);

export const LOCAL_OPERATOR_PATH = '/api/local/cli';
export const TOKEN_HEADER = 'x-cip-local-token';

function topCommand(cmd: Command): Command {
  let c = cmd;
  while (c.parent?.parent) c = c.parent;
  return c;
}

const serverText = (s: ServerRecord) => `cip serve (PID ${s.pid}, since ${s.startedAt}, at ${s.url})`;

/** commander preAction hook: sends the command through the workspace's server when one runs. */
export async function forwardIfServed(_root: Command, action: Command): Promise<void> {
  if (remoteClient()) return; // already running inside the server
  const top = topCommand(action).name();
  const opts = action.opts<{ workspace?: string }>();
  if (LOCAL_ONLY.has(top)) {
    const dir = resolveWorkspaceDir(
      top === 'init' ? ((action.args[0] as string | undefined) ?? opts.workspace) : opts.workspace,
    );
    const s = liveRecord(dir);
    if (s) {
      throw new WorkspaceBusyError(
        `workspace ${dir} is already served by ${serverText(s)}` +
          (top === 'serve' || top === 'start' ? '' : `: stop the server before 'cip ${top}'`),
      );
    }
    return;
  }
  if (!action.options.some((o) => o.long === '--workspace')) return; // works without a workspace
  const dir = resolveWorkspaceDir(opts.workspace);
  const rec = liveRecord(dir);
  if (!rec) return;
  const token = readServerToken(dir);
  if (!token) throw workspaceBusy(dir, rec.pid); // a server of another OS account
  const code = await sendCommand(rec, token);
  if (code !== undefined) throw new Forwarded(code);
  // It did not answer. If the workspace can be opened after all, the record was stale (PID reused): go direct.
  const holder = await probeLock(dir);
  if (holder === null) {
    removeServerRecord(dir, rec.pid);
    return;
  }
  if (holder.pid === undefined || holder.pid === rec.pid) {
    throw new WorkspaceBusyError(
      `workspace ${dir} is held by ${serverText(rec)}, which does not answer: it may be starting or stuck; ` +
        `wait and run the command again, or stop it (kill ${rec.pid})`,
    );
  }
  throw workspaceBusy(dir, holder.pid);
}

/** The server record of a workspace, when its process still runs (a record left by a killed server is removed). */
function liveRecord(dir: string): ServerRecord | undefined {
  const rec = readServerRecord(dir);
  if (!rec) return undefined;
  if (pidAlive(rec.pid)) return rec;
  removeServerRecord(dir, rec.pid);
  return undefined;
}

/** null when nothing holds the workspace's file; else DuckDB's lock holder. */
async function probeLock(dir: string): Promise<{ pid?: number } | null> {
  try {
    const db = await DuckDBInstance.create(join(dir, DB_FILE));
    db.closeSync();
    return null;
  } catch (err) {
    return lockHolder(err) ?? {};
  }
}

/** Sends the command line; plays back output and progress; resolves with the exit code, or undefined if no answer. */
function sendCommand(rec: ServerRecord, token: string): Promise<number | undefined> {
  const body: RemoteRequest = {
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    actor: cliActor(undefined),
    env: Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('CIP_') && e[1] !== undefined),
    ),
    tty: { stdout: !!process.stdout.isTTY, stderr: !!process.stderr.isTTY },
  };
  return new Promise((resolve, reject) => {
    let answered = false;
    let exit: number | undefined;
    let bar: ProgressReporter | undefined;
    const req = request(
      new URL(LOCAL_OPERATOR_PATH, rec.url),
      { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve(undefined); // not our server (another one on that port, or a stale token)
        }
        answered = true;
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const e = JSON.parse(line) as RemoteEvent;
            if (e.t === 'o') process.stdout.write(e.d);
            else if (e.t === 'e') process.stderr.write(e.d);
            else if (e.t === 'p') {
              bar ??= localProgress(e.mode);
              if (e.ev.kind === 'phase') bar.phase(e.ev.label);
              else if (e.ev.kind === 'update') bar.update(e.ev.percent, e.ev.rows);
              else bar.done();
            } else if (e.t === 'x') exit = e.code;
          }
        });
        res.on('end', ended);
        res.on('error', ended); // connection cut (the server was killed)
      },
    );
    let settled = false;
    /** The answer ended: with the exit code, or cut off before it (the server stopped or crashed). */
    function ended(): void {
      if (settled) return;
      settled = true;
      if (exit !== undefined) return resolve(exit);
      bar?.done();
      reject(
        new WorkspaceBusyError(
          `the server (${rec.url}, PID ${rec.pid}) stopped before the command finished; ` +
            `nothing of an unfinished change was kept: run it again`,
        ),
      );
    }
    req.on('error', () => {
      if (!answered) resolve(undefined);
      else ended();
    });
    req.end(JSON.stringify(body));
  });
}
