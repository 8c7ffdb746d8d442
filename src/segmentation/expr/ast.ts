// Syntax tree of an indicator expression. Every node keeps where it was written (pos/end: 0-based offsets),
// so later stages (type check, compile) can point at the offending token.

/** '<>' is accepted as a synonym of '!='; the spelling is kept so messages quote what was written. */
export type CompareOp = '>' | '>=' | '<' | '<=' | '=' | '!=' | '<>';
export type ArithOp = '+' | '-' | '*' | '/';
/** Per-operator aggregates over the operator's lines. */
export type AggregateFn = 'share' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'distinct' | 'any' | 'all';
/** Period functions: the aggregate over the last N months of the window, the N months before, or the change. */
export type PeriodFn = 'growth' | 'recent' | 'previous';

export const AGGREGATE_FNS: readonly AggregateFn[] = [
  'share',
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'distinct',
  'any',
  'all',
];
export const PERIOD_FNS: readonly PeriodFn[] = ['growth', 'recent', 'previous'];
export const ROW_FNS = ['starts_with'] as const;

interface Span {
  pos: number;
  end: number;
}
/** An operator token (its position and spelling) for messages about the operation. */
export interface OpToken {
  text: string;
  pos: number;
}

/** `percent`: written as 50% (value 0.5), so evidence can show it the same way. */
export interface NumberLit extends Span {
  kind: 'number';
  value: number;
  percent?: boolean;
}
export interface StringLit extends Span {
  kind: 'string';
  value: string;
}
export interface BoolLit extends Span {
  kind: 'bool';
  value: boolean;
}
/** A column or a list name; which one is decided by the type checker against the context. */
export interface Ident extends Span {
  kind: 'ident';
  name: string;
}
export interface Lines extends Span {
  kind: 'lines';
}
export interface Negate extends Span {
  kind: 'neg';
  op: OpToken;
  operand: Ast;
}
export interface Not extends Span {
  kind: 'not';
  op: OpToken;
  operand: Ast;
}
export interface Arith extends Span {
  kind: 'arith';
  op: OpToken & { text: ArithOp };
  left: Ast;
  right: Ast;
}
export interface Logic extends Span {
  kind: 'logic';
  op: OpToken & { text: 'and' | 'or' };
  left: Ast;
  right: Ast;
}
export interface Compare extends Span {
  kind: 'compare';
  op: OpToken & { text: CompareOp };
  left: Ast;
  right: Ast;
}
export interface InList extends Span {
  kind: 'in';
  op: OpToken;
  negated: boolean;
  operand: Ast;
  /** `in risky_origins` (a named list) or `in ('CN', 'VN')` (literals). */
  list: Ident | { kind: 'items'; items: (NumberLit | StringLit | BoolLit)[]; pos: number; end: number };
}
export interface IsNull extends Span {
  kind: 'isnull';
  op: OpToken;
  negated: boolean;
  operand: Ast;
}
export interface Between extends Span {
  kind: 'between';
  op: OpToken;
  negated: boolean;
  operand: Ast;
  low: Ast;
  high: Ast;
}
export interface Aggregate extends Span {
  kind: 'aggregate';
  fn: AggregateFn;
  name: OpToken;
  /** `lines` or a column. */
  source: Lines | Ident;
  where?: Ast;
}
export interface Period extends Span {
  kind: 'period';
  fn: PeriodFn;
  name: OpToken;
  inner: Ast;
  months: NumberLit;
}
/** `starts_with(hs_code, '87')`, or with a named list of prefixes: `starts_with(hs_code, risky_hs_headings)`. */
export interface StartsWith extends Span {
  kind: 'starts_with';
  name: OpToken;
  operand: Ast;
  prefix: StringLit | Ident;
}

export type Ast =
  | NumberLit
  | StringLit
  | BoolLit
  | Ident
  | Lines
  | Negate
  | Not
  | Arith
  | Logic
  | Compare
  | InList
  | IsNull
  | Between
  | Aggregate
  | Period
  | StartsWith;

/** Direct children, for generic walks. */
export function children(node: Ast): Ast[] {
  switch (node.kind) {
    case 'neg':
    case 'not':
    case 'isnull':
      return [node.operand];
    case 'arith':
    case 'logic':
    case 'compare':
      return [node.left, node.right];
    case 'in':
      return node.list.kind === 'ident' ? [node.operand, node.list] : [node.operand, ...node.list.items];
    case 'between':
      return [node.operand, node.low, node.high];
    case 'aggregate':
      return node.where ? [node.source, node.where] : [node.source];
    case 'period':
      return [node.inner, node.months];
    case 'starts_with':
      return [node.operand, node.prefix];
    default:
      return [];
  }
}

export function containsAggregate(node: Ast): boolean {
  return node.kind === 'aggregate' || node.kind === 'period' || children(node).some(containsAggregate);
}

const FLIPPED: Record<CompareOp, CompareOp> = {
  '>': '<',
  '>=': '<=',
  '<': '>',
  '<=': '>=',
  '=': '=',
  '!=': '!=',
  '<>': '<>',
};

/** The threshold of an indicator, for evidence ("62% ... threshold 50%"). */
export type Threshold =
  | { op: CompareOp; value: number; percent: boolean }
  | { op: 'between' | 'not between'; low: number; high: number; percent: boolean };

/**
 * The threshold when the indicator is one comparison of an aggregate with a number (either side; the operator
 * is turned so it reads "value op threshold"), or `aggregate [not] between a and b`; otherwise undefined.
 */
export function thresholdOf(ast: Ast): Threshold | undefined {
  const num = (n: Ast): NumberLit | undefined =>
    n.kind === 'number'
      ? n
      : n.kind === 'neg' && n.operand.kind === 'number'
        ? { ...n.operand, value: -n.operand.value }
        : undefined;
  if (ast.kind === 'compare') {
    const right = num(ast.right);
    if (right && containsAggregate(ast.left)) return { op: ast.op.text, value: right.value, percent: !!right.percent };
    const left = num(ast.left);
    if (left && containsAggregate(ast.right))
      return { op: FLIPPED[ast.op.text], value: left.value, percent: !!left.percent };
  }
  if (ast.kind === 'between' && containsAggregate(ast.operand)) {
    const low = num(ast.low);
    const high = num(ast.high);
    if (low && high) {
      return {
        op: ast.negated ? 'not between' : 'between',
        low: low.value,
        high: high.value,
        percent: !!(low.percent || high.percent),
      };
    }
  }
  return undefined;
}
