// Type checker: resolves every identifier against the context (columns of `lines`, named lists), checks
// that each operation gets the types it needs and that aggregates and row conditions are used at the right
// level. Outside an aggregate only per-operator numbers and conditions exist; inside `where` only the
// columns of one line. Every refusal is an ExprError pointing at the offending token.
import { containsAggregate, type Aggregate, type Ast, type Ident, type Period } from './ast.ts';
import { ExprError } from './errors.ts';

export type ExprType = 'number' | 'boolean' | 'string' | 'date';

export interface ExprContext {
  /** Columns of the `lines` relation usable in where/sum/avg/... (declaration_lines canonical columns). */
  columns: Record<string, ExprType>;
  /** Named lists usable after `in`, e.g. risky_origins, given or derived from history. */
  lists: Record<string, string[]>;
}

/** What the compiler needs from the check: each identifier's resolved name, and text literals read as dates. */
export interface Checked {
  columns: Map<Ident, string>;
  lists: Map<Ident, string>;
  dateLiterals: Set<Ast>;
  types: Map<Ast, ExprType>;
}

type Level = 'operator' | 'line';

const ORDERED: ReadonlySet<ExprType> = new Set(['number', 'string', 'date']);

export function typecheck(ast: Ast, ctx: ExprContext, src: string): Checked {
  const c = new Checker(ctx, src);
  const t = c.check(ast, 'operator', undefined);
  if (!containsAggregate(ast)) {
    throw new ExprError(
      `the indicator must measure the operator's lines, e.g. share(lines where ...) > 0.5 or count(lines) > 100`,
      src,
      ast.pos,
      src.slice(ast.pos, ast.end),
    );
  }
  if (t !== 'boolean') {
    throw new ExprError(
      `the indicator must be a condition that is true or false for each operator (e.g. add '> 0.5'); this expression gives a ${t}`,
      src,
      src.length,
      '',
    );
  }
  return c.out;
}

class Checker {
  readonly out: Checked = { columns: new Map(), lists: new Map(), dateLiterals: new Set(), types: new Map() };

  constructor(
    private readonly ctx: ExprContext,
    private readonly src: string,
  ) {}

  /** Points at the operator or name written at pos; the token is taken from the source as written. */
  private fail(reason: string, pos: number): never {
    const token = /^(?:<>|!=|>=|<=|[A-Za-z_][A-Za-z0-9_]*|[\s\S])/.exec(this.src.slice(pos))?.[0] ?? '';
    throw new ExprError(reason, this.src, pos, token);
  }

  private failAt(reason: string, node: Ast): never {
    throw new ExprError(reason, this.src, node.pos, this.src.slice(node.pos, node.end));
  }

  /** `period` is the enclosing growth/recent/previous, if any. */
  check(node: Ast, level: Level, period: Period | undefined): ExprType {
    const t = this.infer(node, level, period);
    this.out.types.set(node, t);
    return t;
  }

  private infer(node: Ast, level: Level, period: Period | undefined): ExprType {
    switch (node.kind) {
      case 'number':
        return 'number';
      case 'string':
        return 'string';
      case 'bool':
        return 'boolean';
      case 'lines':
        return this.failAt(`'lines' can only be the first argument of an aggregate, e.g. count(lines where ...)`, node);
      case 'ident':
        return this.identType(node, level);
      case 'neg': {
        const t = this.check(node.operand, level, period);
        if (t !== 'number') this.fail(`'-' needs a number, got a ${t}`, node.op.pos);
        return 'number';
      }
      case 'not': {
        const t = this.check(node.operand, level, period);
        if (t !== 'boolean') this.fail(`'not' needs a condition (true/false), got a ${t}`, node.op.pos);
        return 'boolean';
      }
      case 'arith': {
        const l = this.check(node.left, level, period);
        const r = this.check(node.right, level, period);
        if (l !== 'number' || r !== 'number') {
          this.fail(`'${node.op.text}' needs numbers on both sides, got a ${l} and a ${r}`, node.op.pos);
        }
        return 'number';
      }
      case 'logic': {
        const l = this.check(node.left, level, period);
        const r = this.check(node.right, level, period);
        if (l !== 'boolean' || r !== 'boolean') {
          this.fail(
            `'${node.op.text}' needs conditions (true/false) on both sides, got a ${l} and a ${r}`,
            node.op.pos,
          );
        }
        return 'boolean';
      }
      case 'compare': {
        const op = node.op.text;
        const [l] = this.comparable(node.left, node.right, level, period, node.op.pos, op);
        if (op !== '=' && op !== '!=' && op !== '<>' && !ORDERED.has(l)) {
          this.fail(`'${op}' cannot order ${l} values; use = or !=`, node.op.pos);
        }
        return 'boolean';
      }
      case 'between': {
        const word = node.negated ? 'not between' : 'between';
        const [t] = this.comparable(node.operand, node.low, level, period, node.op.pos, word);
        this.comparable(node.operand, node.high, level, period, node.op.pos, word);
        if (!ORDERED.has(t)) this.fail(`'between' cannot order ${t} values`, node.op.pos);
        return 'boolean';
      }
      case 'isnull':
        this.check(node.operand, level, period);
        return 'boolean';
      case 'in':
        return this.inType(node, level, period);
      case 'aggregate':
        return this.aggregateType(node, level, period);
      case 'period': {
        if (level === 'line') this.fail(`${node.fn}(...) cannot be used inside a where condition`, node.name.pos);
        if (period) this.fail(`${node.fn}(...) cannot be used inside ${period.fn}(...)`, node.name.pos);
        const dateCol = this.resolveName('date', this.ctx.columns);
        if (!dateCol || this.ctx.columns[dateCol] !== 'date') {
          this.fail(`${node.fn}(...) needs the 'date' column of the lines, which is not available`, node.name.pos);
        }
        const t = this.check(node.inner, 'operator', node);
        if (t !== 'number' || !containsAggregate(node.inner)) {
          this.failAt(
            `${node.fn}(...) needs an aggregate such as share(lines where ...) or count(lines)${t === 'number' ? '' : `, got a ${t}`}`,
            node.inner,
          );
        }
        this.out.types.set(node.months, 'number');
        return 'number';
      }
      case 'starts_with': {
        if (level === 'operator') {
          this.fail(
            `starts_with(...) tests one line: use it inside a where condition, e.g. count(lines where starts_with(hs_code, '87'))`,
            node.name.pos,
          );
        }
        const t = this.check(node.operand, level, period);
        if (t !== 'string') this.failAt(`starts_with(...) needs a text column, got a ${t}`, node.operand);
        if (node.prefix.kind === 'ident') this.listName(node.prefix);
        this.out.types.set(node.prefix, 'string');
        return 'boolean';
      }
    }
  }

  private identType(node: Ident, level: Level): ExprType {
    const col = this.resolveName(node.name, this.ctx.columns);
    if (col !== undefined) {
      if (level === 'operator') {
        this.failAt(
          `column '${node.name}' describes one line: use it inside an aggregate, e.g. sum(${col}) or share(lines where ${col} ...)`,
          node,
        );
      }
      this.out.columns.set(node, col);
      return this.ctx.columns[col];
    }
    if (this.resolveName(node.name, this.ctx.lists) !== undefined) {
      this.failAt(`'${node.name}' is a list: use it after 'in', e.g. origin_country in ${node.name}`, node);
    }
    return this.failAt(`unknown column '${node.name}'${this.suggest(node.name, Object.keys(this.ctx.columns))}`, node);
  }

  /** Both sides must have the same type; a text literal next to a date is read as a date 'YYYY-MM-DD'. */
  private comparable(
    a: Ast,
    b: Ast,
    level: Level,
    period: Period | undefined,
    opPos: number,
    op: string,
  ): [ExprType, ExprType] {
    let l = this.check(a, level, period);
    let r = this.check(b, level, period);
    if (l === 'date' && b.kind === 'string') r = this.dateLiteral(b);
    else if (r === 'date' && a.kind === 'string') l = this.dateLiteral(a);
    if (l !== r) this.fail(`cannot compare a ${l} with a ${r} ('${op}')`, opPos);
    return [l, r];
  }

  private dateLiteral(node: Ast & { kind: 'string' }): ExprType {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(node.value);
    const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : undefined;
    if (!m || !d || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
      this.failAt(`expected a date written 'YYYY-MM-DD'`, node);
    }
    this.out.dateLiterals.add(node);
    this.out.types.set(node, 'date');
    return 'date';
  }

  private inType(node: Ast & { kind: 'in' }, level: Level, period: Period | undefined): ExprType {
    const t = this.check(node.operand, level, period);
    const word = node.negated ? 'not in' : 'in';
    if (node.list.kind === 'ident') {
      const name = this.listName(node.list);
      if (t !== 'string') this.fail(`list '${name}' holds text but the value before '${word}' is a ${t}`, node.op.pos);
      return 'boolean';
    }
    for (const item of node.list.items) {
      let it = this.check(item, level, period);
      if (t === 'date' && item.kind === 'string') it = this.dateLiteral(item);
      if (it !== t) this.failAt(`the list holds a ${it} but the value before '${word}' is a ${t}`, item);
    }
    return 'boolean';
  }

  /** Resolves a list name (recorded for the compiler) or refuses it. */
  private listName(list: Ident): string {
    const name = this.resolveName(list.name, this.ctx.lists);
    if (name === undefined) {
      if (this.resolveName(list.name, this.ctx.columns) !== undefined) {
        this.failAt(`'${list.name}' is a column, not a list: compare columns with =`, list);
      }
      const known = Object.keys(this.ctx.lists).sort();
      this.failAt(
        `unknown list '${list.name}'${known.length ? ` (lists: ${known.join(', ')})` : ' (no lists are defined)'}`,
        list,
      );
    }
    this.out.lists.set(list, name);
    return name;
  }

  private aggregateType(node: Aggregate, level: Level, period: Period | undefined): ExprType {
    const fn = node.fn;
    if (level === 'line') this.fail(`aggregate ${fn}(...) cannot be used inside a where condition`, node.name.pos);
    let sourceType: ExprType | undefined;
    if (node.source.kind === 'ident') sourceType = this.check(node.source, 'line', period);
    const lines = node.source.kind === 'lines';
    const example: Record<string, string> = {
      share: 'share(lines where origin_country in risky_origins)',
      any: 'any(lines where finding)',
      all: "all(lines where channel = 'green')",
      sum: 'sum(value)',
      avg: 'avg(value)',
      min: 'min(value)',
      max: 'max(value)',
      distinct: 'distinct(supplier_id)',
    };
    if ((fn === 'sum' || fn === 'avg' || fn === 'min' || fn === 'max') && sourceType !== 'number') {
      this.failAt(
        `${fn}(...) needs a number column, e.g. ${example[fn]}${lines ? '' : `; '${(node.source as Ident).name}' is a ${sourceType}`}`,
        node.source,
      );
    }
    if (fn === 'distinct' && lines)
      this.failAt(`distinct(...) counts the different values of a column, e.g. ${example.distinct}`, node.source);
    if (fn === 'share' && !lines && sourceType !== 'number') {
      this.failAt(
        `share(...) takes 'lines' (share of lines) or a number column (share of its total); '${(node.source as Ident).name}' is a ${sourceType}`,
        node.source,
      );
    }
    if ((fn === 'any' || fn === 'all') && !lines)
      this.failAt(`${fn}(...) takes 'lines', e.g. ${example[fn]}`, node.source);
    if ((fn === 'share' || fn === 'any' || fn === 'all') && !node.where) {
      this.fail(`${fn}(...) needs a condition: ${example[fn]}`, node.name.pos);
    }
    if (node.where) {
      const w = this.check(node.where, 'line', period);
      if (w !== 'boolean')
        this.failAt(`the where condition must be true or false for each line, got a ${w}`, node.where);
    }
    return fn === 'any' || fn === 'all' ? 'boolean' : 'number';
  }

  /** Exact name first, then a unique case-insensitive match. */
  private resolveName(name: string, table: Record<string, unknown>): string | undefined {
    if (Object.prototype.hasOwnProperty.call(table, name)) return name;
    const lower = name.toLowerCase();
    const hits = Object.keys(table).filter((k) => k.toLowerCase() === lower);
    return hits.length === 1 ? hits[0] : undefined;
  }

  private suggest(name: string, candidates: string[]): string {
    let best: string | undefined;
    let bestD = 3;
    for (const c of candidates) {
      const d = editDistance(name.toLowerCase(), c.toLowerCase());
      if (d < bestD) [best, bestD] = [c, d];
    }
    return best ? ` (did you mean '${best}'?)` : '';
  }
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
