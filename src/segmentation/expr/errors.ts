// The one error type of the indicator expression language. Every problem with an expression — a character
// outside the grammar, a syntax error, an unknown name, a type mismatch — is an ExprError that points at the
// offending token, so an analyst can fix the expression without reading SQL.

import { DomainError } from '../../errors/index.ts';
export class ExprError extends DomainError {
  /** 0-based offset of the offending token in the source (source length when the expression ended early). */
  readonly position: number;
  /** The offending token as written ('' at the end of the expression). */
  readonly token: string;
  /** The problem alone, without the location and the caret picture. */
  readonly reason: string;

  constructor(reason: string, src: string, position: number, token: string) {
    super(formatMessage(reason, src, position));
    this.name = 'ExprError';
    this.reason = reason;
    this.position = position;
    this.token = token;
  }
}

const MAX_SHOWN = 100;

/**
 * "unknown function 'drop' at column 12:\n  share(lines drop(x))\n             ^"
 * Multi-line sources name the line too; long lines are clipped around the token.
 */
function formatMessage(reason: string, src: string, position: number): string {
  const pos = Math.max(0, Math.min(position, src.length));
  const lineStart = src.lastIndexOf('\n', pos - 1) + 1;
  const nl = src.indexOf('\n', pos);
  const lineEnd = nl === -1 ? src.length : nl;
  const lineNo = src.slice(0, lineStart).split('\n').length;
  const column = pos - lineStart + 1;
  const where = src.includes('\n') ? `line ${lineNo}, column ${column}` : `column ${column}`;
  const at = pos >= src.length && src.trim() !== '' ? 'at the end of the expression' : `at ${where}`;
  // Control characters are shown as spaces so the caret stays aligned and the terminal stays sane.
  let line = src.slice(lineStart, lineEnd).replace(/[\u0000-\u001f\u007f]/g, ' ');
  let caret = column - 1;
  if (line.length > MAX_SHOWN) {
    const from = Math.max(0, Math.min(caret - MAX_SHOWN / 2, line.length - MAX_SHOWN));
    line = (from > 0 ? '...' : '') + line.slice(from, from + MAX_SHOWN) + (from + MAX_SHOWN < line.length ? '...' : '');
    caret = caret - from + (from > 0 ? 3 : 0);
  }
  if (src.trim() === '') return `${reason}: the expression is empty`;
  return `${reason} ${at}:\n  ${line}\n  ${' '.repeat(caret)}^`;
}
