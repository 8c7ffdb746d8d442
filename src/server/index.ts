// startServer: open a workspace and serve the API and the web app from one process (cip serve, cip start).
import { Workspace, resolveWorkspaceDir } from '../workspace/workspace.ts';
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
}

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const web = opts.web ?? true;
  if (web) await ensureWebBuilt(opts.log);
  const ws = await Workspace.open(resolveWorkspaceDir(opts.workspace));
  try {
    await syncUnits(ws);
    const db = await ServerDb.attach(ws);
    const app = await buildApp(db, { web, logger: opts.logger });
    const address = await app.listen({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1' });
    const url = address.replace('[::1]', 'localhost');
    return {
      url,
      close: async () => {
        await app.close();
        await db.close();
        ws.close();
      },
    };
  } catch (e) {
    ws.close();
    throw e;
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
