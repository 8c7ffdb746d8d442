// startServer: open a workspace and serve the API and the web app from one process (cip serve, cip start).
// While it runs the server is the workspace's single owner: `cip` commands on the workspace go through it.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { DomainError } from '../errors/index.ts';
import { Workspace, resolveWorkspaceDir } from '../workspace/workspace.ts';
import { isoSeconds, removeServerRecord, writeServerRecord } from '../workspace/holder.ts';
import type { ServiceOptions } from './service.ts';
import { recordChange } from '../history/history.ts';
import { buildApp } from './app.ts';
import { ServerDb } from './db.ts';
import { generatePassword } from './passwords.ts';
import { ensureWebBuilt } from './spa.ts';
import { syncUnits } from './units.ts';
import { addUser, countUsers } from './users.ts';

export interface ServerOptions {
  /** Workspace directory (default $CIP_WORKSPACE or ./cip-workspace). */
  workspace?: string;
  port?: number;
  host?: string;
  /** Serve the SPA (building it first when missing or stale). Default true. */
  web?: boolean;
  logger?: boolean;
  log?: (msg: string) => void;
  /** Jobs at once (writing, reading) and the upload limit. */
  service?: Omit<ServiceOptions, 'localToken'>;
  /** Cache answers of cacheable reads until the next change (default true). */
  answerCache?: boolean;
}

export interface RunningServer {
  url: string;
  db: ServerDb;
  close: () => Promise<void>;
}

/** A port that cannot be used, in the user's terms (never a bare EADDRINUSE). */
export class PortError extends DomainError {}

function portError(err: unknown, port: number, host: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new PortError(
      `port ${port} on ${host} is already in use by another program: choose another port with --port (e.g. --port ${port === 8080 ? 8081 : 8080})`,
      'unavailable',
    );
  if (code === 'EACCES')
    return new PortError(
      `not allowed to listen on port ${port} (ports below 1024 need privileges): choose another port with --port`,
      'unavailable',
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new PortError(`--host ${host}: not an address of this machine`, 'invalid');
  return err;
}

/**
 * Opens the workspace, listens, then names itself in <workspace>/.cip-server.json with a fresh local-operator token
 * (see src/workspace/holder.ts) so that `cip` commands go through it; close() removes both.
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const web = opts.web ?? true;
  if (web) await ensureWebBuilt(opts.log);
  const dir = resolveWorkspaceDir(opts.workspace);
  const ws = await Workspace.open(dir);
  const port = opts.port ?? 8080;
  const host = opts.host ?? '127.0.0.1';
  let db: ServerDb | undefined;
  try {
    await syncUnits(ws);
    db = await ServerDb.attach(ws);
    const token = randomBytes(32).toString('hex');
    const app = await buildApp(db, {
      web,
      logger: opts.logger,
      answerCache: opts.answerCache,
      service: { ...opts.service, localToken: token },
    });
    let address: string;
    try {
      address = await app.listen({ port, host });
    } catch (e) {
      await app.close();
      throw portError(e, port, host);
    }
    const url = address.replace('[::1]', 'localhost');
    const bound = app.server.address() as AddressInfo;
    const local = bound.address === '0.0.0.0' || bound.address === '::' ? '127.0.0.1' : bound.address;
    writeServerRecord(
      ws.dir,
      {
        pid: process.pid,
        url: `http://${local.includes(':') ? `[${local}]` : local}:${bound.port}`,
        startedAt: isoSeconds(Date.now()),
        workspace: ws.dir,
        account: osAccount(),
      },
      token,
    );
    const running = db;
    return {
      url,
      db: running,
      close: async () => {
        removeServerRecord(ws.dir, process.pid);
        await app.close();
        await running.close();
        ws.close();
      },
    };
  } catch (e) {
    await db?.close();
    ws.close();
    throw e;
  }
}

function osAccount(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

/**
 * First run: when the workspace has no account, create 'admin' (system administrator + RMC coordinator at HQ,
 * so the first person can both manage users and reach every page) with a random password, and return it.
 */
export async function ensureFirstAdmin(
  ws: Workspace,
  username = 'admin',
): Promise<{ username: string; password: string } | null> {
  if ((await countUsers(ws)) > 0) return null;
  const password = generatePassword();
  await ws.transaction(async () => {
    const c = await addUser(ws, {
      username,
      roles: 'admin,coordinator',
      unitId: 'HQ',
      password,
      displayName: 'Administrator',
    });
    await recordChange(ws, {
      actor: 'system',
      action: 'users.add',
      entityType: 'user',
      entityId: username,
      orgUnit: 'HQ',
      after: c.after,
    });
  });
  return { username, password };
}
