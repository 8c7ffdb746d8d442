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

/** The kind of any thrown value: domain errors carry theirs, schema failures are invalid input, the rest internal. */
export function kindOf(err: unknown): ErrorKind {
  if (err instanceof DomainError) return err.kind;
  if (err instanceof ZodError) return 'invalid';
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
