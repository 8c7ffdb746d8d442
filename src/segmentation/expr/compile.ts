// Compiler: checked syntax tree → one parameterised SQL statement over the relation `lines`, one row per
// operator. The SQL text is built only from this file's own fixed fragments, whitelisted column names
// (quoted) and parameter placeholders; every literal and list from the source is a bound parameter.
// Plain CASE WHEN / SUM / COUNT / AVG, no FILTER clause; the few pieces that differ between engines (list
// membership, LIKE escapes, date arithmetic, list parameters) come from the dialect.
import { listValue } from '@duckdb/node-api';
import { containsAggregate, type Aggregate, type Ast, type Period } from './ast.ts';
import type { Checked, ExprContext } from './typecheck.ts';
import { duckdbDialect, type Dialect } from '../../engine/dialect.ts';

/** DuckDB's spelling, the default (ClickHouse's comes from src/engine/dialect.ts). */
const DUCKDB = duckdbDialect((items) => listValue(items));

export interface CompiledIndicator {
  /**
   * SELECT operator_id, <value> AS value, <flag> AS flag FROM (SELECT operator_id, <aggregates> FROM lines
   * WHERE "date" <= CAST($window_end AS DATE) GROUP BY operator_id) AS per_operator
   */
  sql: string;
  /** Every literal and list of the source, named <paramPrefix>_<n>; bind them together with $window_end. */
  params: Record<string, unknown>;
  /** 'number' when the indicator is one comparison of an aggregate (value = the aggregate side), else 'boolean' (value = flag). */
  valueType: 'number' | 'boolean';
  /**
   * The same statement in parts, to compute several indicators in one pass over the lines: put every
   * indicator's aggregates (`<sql> AS <name>`, names unique per paramPrefix) in one GROUP BY operator_id over
   * `lines`, then compute each indicator's value and flag from those columns.
   */
  parts: { aggregates: { name: string; sql: string }[]; value: string; flag: string };
}

const PREFIX_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The window end the engine binds (DATE, last day of the window), read robustly whatever JS type it binds. */
const WINDOW_END = 'CAST($window_end AS DATE)';
/** The canonical line date; growth/recent/previous and the window filter use it. */
const DATE_COLUMN = 'date';

export function compileChecked(
  ast: Ast,
  checked: Checked,
  ctx: ExprContext,
  paramPrefix: string,
  dialect: Dialect = DUCKDB,
): CompiledIndicator {
  if (!PREFIX_RE.test(paramPrefix) || paramPrefix === 'window_end') {
    throw new TypeError(
      `paramPrefix must be a plain SQL identifier (letters, digits, _), got ${JSON.stringify(paramPrefix)}`,
    );
  }
  const g = new Generator(checked, ctx, paramPrefix, dialect);
  const flag = `COALESCE(${g.expr(ast, undefined)}, FALSE)`;
  let value = flag;
  let valueType: 'number' | 'boolean' = 'boolean';
  const measured = measuredSide(ast);
  if (measured && checked.types.get(measured) === 'number') {
    value = `CAST(${g.expr(measured, undefined)} AS DOUBLE)`;
    valueType = 'number';
  }
  // Two steps: one pass over the lines computes each distinct aggregate once (<prefix>_agg_1, ...), then the
  // value and the flag are computed per operator from those. `lines` already holds the window only; the
  // date filter is a no-op that keeps $window_end always referenced, so the engine can bind it unconditionally.
  const parts = { aggregates: [...g.aggregates].map(([sql, name]) => ({ name, sql })), value, flag };
  const aggregates = parts.aggregates.map((a) => `${a.sql} AS ${a.name}`).join(', ');
  const sql =
    `SELECT operator_id, ${value} AS value, ${flag} AS flag FROM (` +
    `SELECT operator_id, ${aggregates} FROM lines WHERE ${quoteIdent(DATE_COLUMN)} <= ${WINDOW_END} GROUP BY operator_id` +
    `) AS per_operator`;
  return { sql, params: g.params, valueType, parts };
}

/** The value shown as evidence: the aggregate side of a top-level comparison or between. */
function measuredSide(ast: Ast): Ast | undefined {
  if (ast.kind === 'compare') {
    if (containsAggregate(ast.left) || !containsAggregate(ast.right)) return ast.left;
    return ast.right;
  }
  if (ast.kind === 'between') return ast.operand;
  return undefined;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface Window {
  /** SQL condition selecting the lines of the period. */
  cond: string;
}

class Generator {
  readonly params: Record<string, unknown> = {};
  /** Aggregate SQL → its column in the per-operator step; identical aggregates share one column. */
  readonly aggregates = new Map<string, string>();
  private n = 0;
  /** Placeholders already given to a node, so regenerating the value side reuses the same parameters. */
  private readonly bound = new Map<object, Map<string, string>>();

  constructor(
    private readonly checked: Checked,
    private readonly ctx: ExprContext,
    private readonly prefix: string,
    private readonly d: Dialect,
  ) {}

  /** The placeholder of (node, part), created once: regenerated SQL stays identical text. */
  private bind(node: object, value: unknown, part = ''): string {
    let parts = this.bound.get(node);
    if (!parts) this.bound.set(node, (parts = new Map()));
    const have = parts.get(part);
    if (have) return have;
    const name = `${this.prefix}_${++this.n}`;
    this.params[name] = value;
    const ph = `$${name}`;
    parts.set(part, ph);
    return ph;
  }

  /** SQL for one node; `win` is the period (growth/recent/previous) whose lines the aggregates count. */
  expr(node: Ast, win: Window | undefined): string {
    switch (node.kind) {
      case 'number':
        return `CAST(${this.bind(node, node.value)} AS DOUBLE)`;
      case 'string':
        return this.checked.dateLiterals.has(node)
          ? `CAST(${this.bind(node, node.value)} AS DATE)`
          : `CAST(${this.bind(node, node.value)} AS VARCHAR)`;
      case 'bool':
        return `CAST(${this.bind(node, node.value)} AS BOOLEAN)`;
      case 'ident':
        return quoteIdent(this.column(node));
      case 'lines':
        throw new Error('internal: lines outside an aggregate passed the type check');
      case 'neg':
        return `(- ${this.expr(node.operand, win)})`;
      case 'not':
        return `(NOT ${this.expr(node.operand, win)})`;
      case 'arith': {
        const l = this.expr(node.left, win);
        const r = this.expr(node.right, win);
        // Division by zero or by a missing value gives NULL (an undefined value, flag false), never an error.
        if (node.op.text === '/') return `(CAST(${l} AS DOUBLE) / NULLIF(CAST(${r} AS DOUBLE), 0))`;
        return `(${l} ${node.op.text} ${r})`;
      }
      case 'logic':
        return `(${this.expr(node.left, win)} ${node.op.text === 'and' ? 'AND' : 'OR'} ${this.expr(node.right, win)})`;
      case 'compare':
        return `(${this.expr(node.left, win)} ${node.op.text === '!=' ? '<>' : node.op.text} ${this.expr(node.right, win)})`;
      case 'between':
        return `(${this.expr(node.operand, win)} ${node.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.expr(node.low, win)} AND ${this.expr(node.high, win)})`;
      case 'isnull':
        return `(${this.expr(node.operand, win)} ${node.negated ? 'IS NOT NULL' : 'IS NULL'})`;
      case 'in':
        return this.inList(node, win);
      case 'starts_with':
        return this.startsWith(node, win);
      case 'aggregate':
        return this.aggregate(node, win);
      case 'period':
        return this.period(node);
    }
  }

  private column(node: Ast & { kind: 'ident' }): string {
    const name = this.checked.columns.get(node);
    if (name === undefined) throw new Error(`internal: unresolved column at ${node.pos}`);
    return name;
  }

  private inList(node: Ast & { kind: 'in' }, win: Window | undefined): string {
    const operand = this.expr(node.operand, win);
    let test: string;
    if (node.list.kind === 'ident') {
      const name = this.checked.lists.get(node.list);
      if (name === undefined) throw new Error(`internal: unresolved list at ${node.list.pos}`);
      const items = this.listItems(name);
      // A semi-join against the unnested list: fast for thousands of items, one parameter whatever the size.
      test = items.length
        ? `(${this.d.inListParam(operand, this.bind(node.list, this.d.listParam(items)))})`
        : `(CASE WHEN ${operand} IS NULL THEN CAST(NULL AS BOOLEAN) ELSE FALSE END)`;
    } else {
      test = `(${operand} IN (${node.list.items.map((i) => this.expr(i, win)).join(', ')}))`;
    }
    return node.negated ? `(NOT ${test})` : test;
  }

  /**
   * One prefix: LIKE with _ % \\ escaped. A list of prefixes: one semi-join per prefix length
   * (SUBSTRING(col, 1, L) IN (...)), so thousands of HS headings stay a hash lookup, not a scan of the list.
   */
  private startsWith(node: Ast & { kind: 'starts_with' }, win: Window | undefined): string {
    const operand = this.expr(node.operand, win);
    if (node.prefix.kind === 'string') {
      const pattern = node.prefix.value.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
      return `(${this.d.likeEscaped(operand, this.bind(node.prefix, pattern))})`;
    }
    const name = this.checked.lists.get(node.prefix);
    if (name === undefined) throw new Error(`internal: unresolved list at ${node.prefix.pos}`);
    const byLength = new Map<number, string[]>();
    for (const p of this.listItems(name)) byLength.set(p.length, [...(byLength.get(p.length) ?? []), p]);
    if (byLength.size === 0) return `(CASE WHEN ${operand} IS NULL THEN CAST(NULL AS BOOLEAN) ELSE FALSE END)`;
    const tests = [...byLength]
      .sort(([a], [b]) => a - b)
      .map(([len, items]) => {
        const l = this.bind(node.prefix, len, `length ${len}`);
        const ph = this.bind(node.prefix, this.d.listParam(items), `items ${len}`);
        return `(${this.d.inListParam(`SUBSTRING(${operand}, 1, CAST(${l} AS INTEGER))`, ph)})`;
      });
    return `(${tests.join(' OR ')})`;
  }

  private listItems(name: string): string[] {
    return [...new Set((this.ctx.lists[name] ?? []).map(String))];
  }

  /** Lines counted by an aggregate: its where condition and the period's lines, either possibly absent. */
  private filter(where: Ast | undefined, win: Window | undefined): string | undefined {
    const parts = [where ? this.expr(where, win) : undefined, win?.cond].filter((p): p is string => !!p);
    return parts.length ? parts.join(' AND ') : undefined;
  }

  private aggregate(node: Aggregate, win: Window | undefined): string {
    const sql = this.aggregateSql(node, win);
    let alias = this.aggregates.get(sql);
    if (!alias) {
      alias = `${this.prefix}_agg_${this.aggregates.size + 1}`;
      this.aggregates.set(sql, alias);
    }
    return alias;
  }

  private aggregateSql(node: Aggregate, win: Window | undefined): string {
    const f = this.filter(node.where, win);
    const countIf = (cond: string | undefined) => (cond ? `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)` : 'COUNT(*)');
    const col = node.source.kind === 'ident' ? quoteIdent(this.column(node.source)) : undefined;
    const colIf = (cond: string | undefined) => (cond ? `CASE WHEN ${cond} THEN ${col} END` : col!);
    const ratio = (num: string, den: string) => `(CAST(${num} AS DOUBLE) / NULLIF(CAST(${den} AS DOUBLE), 0))`;
    switch (node.fn) {
      case 'count':
        return col ? `COUNT(${colIf(f)})` : countIf(f);
      case 'share':
        return col
          ? ratio(`COALESCE(SUM(${colIf(f)}), 0)`, `SUM(${colIf(win?.cond)})`)
          : ratio(countIf(f), countIf(win?.cond));
      case 'sum':
        return `COALESCE(SUM(${colIf(f)}), 0)`;
      case 'avg':
        return `AVG(${colIf(f)})`;
      case 'min':
        return `MIN(${colIf(f)})`;
      case 'max':
        return `MAX(${colIf(f)})`;
      case 'distinct':
        return `COUNT(DISTINCT ${colIf(f)})`;
      case 'any':
        return `(${countIf(f)} > 0)`;
      case 'all': {
        const w = this.expr(node.where!, win);
        const missing = `CASE WHEN ${w} THEN 0 ELSE 1 END`;
        return `(SUM(${win ? `CASE WHEN ${win.cond} THEN ${missing} ELSE 0 END` : missing}) = 0)`;
      }
    }
  }

  /**
   * recent: the N months ending on $window_end; previous: the N months before those; growth: recent − previous.
   * Month-aligned: with window_end = 2025-12-31 and N = 12, recent is 2025-01-01..2025-12-31.
   */
  private period(node: Period): string {
    const d = quoteIdent(DATE_COLUMN);
    const start = (months: string) => this.d.monthsBeforeNextDay(WINDOW_END, months);
    const n = this.bind(node.months, node.months.value);
    const recent = (): Window => ({ cond: `(${d} >= ${start(n)} AND ${d} <= ${WINDOW_END})` });
    // Bound only when used: DuckDB refuses a statement given a parameter it does not reference.
    const previous = (): Window => ({
      cond: `(${d} >= ${start(this.bind(node, node.months.value * 2))} AND ${d} < ${start(n)})`,
    });
    if (node.fn === 'recent') return this.expr(node.inner, recent());
    if (node.fn === 'previous') return this.expr(node.inner, previous());
    return `(${this.expr(node.inner, recent())} - ${this.expr(node.inner, previous())})`;
  }
}
