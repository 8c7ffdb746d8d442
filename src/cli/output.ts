// Shared conventions of every CLI command: --workspace, --json, error reporting and exit codes.
import { describeIssues, DomainError, exitCode, kindOf, userMessage } from '../errors/index.ts';
import type { Command } from 'commander';
import { ZodError } from 'zod';
import { clientEnv } from './transport/context.ts';

export interface CommonOptions {
  workspace?: string;
  json?: boolean;
}

/** Adds the options every command takes. */
export function withCommonOptions(cmd: Command, { json = true }: { json?: boolean } = {}): Command {
  cmd.option('-w, --workspace <dir>', 'workspace directory (default $CIP_WORKSPACE or ./cip-workspace)');
  if (json) cmd.option('--json', 'machine-readable JSON on stdout');
  return cmd;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2) + '\n');
}

/** A refusal of the CLI itself (a bad option, a missing file): invalid input unless a kind is given. */
export class UserError extends DomainError {}

/** Prints a refusal as one line (no stack trace unless CIP_DEBUG is set) and returns the exit code of its kind. */
export function reportError(err: unknown): number {
  if (err instanceof ZodError) {
    process.stderr.write(`error: invalid input: ${describeIssues(err.issues)}\n`);
  } else if (kindOf(err) !== 'internal') {
    process.stderr.write(`error: ${userMessage(err)}\n`);
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (clientEnv('CIP_DEBUG') && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  return exitCode(err);
}

/** Formats a table for the terminal: columns padded, numbers right-aligned. */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) =>
      rows.length > 0 &&
      rows.every(
        (r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number' || /^-?[\d.,%\s]+$/.test(String(r[i])),
      ),
  );
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
