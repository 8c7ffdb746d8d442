// Errors by kind. A domain error says what went wrong in the user's terms and which kind of refusal it is;
// this table alone turns the kind into an HTTP status and a CLI exit code (README: exit codes).
import { ZodError } from 'zod';

export const ERROR_KINDS = {
  /** The input is wrong: a value, a file, an option. */
  invalid: { status: 400, exit: 1 },
  /** The thing named does not exist (or is outside the user's unit). */
  not_found: { status: 404, exit: 1 },
  /** The request is well formed but the record's state refuses it (signed minutes, approval required, busy name). */
  conflict: { status: 409, exit: 1 },
  unauthenticated: { status: 401, exit: 1 },
  forbidden: { status: 403, exit: 1 },
  too_large: { status: 413, exit: 1 },
  rate_limited: { status: 429, exit: 1 },
  /** The history chain does not verify. */
  tampered: { status: 409, exit: 2 },
  /** The workspace is held by another process, or a server the CLI relies on did not answer. */
  unavailable: { status: 503, exit: 3 },
  /** A defect: details go to the log, never to the user. */
  internal: { status: 500, exit: 3 },
} as const satisfies Record<string, { status: number; exit: number }>;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** Every refusal a user can act on. Subclasses name the context; the kind decides status and exit code. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind = 'invalid',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** File-system failures (node's err.code) by kind: a path the user gave that is wrong, or a machine that refuses. */
const FS_ERRORS: Record<string, { kind: ErrorKind; text: string }> = {
  ENOENT: { kind: 'invalid', text: 'no such file or directory' },
  EISDIR: { kind: 'invalid', text: 'is a directory, expected a file' },
  ENOTDIR: { kind: 'invalid', text: 'a part of the path is not a directory' },
  EEXIST: { kind: 'invalid', text: 'already exists' },
  ENAMETOOLONG: { kind: 'invalid', text: 'the file name is too long' },
  ELOOP: { kind: 'invalid', text: 'too many symbolic links' },
  EACCES: { kind: 'forbidden', text: 'permission denied' },
  EPERM: { kind: 'forbidden', text: 'operation not permitted' },
  EROFS: { kind: 'forbidden', text: 'read-only file system' },
  ENOSPC: { kind: 'unavailable', text: 'no space left on the device' },
  EDQUOT: { kind: 'unavailable', text: 'disk quota exceeded' },
  EMFILE: { kind: 'unavailable', text: 'too many open files' },
  EBUSY: { kind: 'unavailable', text: 'the file is busy' },
  EIO: { kind: 'unavailable', text: 'input/output error' },
};

interface FsError {
  code: string;
  path?: string;
  syscall?: string;
}

function fsError(err: unknown): (FsError & { kind: ErrorKind; text: string }) | undefined {
  if (!(err instanceof Error) || typeof (err as { code?: unknown }).code !== 'string') return undefined;
  const e = err as Error & FsError;
  const known = FS_ERRORS[e.code];
  return known && typeof e.syscall === 'string' ? { ...e, ...known } : undefined;
}

/** The kind of any thrown value: domain errors carry theirs, schema failures are invalid input, the rest internal. */
export function kindOf(err: unknown): ErrorKind {
  if (err instanceof DomainError) return err.kind;
  if (err instanceof ZodError) return 'invalid';
  const fs = fsError(err);
  if (fs) return fs.kind;
  return 'internal';
}

export function httpStatus(err: unknown): number {
  return ERROR_KINDS[kindOf(err)].status;
}

export function exitCode(err: unknown): number {
  return ERROR_KINDS[kindOf(err)].exit;
}

/** What the user reads: the domain's message, or a schema failure as sentences (never a raw zod dump). */
export function userMessage(err: unknown): string {
  if (err instanceof ZodError) return describeIssues(err.issues);
  if (err instanceof DomainError) return err.message;
  const fs = fsError(err);
  if (fs) return `${fs.path ?? 'a file'}: ${fs.text}`;
  return 'internal error (details in the log)';
}

type Issue = ZodError['issues'][number];

/** "body.value: expected a number, got text; body.name: required" — one sentence per problem, path first. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.length ? i.path.map(String).join('.') : 'the input';
      return `${where}: ${issueText(i)}`;
    })
    .join('; ');
}

function issueText(i: Issue): string {
  switch (i.code) {
    case 'invalid_type':
      return i.input === undefined ? 'required' : `expected ${i.expected}`;
    case 'unrecognized_keys':
      return `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${i.values.map((v) => String(v)).join(', ')}`;
    default:
      return i.message;
  }
}
