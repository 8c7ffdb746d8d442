// Properties of the expression language: any input either compiles or is refused with ExprError (never any
// other error), compiled SQL is made only of the compiler's fixed vocabulary, whitelisted columns and
// parameter placeholders (no source text, in particular no text-literal contents), and every expression
// generated from the grammar compiles and runs in DuckDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { children, type Ast } from '../../src/segmentation/expr/ast.ts';
import {
  compileIndicator,
  DECLARATION_LINE_COLUMNS,
  ExprError,
  parseIndicator,
  type CompiledIndicator,
  type ExprContext,
} from '../../src/segmentation/expr/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ctx: ExprContext = {
  columns: { ...DECLARATION_LINE_COLUMNS },
  lists: {
    risky_origins: ['CN', 'VN', "x'; DROP TABLE lines; --"],
    risky_brokers: [],
    hs_prefixes: ['87', '6109', '030617', '9'],
  },
};
const PREFIX = 'p9';

/** Every word the compiler itself may write; anything else in the SQL would have come from the source. */
const SQL_WORDS = new Set(
  (
    'SELECT FROM WHERE GROUP BY AS CAST DOUBLE DATE VARCHAR BOOLEAN COALESCE FALSE SUM CASE WHEN THEN ELSE END ' +
    'COUNT DISTINCT AVG MIN MAX NULLIF AND OR NOT IN IS NULL BETWEEN LIKE ESCAPE UNNEST INTERVAL DAY MONTH SUBSTRING INTEGER ' +
    'operator_id value flag lines per_operator'
  ).split(' '),
);
const SQL_TOKEN =
  /\s+|"(?:[^"]|"")*"|'(?:[^']|'')*'|\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|\d+|<>|<=|>=|[(),*/+\-<>=]/y;

function assertSqlShape(c: CompiledIndicator): void {
  SQL_TOKEN.lastIndex = 0;
  let i = 0;
  while (i < c.sql.length) {
    SQL_TOKEN.lastIndex = i;
    const m = SQL_TOKEN.exec(c.sql);
    if (!m) throw new Error(`unexpected SQL text at ${i}: ${c.sql.slice(i, i + 20)}`);
    const tok = m[0];
    i += tok.length;
    if (/^\s/.test(tok)) continue;
    if (tok.startsWith('"')) expect(Object.keys(ctx.columns)).toContain(tok.slice(1, -1));
    else if (tok.startsWith("'")) expect(tok).toBe("'\\'");
    else if (tok.startsWith('$'))
      expect(tok === '$window_end' || Object.prototype.hasOwnProperty.call(c.params, tok.slice(1))).toBe(true);
    else if (/^\d/.test(tok)) expect(['0', '1']).toContain(tok);
    else if (/^[A-Za-z_]/.test(tok))
      expect(SQL_WORDS.has(tok) || new RegExp(`^${PREFIX}_agg_\\d+$`).test(tok), tok).toBe(true);
  }
  for (const name of Object.keys(c.params)) {
    expect(name).toMatch(new RegExp(`^${PREFIX}_\\d+$`));
    expect(c.sql).toMatch(new RegExp(`\\$${name}(?![0-9])`));
  }
}

function stringLiterals(ast: Ast): string[] {
  const own = ast.kind === 'string' ? [ast.value] : [];
  return [...own, ...children(ast).flatMap(stringLiterals)];
}

/** Compiles or returns the ExprError; any other error fails the property. */
function compileOrRefuse(src: string): CompiledIndicator | ExprError {
  try {
    return compileIndicator(src, ctx, { paramPrefix: PREFIX });
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    expect(e.position).toBeGreaterThanOrEqual(0);
    expect(e.position).toBeLessThanOrEqual(src.length);
    expect(src.slice(e.position, e.position + e.token.length)).toBe(e.token);
    return e;
  }
}

function checkCompiled(src: string, c: CompiledIndicator): void {
  assertSqlShape(c);
  for (const text of stringLiterals(parseIndicator(src))) {
    if (text.length > 0) expect(c.sql.includes(text), `literal ${JSON.stringify(text)} leaked into SQL`).toBe(false);
  }
}

const GRAMMAR_CHARS = 'abcdefghilmnoprstuvwxy_ ()\',.<>=!+-*/%0123456789;"`#$|\n\\'.split('');

const TOKENS = [
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
  'months',
  'month',
  'AND',
  'Where',
  'share',
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'distinct',
  'any',
  'all',
  'growth',
  'recent',
  'previous',
  'starts_with',
  'origin_country',
  'value',
  'date',
  'hs_code',
  'finding',
  'inspected',
  'supplier_id',
  'net_mass_kg',
  'exemption_code',
  'Duty',
  'risky_origins',
  'risky_brokers',
  '(',
  ')',
  '(',
  ')',
  ',',
  '+',
  '-',
  '*',
  '/',
  '>',
  '>=',
  '<',
  '<=',
  '=',
  '!=',
  '<>',
  '0.5',
  '12',
  '50%',
  '1e3',
  '.5',
  "'CN§'",
  "'2025-01-01'",
  "'x''; DROP TABLE lines; --'",
  "'/* § */'",
  "'\" ` §'",
  "''",
  ';',
  '--',
  '/*',
  '*/',
  '"',
  '`',
  "'",
  'drop',
  'select',
  'union',
  'exec',
  '$1',
  '$window_end',
  '.',
  '||',
  '#',
  '\\',
];

describe('expression language properties', () => {
  it('random strings: compile or ExprError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200, unit: 'binary' }),
          fc.string({ maxLength: 200, unit: fc.constantFrom(...GRAMMAR_CHARS) }),
        ),
        (src) => {
          const r = compileOrRefuse(src);
          if (!(r instanceof ExprError)) checkCompiled(src, r);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// ---- Expressions generated from the grammar: all well-typed, so all must compile and run. ----

const NUM_COLS = ['value', 'duty', 'net_mass_kg', 'quantity'];
const STR_COLS = ['origin_country', 'hs_code', 'supplier_id', 'declarant_id', 'exemption_code'];
const BOOL_COLS = ['finding', 'inspected', 'aeo_flag'];
const ALL_COLS = [...NUM_COLS, ...STR_COLS, ...BOOL_COLS, 'date'];

const num = fc.oneof(
  fc.integer({ min: -1000, max: 100000 }).map(String),
  fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x.toFixed(3)),
  fc.integer({ min: 0, max: 100 }).map((x) => `${x}%`),
);
/** Payloads that would change the statement if they were pasted into SQL instead of bound. */
const PAYLOADS = [
  "x'; DROP TABLE lines; --",
  "' OR 1=1 --",
  '*/ SELECT 1 /*',
  "\\'; --",
  '") OR ("1"="1',
  '`; DELETE FROM lines',
  '$1',
];
/** Text literals (random text marked with '§', or an injection payload); quotes doubled as the language requires. */
const str = fc
  .oneof(
    fc.string({ maxLength: 12 }).map((s) => `§${s}`),
    fc.constantFrom(...PAYLOADS),
  )
  .map((s) => `'${s.replace(/'/g, "''")}'`);
const dateLit = fc
  .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
  .map((d) => `'${d.toISOString().slice(0, 10)}'`);
const cmp = fc.constantFrom('>', '>=', '<', '<=', '=', '!=', '<>');
const pick = (xs: string[]) => fc.constantFrom(...xs);

const rowCond: fc.Memo<string> = fc.memo((n) => {
  const leaf = fc.oneof(
    fc.tuple(pick(NUM_COLS), cmp, num).map(([c, o, v]) => `${c} ${o} ${v}`),
    fc.tuple(pick(STR_COLS), fc.constantFrom('=', '!=', '<', '>='), str).map(([c, o, v]) => `${c} ${o} ${v}`),
    fc
      .tuple(pick(STR_COLS), fc.constantFrom('in', 'not in'), pick(['risky_origins', 'risky_brokers']))
      .map(([c, o, l]) => `${c} ${o} ${l}`),
    fc
      .tuple(pick(STR_COLS), fc.array(str, { minLength: 1, maxLength: 3 }))
      .map(([c, xs]) => `${c} in (${xs.join(', ')})`),
    fc.tuple(pick(ALL_COLS), fc.constantFrom('is null', 'is not null')).map(([c, t]) => `${c} ${t}`),
    fc.tuple(pick(NUM_COLS), num, num).map(([c, a, b]) => `${c} between ${a} and ${b}`),
    fc
      .tuple(pick(STR_COLS), fc.oneof(str, pick(['hs_prefixes', 'risky_brokers'])))
      .map(([c, s]) => `starts_with(${c}, ${s})`),
    pick(BOOL_COLS),
    fc.tuple(cmp, dateLit).map(([o, d]) => `date ${o} ${d}`),
    fc.tuple(pick(NUM_COLS), pick(NUM_COLS), cmp, num).map(([a, b, o, v]) => `${a} / ${b} ${o} ${v}`),
  );
  if (n <= 1) return leaf;
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: rowCond(n - 1).map((c) => `not (${c})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(rowCond(n - 1), fc.constantFrom('and', 'or'), rowCond(n - 1))
        .map(([a, o, b]) => `(${a}) ${o} (${b})`),
    },
  );
});

const where = fc.option(
  rowCond(2).map((c) => ` where ${c}`),
  { nil: '' },
);
const aggregate = fc.oneof(
  where.map((w) => `count(lines${w})`),
  rowCond(2).map((c) => `share(lines where ${c})`),
  fc.tuple(pick(NUM_COLS), rowCond(2)).map(([col, c]) => `share(${col} where ${c})`),
  fc.tuple(fc.constantFrom('sum', 'avg', 'min', 'max'), pick(NUM_COLS), where).map(([f, col, w]) => `${f}(${col}${w})`),
  fc.tuple(pick(ALL_COLS), where).map(([col, w]) => `distinct(${col}${w})`),
  fc.tuple(pick(ALL_COLS), where).map(([col, w]) => `count(${col}${w})`),
);

const aggNum: fc.Memo<string> = fc.memo((n) => {
  if (n <= 1) return fc.oneof({ weight: 4, arbitrary: aggregate }, { weight: 1, arbitrary: num });
  return fc.oneof(
    { weight: 3, arbitrary: aggregate },
    {
      weight: 2,
      arbitrary: fc
        .tuple(aggNum(n - 1), fc.constantFrom('+', '-', '*', '/'), aggNum(n - 1))
        .map(([a, o, b]) => `(${a} ${o} ${b})`),
    },
    { weight: 1, arbitrary: aggNum(n - 1).map((a) => `-(${a})`) },
  );
});

/** A number that measures lines (contains at least one aggregate), as every indicator must. */
const measure = fc.oneof(
  aggregate,
  fc.tuple(aggNum(2), fc.constantFrom('+', '-', '*', '/'), aggregate).map(([a, o, b]) => `(${a} ${o} ${b})`),
  fc.tuple(aggregate, fc.constantFrom('+', '-', '*', '/'), aggNum(2)).map(([a, o, b]) => `(${a} ${o} ${b})`),
);

const withPeriod = fc.oneof(
  { weight: 3, arbitrary: measure },
  {
    weight: 1,
    // The period's expression must contain an aggregate (a constant has no period).
    arbitrary: fc
      .tuple(
        fc.constantFrom('growth', 'recent', 'previous'),
        aggNum(2),
        fc.constantFrom('+', '-', '*', '/'),
        aggregate,
        fc.integer({ min: 1, max: 36 }),
      )
      .map(([f, a, o, b, m]) => `${f}(${a} ${o} ${b}, ${m} months)`),
  },
);

const indicator: fc.Memo<string> = fc.memo((n) => {
  const leaf = fc.oneof(
    fc.tuple(withPeriod, cmp, fc.oneof(num, withPeriod)).map(([a, o, b]) => `${a} ${o} ${b}`),
    rowCond(2).map((c) => `any(lines where ${c})`),
    rowCond(2).map((c) => `all(lines where ${c})`),
    fc.tuple(withPeriod, num, num).map(([a, x, y]) => `${a} between ${x} and ${y}`),
    withPeriod.map((a) => `${a} is null`),
  );
  if (n <= 1) return leaf;
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: indicator(n - 1).map((c) => `not (${c})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(indicator(n - 1), fc.constantFrom('and', 'or', 'AND'), indicator(n - 1))
        .map(([a, o, b]) => `(${a}) ${o} (${b})`),
    },
  );
});

describe('token soups and mutated expressions', () => {
  it('token soups from the grammar and SQL: compile or ExprError; compiled SQL holds no source text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(' ', '', '\n'),
        (toks, sep) => {
          const src = toks.join(sep);
          const r = compileOrRefuse(src);
          if (!(r instanceof ExprError)) checkCompiled(src, r);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('valid expressions with tokens spliced in (quotes, comments, SQL, grammar words): compile or ExprError, never a leak', () => {
    let compiled = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        indicator(2),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (valid, inserts, glue) => {
          const parts = valid.split(' ');
          for (const [at, tok] of inserts) parts.splice(at % (parts.length + 1), 0, tok);
          const src = parts.join(glue ? '' : ' ');
          const r = compileOrRefuse(src);
          if (r instanceof ExprError) refused++;
          else {
            compiled++;
            checkCompiled(src, r);
          }
        },
      ),
      { numRuns: 1500 },
    );
    // Nearly every splice breaks the grammar; what matters is that each refusal is an ExprError at the right token.
    expect(compiled + refused).toBe(1500);
    expect(refused).toBeGreaterThan(1000);
  });
});

describe('expressions generated from the grammar', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    await ws.run(`
      INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, origin_country, supplier_id, declarant_id,
        exemption_code, value, duty, net_mass_kg, quantity, finding, inspected, aeo_flag) VALUES
      ('d1', 1, DATE '2024-02-10', 'A', '870321', 'CN', 'S1', 'B1', NULL, 100, 10, 5, 1, true, true, NULL),
      ('d2', 1, DATE '2025-03-01', 'A', '610910', 'FR', 'S2', NULL, 'E1', 0, 0, 0, NULL, NULL, false, false),
      ('d3', 1, DATE '2025-11-30', 'B', '030617', NULL, NULL, 'B2', NULL, 50, NULL, NULL, 3, false, NULL, true),
      ('d4', 1, DATE '2025-12-31', 'C', '940360', 'VN', 'S3', 'B3', 'E2', 1e6, 2e4, 1e3, 10, NULL, true, NULL)`);
    await ws.run('CREATE TEMP VIEW lines AS SELECT * FROM declaration_lines');
  });
  afterAll(() => ws?.close());

  it('compile, hold only whitelisted SQL, and run in DuckDB with a boolean flag per operator', async () => {
    await fc.assert(
      fc.asyncProperty(indicator(2), async (src) => {
        const c = compileIndicator(src, ctx, { paramPrefix: PREFIX });
        checkCompiled(src, c);
        const rows = await ws.all<{ operator_id: string; value: unknown; flag: unknown }>(c.sql, {
          ...c.params,
          window_end: '2025-12-31',
        });
        expect(rows.map((r) => r.operator_id).sort()).toEqual(['A', 'B', 'C']);
        for (const r of rows) {
          expect(typeof r.flag).toBe('boolean');
          if (c.valueType === 'boolean') expect(r.value).toBe(r.flag);
          else expect(r.value === null || typeof r.value === 'number').toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
