// Lexer of the indicator expression language. It knows the complete, small alphabet of the language and
// refuses everything else at the first offending character — semicolons, comments, double quotes, backticks —
// so no text outside the grammar ever reaches the parser, let alone SQL.
import { ExprError } from './errors.ts';

export type TokenKind = 'number' | 'string' | 'ident' | 'keyword' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The token exactly as written (for 'string' with its quotes). */
  text: string;
  /** Keywords: the lower-cased word. */
  word?: string;
  /** number: numeric value (50% → 0.5); string: unquoted contents. */
  value?: number | string;
  percent?: boolean;
  /** 0-based offset of the first character. */
  pos: number;
  end: number;
}

/** Reserved words (case-insensitive); they cannot name columns or lists. */
export const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'null',
  'between',
  'where',
  'lines',
  'true',
  'false',
  'month',
  'months',
]);

const COMMENT_MARKS = ['--', '/*', '*/', '#'];
const OPERATORS = ['>=', '<=', '!=', '<>', '(', ')', ',', '+', '-', '*', '/', '>', '<', '='];

const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);
/** Includes the no-break space that text pasted from word processors carries. */
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u00a0';
/** Typographic quotes, as word processors turn 'CN' into ‘CN’. */
const CURLY_QUOTES = new Set(['\u2018', '\u2019', '\u201c', '\u201d']);

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (reason: string, pos: number, token: string): never => {
    throw new ExprError(reason, src, pos, token);
  };
  while (i < src.length) {
    const c = src[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const comment = COMMENT_MARKS.find((m) => src.startsWith(m, i));
    if (comment) fail(`comments are not allowed ('${comment}')`, i, comment);
    if (c === ';') fail(`';' is not allowed: an indicator is a single expression`, i, c);
    if (c === '"') {
      fail(
        `double quotes are not allowed: write column names bare (origin_country) and text in single quotes ('CN')`,
        i,
        c,
      );
    }
    if (CURLY_QUOTES.has(c)) fail(`typographic quote '${c}': write text between straight single quotes ('CN')`, i, c);
    if (c === "'") {
      tokens.push(readString(src, i, fail));
      i = tokens[tokens.length - 1].end;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      tokens.push(readNumber(src, i, fail));
      i = tokens[tokens.length - 1].end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < src.length && isIdentPart(src[j])) j++;
      const text = src.slice(i, j);
      const lower = text.toLowerCase();
      if (KEYWORDS.has(lower)) tokens.push({ kind: 'keyword', text, word: lower, pos: i, end: j });
      else tokens.push({ kind: 'ident', text, pos: i, end: j });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, pos: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const cp = src.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    const shown = cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
    fail(`unexpected character ${shown}`, i, ch);
  }
  tokens.push({ kind: 'eof', text: '', pos: src.length, end: src.length });
  return tokens;
}

/** 'text' with '' for a quote inside; no other escapes, no newlines. */
function readString(src: string, start: number, fail: (r: string, p: number, t: string) => never): Token {
  let j = start + 1;
  let value = '';
  for (;;) {
    if (j >= src.length || src[j] === '\n') {
      return fail(`unterminated text: missing closing quote (')`, start, "'");
    }
    const cp = src.charCodeAt(j);
    if (cp < 0x20 || cp === 0x7f)
      return fail(`control character U+${cp.toString(16).toUpperCase().padStart(4, '0')} inside text`, j, src[j]);
    if (src[j] === "'") {
      if (src[j + 1] === "'") {
        value += "'";
        j += 2;
        continue;
      }
      break;
    }
    value += src[j];
    j++;
  }
  return { kind: 'string', text: src.slice(start, j + 1), value, pos: start, end: j + 1 };
}

/** 12, 0.5, .5, 1e6, 2.5E-3, and percentages 50% or 12.5% (→ 0.5, 0.125). */
function readNumber(src: string, start: number, fail: (r: string, p: number, t: string) => never): Token {
  const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(start));
  const digits = m![0];
  let end = start + digits.length;
  let percent = false;
  if (src[end] === '%') {
    percent = true;
    end++;
  }
  if (end < src.length && (isIdentPart(src[end]) || src[end] === '.')) {
    let j = end;
    while (j < src.length && (isIdentPart(src[j]) || src[j] === '.')) j++;
    fail(`malformed number '${src.slice(start, j)}'`, start, src.slice(start, j));
  }
  let value = Number(digits);
  if (!Number.isFinite(value)) fail(`number '${digits}' is too large`, start, digits);
  if (percent) value = value / 100;
  return { kind: 'number', text: src.slice(start, end), value, percent, pos: start, end };
}
