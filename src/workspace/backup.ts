// A backup of a workspace: its database file, copied after a CHECKPOINT has written everything into it. The caller
// holds the workspace's writes (the CLI owns it, or the server lends it in turn with its own changes), so the copy
// is consistent; readers may go on meanwhile. Restore = stop the server and put the copy back (docs/cli/server.md).
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../errors/index.ts';
import { DB_FILE, type Workspace } from './workspace.ts';

export interface BackupResult {
  workspace: string;
  file: string;
  bytes: number;
  historyEntries: number;
}

export async function backupWorkspace(ws: Workspace, dir: string): Promise<BackupResult> {
  const file = join(dir, DB_FILE);
  if (existsSync(file))
    throw new DomainError(`${file} exists already: choose an empty directory for the backup`, 'conflict');
  mkdirSync(dir, { recursive: true });
  await ws.run('CHECKPOINT');
  const historyEntries = Number(await ws.scalar('SELECT count(*) FROM history'));
  copyFileSync(ws.dbPath, file);
  return { workspace: ws.dir, file, bytes: statSync(file).size, historyEntries };
}
