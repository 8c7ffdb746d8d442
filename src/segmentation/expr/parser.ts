// Recursive-descent parser of the indicator expression language (grammar in docs/cli/expr.md).
// Precedence, loosest first: or, and, not, comparison (= != < <= > >=, [not] in, is [not] null,
// [not] between), + -, * /, unary -, primary. The function set is closed: anything else followed by '('
// is an unknown function.
import {
  AGGREGATE_FNS,
  PERIOD_FNS,
  type AggregateFn,
  type Ast,
  type BoolLit,
  type CompareOp,
  type Ident,
  type InList,
  type NumberLit,
  type OpToken,
  type PeriodFn,
  type StringLit,
} from './ast.ts';
import { ExprError } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';

/** Longer sources are refused outright; real indicators are one or two lines. */
export const MAX_SOURCE_LENGTH = 4000;
/** Deeper nesting (parentheses, operator chains) is refused, keeping every later stage's recursion shallow. */
export const MAX_DEPTH = 64;

const COMPARE_OPS = new Set(['>', '>=', '<', '<=', '=', '!=', '<>']);
const MAX_MONTHS = 240;

export function parseIndicator(src: string): Ast {
  if (typeof src !== 'string') throw new ExprError('the expression must be text', '', 0, '');
  if (src.length > MAX_SOURCE_LENGTH) {
    throw new ExprError(
      `the expression is too long (${src.length} characters, at most ${MAX_SOURCE_LENGTH})`,
      src,
      MAX_SOURCE_LENGTH,
      src[MAX_SOURCE_LENGTH],
    );
  }
  const p = new Parser(src, tokenize(src));
  if (p.peek().kind === 'eof')
    throw new ExprError('expected an indicator such as share(lines where ...) > 0.5', src, 0, '');
  const ast = p.parseOr();
  const t = p.peek();
  if (t.kind !== 'eof')
    p.fail(
      t.text === ')'
        ? `unexpected ')' without a matching '('`
        : `unexpected ${describe(t)}: expected 'and', 'or', a comparison or the end of the expression`,
      t,
    );
  return ast;
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'nothing';
  if (t.kind === 'string') return 'text ' + (t.text.length > 30 ? t.text.slice(0, 27) + "...'" : t.text);
  return `'${t.text}'`;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  fail(reason: string, t: Token): never {
    throw new ExprError(reason, this.src, t.pos, t.text);
  }

  private isKw(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'keyword' && t.word === word;
  }

  private isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.text === op;
  }

  private expectOp(op: string, context: string): Token {
    const t = this.peek();
    if (!(t.kind === 'op' && t.text === op)) this.fail(`expected '${op}' ${context} but found ${describe(t)}`, t);
    return this.next();
  }

  private opToken(t: Token): OpToken {
    return { text: t.text, pos: t.pos };
  }

  /** Guards every recursive descent and every chain link, so input can never exhaust the stack. */
  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) this.fail(`the expression is nested too deeply (more than ${MAX_DEPTH} levels)`, t);
  }

  private leave(): void {
    this.depth--;
  }

  parseOr(): Ast {
    return this.parseChain('or', () => this.parseAnd());
  }

  private parseAnd(): Ast {
    return this.parseChain('and', () => this.parseNot());
  }

  /**
   * `a or b or c ...`: AND and OR are associative (also with NULLs), so a chain is built as a balanced tree —
   * a long list of alternatives stays shallow and does not count as nesting.
   */
  private parseChain(word: 'and' | 'or', operand: () => Ast): Ast {
    const items = [operand()];
    const ops: Token[] = [];
    while (this.isKw(word)) {
      ops.push(this.next());
      items.push(operand());
    }
    const build = (from: number, to: number): Ast => {
      if (to - from === 1) return items[from];
      const mid = (from + to) >> 1;
      const left = build(from, mid);
      const right = build(mid, to);
      return { kind: 'logic', op: { text: word, pos: ops[mid - 1].pos }, left, right, pos: left.pos, end: right.end };
    };
    return build(0, items.length);
  }

  private parseNot(): Ast {
    if (this.isKw('not')) {
      const op = this.next();
      this.enter(op);
      const operand = this.parseNot();
      this.leave();
      return { kind: 'not', op: this.opToken(op), operand, pos: op.pos, end: operand.end };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Ast {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
      this.next();
      const right = this.parseAdditive();
      const after = this.peek();
      if (after.kind === 'op' && COMPARE_OPS.has(after.text)) {
        this.fail(`comparisons cannot be chained: join them with 'and'`, after);
      }
      return {
        kind: 'compare',
        op: { text: t.text as CompareOp, pos: t.pos },
        left,
        right,
        pos: left.pos,
        end: right.end,
      };
    }
    if (this.isKw('is')) {
      const op = this.next();
      const negated = this.isKw('not');
      if (negated) this.next();
      const n = this.peek();
      if (!this.isKw('null'))
        this.fail(`expected 'null' after '${negated ? 'is not' : 'is'}' but found ${describe(n)}`, n);
      this.next();
      return { kind: 'isnull', op: this.opToken(op), negated, operand: left, pos: left.pos, end: n.end };
    }
    let negated = false;
    if (this.isKw('not') && (this.isKw('in', 1) || this.isKw('between', 1))) {
      this.next();
      negated = true;
    }
    if (this.isKw('in')) return this.parseIn(left, negated);
    if (this.isKw('between')) {
      const op = this.next();
      const low = this.parseAdditive();
      const and = this.peek();
      if (!this.isKw('and')) this.fail(`expected 'and' in 'between ... and ...' but found ${describe(and)}`, and);
      this.next();
      const high = this.parseAdditive();
      return { kind: 'between', op: this.opToken(op), negated, operand: left, low, high, pos: left.pos, end: high.end };
    }
    if (this.isKw('not'))
      this.fail(`expected 'in' or 'between' after 'not' here; to negate a condition write not (...)`, this.peek());
    return left;
  }

  private parseIn(operand: Ast, negated: boolean): InList {
    const op = this.next();
    const t = this.peek();
    if (t.kind === 'ident') {
      this.next();
      const list: Ident = { kind: 'ident', name: t.text, pos: t.pos, end: t.end };
      return { kind: 'in', op: this.opToken(op), negated, operand, list, pos: operand.pos, end: t.end };
    }
    if (!this.isOp('(')) this.fail(`expected a list name or ('...', '...') after 'in' but found ${describe(t)}`, t);
    const open = this.next();
    const items: (NumberLit | StringLit | BoolLit)[] = [];
    for (;;) {
      items.push(this.parseLiteral());
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      const close = this.expectOp(')', `to close the list opened at column ${open.pos + 1}`);
      return {
        kind: 'in',
        op: this.opToken(op),
        negated,
        operand,
        list: { kind: 'items', items, pos: open.pos, end: close.end },
        pos: operand.pos,
        end: close.end,
      };
    }
  }

  private parseLiteral(): NumberLit | StringLit | BoolLit {
    const t = this.peek();
    if (t.kind === 'string') return (this.next(), { kind: 'string', value: t.value as string, pos: t.pos, end: t.end });
    if (t.kind === 'number')
      return (this.next(), { kind: 'number', value: t.value as number, percent: t.percent, pos: t.pos, end: t.end });
    if (this.isOp('-') && this.peek(1).kind === 'number') {
      this.next();
      const n = this.next();
      return { kind: 'number', value: -(n.value as number), percent: n.percent, pos: t.pos, end: n.end };
    }
    if (this.isKw('true') || this.isKw('false'))
      return (this.next(), { kind: 'bool', value: t.word === 'true', pos: t.pos, end: t.end });
    return this.fail(`expected a value ('text', a number, true or false) in the list but found ${describe(t)}`, t);
  }

  private parseAdditive(): Ast {
    const start = this.depth;
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      this.enter(op);
      const right = this.parseMultiplicative();
      left = {
        kind: 'arith',
        op: { text: op.text as '+' | '-', pos: op.pos },
        left,
        right,
        pos: left.pos,
        end: right.end,
      };
    }
    this.depth = start;
    return left;
  }

  private parseMultiplicative(): Ast {
    const start = this.depth;
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next();
      this.enter(op);
      const right = this.parseUnary();
      left = {
        kind: 'arith',
        op: { text: op.text as '*' | '/', pos: op.pos },
        left,
        right,
        pos: left.pos,
        end: right.end,
      };
    }
    this.depth = start;
    return left;
  }

  private parseUnary(): Ast {
    if (this.isOp('-')) {
      const op = this.next();
      this.enter(op);
      const operand = this.parseUnary();
      this.leave();
      return { kind: 'neg', op: this.opToken(op), operand, pos: op.pos, end: operand.end };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Ast {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'number', value: t.value as number, percent: t.percent, pos: t.pos, end: t.end };
      case 'string':
        this.next();
        return { kind: 'string', value: t.value as string, pos: t.pos, end: t.end };
      case 'ident':
        this.next();
        if (this.isOp('(')) return this.parseCall(t);
        return { kind: 'ident', name: t.text, pos: t.pos, end: t.end };
      case 'keyword':
        if (t.word === 'true' || t.word === 'false') {
          this.next();
          return { kind: 'bool', value: t.word === 'true', pos: t.pos, end: t.end };
        }
        if (t.word === 'lines')
          this.fail(`'lines' can only be the first argument of an aggregate, e.g. count(lines where ...)`, t);
        if (t.word === 'null') this.fail(`use 'is null' or 'is not null' to test for a missing value`, t);
        if (this.isOp('(', 1)) this.fail(`unknown function '${t.text}'`, t);
        return this.fail(`expected a value but found ${describe(t)}`, t);
      case 'op':
        if (t.text === '(') {
          this.next();
          this.enter(t);
          const inner = this.parseOr();
          const close = this.expectOp(')', `to close the '(' at column ${t.pos + 1}`);
          this.leave();
          return { ...inner, pos: t.pos, end: close.end };
        }
        return this.fail(`expected a value but found ${describe(t)}`, t);
      default:
        return this.fail(`expected a value but found nothing`, t);
    }
  }

  private parseCall(nameTok: Token): Ast {
    const fn = nameTok.text.toLowerCase();
    const name = this.opToken(nameTok);
    const open = this.next(); // '('
    this.enter(open);
    const ctx = `to close ${fn}( at column ${nameTok.pos + 1}`;
    let node: Ast;
    if ((AGGREGATE_FNS as readonly string[]).includes(fn)) {
      const s = this.peek();
      let source: Ast;
      if (this.isKw('lines')) source = { kind: 'lines', pos: s.pos, end: this.next().end };
      else if (s.kind === 'ident' && !this.isOp('(', 1))
        source = { kind: 'ident', name: s.text, pos: s.pos, end: this.next().end };
      else this.fail(`expected 'lines' or a column name as the first argument of ${fn}( but found ${describe(s)}`, s);
      let where: Ast | undefined;
      if (this.isKw('where')) {
        this.next();
        where = this.parseOr();
      }
      const close = this.expectOp(')', ctx);
      node = {
        kind: 'aggregate',
        fn: fn as AggregateFn,
        name,
        source: source as Ident,
        where,
        pos: nameTok.pos,
        end: close.end,
      };
    } else if ((PERIOD_FNS as readonly string[]).includes(fn)) {
      const inner = this.parseOr();
      this.expectOp(',', `after the first argument of ${fn}(`);
      const m = this.peek();
      if (
        m.kind !== 'number' ||
        m.percent ||
        !Number.isInteger(m.value) ||
        (m.value as number) < 1 ||
        (m.value as number) > MAX_MONTHS
      ) {
        this.fail(
          `expected a whole number of months from 1 to ${MAX_MONTHS}, e.g. ${fn}(..., 12 months), but found ${describe(m)}`,
          m,
        );
      }
      this.next();
      const unit = this.peek();
      if (!this.isKw('months') && !this.isKw('month'))
        this.fail(`expected 'months' after ${m.text} but found ${describe(unit)}`, unit);
      this.next();
      const close = this.expectOp(')', ctx);
      const months: NumberLit = { kind: 'number', value: m.value as number, pos: m.pos, end: m.end };
      node = { kind: 'period', fn: fn as PeriodFn, name, inner, months, pos: nameTok.pos, end: close.end };
    } else if (fn === 'starts_with') {
      const operand = this.parseAdditive();
      this.expectOp(',', `after the first argument of starts_with(`);
      const s = this.peek();
      if (s.kind !== 'string' && !(s.kind === 'ident' && !this.isOp('(', 1))) {
        this.fail(
          `expected the prefix in single quotes or a list name, e.g. starts_with(hs_code, '8703'), but found ${describe(s)}`,
          s,
        );
      }
      this.next();
      const prefix: StringLit | Ident =
        s.kind === 'string'
          ? { kind: 'string', value: s.value as string, pos: s.pos, end: s.end }
          : { kind: 'ident', name: s.text, pos: s.pos, end: s.end };
      const close = this.expectOp(')', ctx);
      node = { kind: 'starts_with', name, operand, prefix, pos: nameTok.pos, end: close.end };
    } else {
      return this.fail(`unknown function '${nameTok.text}'`, nameTok);
    }
    this.leave();
    return node;
  }
}
