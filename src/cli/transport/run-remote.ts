// The server side of the remote transport: runs a CLI client's command line in the server's process, with the same
// commander program as `cip` itself. The command gets the server's open workspace through withWorkspace (lent, in
// turn with the server's own changes), resolves relative paths against the client's directory, acts as the client's
// user, and its stdout, stderr, progress and exit code go back to the client.
import { CommanderError } from 'commander';
import { withLentWorkspace, type WorkspaceLender } from '../../workspace/workspace.ts';
import { reportError } from '../output.ts';
import { buildProgram } from '../program.ts';
import { remoteClient, runForClient, type ProgressEvent, type ProgressMode, type RemoteClient } from './context.ts';

export interface RemoteRequest {
  /** The command line after `cip`. */
  argv: string[];
  cwd: string;
  /** The client's default actor: its $CIP_USER, else its OS account. */
  actor: string;
  /** The client's CIP_* environment variables. */
  env: Record<string, string>;
  tty: { stdout: boolean; stderr: boolean };
}

/** One line of the answer stream (NDJSON): output, progress, keep-alive, and last the exit code. */
export type RemoteEvent =
  | { t: 'o'; d: string }
  | { t: 'e'; d: string }
  | { t: 'p'; ev: ProgressEvent; mode: ProgressMode }
  | { t: 'k' }
  | { t: 'x'; code: number };

/** Commands whose work is long: through a server they run as jobs (the web app's Jobs page shows them). */
const JOB_COMMANDS: Record<string, string> = {
  import: 'import',
  optimize: 'optimize',
  'gri compute': 'gri',
  backtest: 'backtest',
  'selectivity export': 'selectivity',
  'pca-plan': 'pca',
  'export xlsx': 'plan-export',
  'export docx': 'plan-export',
  'meeting export': 'minutes-export',
  'meeting decisions': 'minutes-export',
};

/** The job kind of a command line, or undefined for a short command. */
export function jobKindOf(argv: string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return JOB_COMMANDS[words.slice(0, 2).join(' ')] ?? JOB_COMMANDS[words[0] ?? ''];
}

export interface RemoteHooks {
  /** Progress calls of the command (its job keeps them); may throw to cancel. */
  progress?: (ev: ProgressEvent) => void;
  /** When set and aborted, the command's failure is reported as this error instead (a cancel). */
  cancelled?: () => Error | undefined;
}

export interface RemoteOutcome {
  code: number;
  /** What the command failed with, if it threw. */
  error?: unknown;
}

/** Runs one command line for a client; never throws (failures become stderr and an exit code, as in `cip`). */
export async function runRemote(
  req: RemoteRequest,
  send: (e: RemoteEvent) => void,
  lender: WorkspaceLender,
  hooks: RemoteHooks = {},
): Promise<RemoteOutcome> {
  installOutputRouting();
  let open = true;
  const client: RemoteClient = {
    cwd: req.cwd,
    actor: req.actor,
    env: req.env,
    tty: req.tty,
    write: (stream, text) => {
      if (open) send({ t: stream === 'stdout' ? 'o' : 'e', d: text });
    },
    progress: (ev, mode) => {
      if (open && mode !== 'silent') send({ t: 'p', ev, mode });
      hooks.progress?.(ev);
    },
    exitCode: 0,
  };
  let error: unknown;
  await runForClient(client, () =>
    withLentWorkspace(lender, async () => {
      try {
        const program = await buildProgram(req.argv[0], { inServer: true });
        await program.parseAsync(req.argv, { from: 'user' });
      } catch (err) {
        if (err instanceof CommanderError) client.exitCode = err.exitCode;
        else {
          error = hooks.cancelled?.() ?? err;
          client.exitCode = reportError(error);
        }
      }
    }),
  );
  open = false;
  return { code: client.exitCode, error };
}

let routed = false;

/**
 * In the server, process.stdout/stderr writes made while a client's command runs go to that client (commands
 * write with console.log and process.stdout.write); everything else goes to the server's own output.
 */
function installOutputRouting(): void {
  if (routed) return;
  routed = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((chunk: unknown, enc?: unknown, cb?: unknown) => {
      const c = remoteClient();
      if (!c) return original(chunk, enc, cb);
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8');
      c.write(name, text);
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
}
