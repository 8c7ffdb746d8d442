// The client of a command. A `cip` command runs either in its own process (direct transport) or inside the
// running server for a CLI client (remote transport, see run-remote.ts). Commands never ask which: what differs
// — the working directory relative paths start from, who acts by default, where output goes, the exit code —
// is read through the helpers below, which answer for the process itself when no remote client is set.
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';

/** The calls a long command makes on its progress reporter (src/ingest/progress.ts), replayed by the client. */
export type ProgressEvent =
  { kind: 'phase'; label: string } | { kind: 'update'; percent: number; rows?: number } | { kind: 'done' };

/** How the client shows progress: a bar, plain lines (CIP_PROGRESS=plain), or nothing (--json, piped). */
export type ProgressMode = 'bar' | 'plain' | 'silent';

export interface RemoteClient {
  /** The client's working directory: relative file arguments are resolved against it. */
  cwd: string;
  /** Who acts when --user is not given: the client's $CIP_USER, else its OS account. */
  actor: string;
  /** The client's CIP_* environment (CIP_PROGRESS, CIP_DEBUG). */
  env: Record<string, string>;
  /** Whether the client's stdout and stderr are terminals. */
  tty: { stdout: boolean; stderr: boolean };
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** Progress of a long command: shown by the client as `mode` says, and kept by its job (may throw if cancelled). */
  progress(ev: ProgressEvent, mode: ProgressMode): void;
  exitCode: number;
}

const client = new AsyncLocalStorage<RemoteClient>();

export function runForClient<T>(c: RemoteClient, fn: () => Promise<T>): Promise<T> {
  return client.run(c, fn);
}

export function remoteClient(): RemoteClient | undefined {
  return client.getStore();
}

/** Every file argument of a command goes through here: relative paths start from the client's directory. */
export function clientPath(p: string): string {
  return resolve(client.getStore()?.cwd ?? process.cwd(), p);
}

/** A CIP_* variable of the client's environment. */
export function clientEnv(name: string): string | undefined {
  const c = client.getStore();
  return c ? c.env[name] : process.env[name];
}

/** Sets the command's exit code (process.exitCode for a direct run). */
export function setExitCode(code: number): void {
  const c = client.getStore();
  if (c) c.exitCode = code;
  else process.exitCode = code;
}
