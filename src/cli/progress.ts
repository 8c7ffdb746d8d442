// The progress display of long commands: a bar on a terminal, plain "progress: label NN%" lines with
// CIP_PROGRESS=plain (logs, tests), nothing with --json or when piped. Through a server the client draws it
// from the reporter's calls, so it looks the same; the server's job keeps it too.
import cliProgress from 'cli-progress';
import { plainProgress, silentProgress, type ProgressReporter } from '../ingest/progress.ts';
import { clientEnv, remoteClient, type ProgressMode } from './transport/context.ts';

export function progressMode(json: boolean | undefined, tty: { stdout: boolean; stderr: boolean }): ProgressMode {
  if (clientEnv('CIP_PROGRESS') === 'plain') return 'plain';
  if (json || !tty.stdout || !tty.stderr || clientEnv('CIP_PROGRESS') === 'none') return 'silent';
  return 'bar';
}

/** Draws progress in this process. */
export function localProgress(mode: ProgressMode): ProgressReporter {
  if (mode === 'plain') return plainProgress();
  if (mode === 'silent') return silentProgress;
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {percentage}% | {duration_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    phase(label) {
      if (!started) bar.start(100, 0, { phase: label.padEnd(9) });
      else bar.update(0, { phase: label.padEnd(9) });
      started = true;
    },
    update(pct) {
      bar.update(Math.round(pct));
    },
    done() {
      if (started) bar.stop();
    },
  };
}

/** The reporter a long command hands its domain function. */
export function progressFor(json: boolean | undefined): ProgressReporter {
  const c = remoteClient();
  if (!c) return localProgress(progressMode(json, { stdout: !!process.stdout.isTTY, stderr: !!process.stderr.isTTY }));
  const mode = progressMode(json, c.tty);
  return {
    phase: (label) => c.progress({ kind: 'phase', label }, mode),
    update: (percent, rows) => c.progress({ kind: 'update', percent, rows }, mode),
    done: () => c.progress({ kind: 'done' }, mode),
  };
}
