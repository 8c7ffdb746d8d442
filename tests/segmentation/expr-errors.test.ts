// Refusals: injection attempts and mistakes an analyst makes, each with the exact message, the position
// (0-based offset) and the offending token.
import { describe, expect, it } from 'vitest';
import {
  compileIndicator,
  DECLARATION_LINE_COLUMNS,
  ExprError,
  type ExprContext,
} from '../../src/segmentation/expr/index.ts';

const ctx: ExprContext = {
  columns: { ...DECLARATION_LINE_COLUMNS },
  lists: { risky_origins: ['CN', 'VN'], risky_brokers: [] },
};

function refusal(src: string): ExprError {
  try {
    compileIndicator(src, ctx, { paramPrefix: 'i1' });
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw e;
  }
  throw new Error(`compiled, but should have been refused: ${src}`);
}

describe('injection attempts are refused at the offending token', () => {
  it('a semicolon ending the expression, with the full message', () => {
    const e = refusal("share(lines where origin_country = 'CN') > 0.5; DROP TABLE declaration_lines");
    expect(e.message).toBe(
      "';' is not allowed: an indicator is a single expression at column 47:\n" +
        "  share(lines where origin_country = 'CN') > 0.5; DROP TABLE declaration_lines\n" +
        '                                                ^',
    );
    expect([e.position, e.token]).toEqual([46, ';']);
  });

  it('a -- comment after breaking out of a quote', () => {
    const e = refusal("share(lines where origin_country = 'CN' OR 1=1 --') > 0.5");
    expect(e.message).toBe(
      "comments are not allowed ('--') at column 48:\n" +
        "  share(lines where origin_country = 'CN' OR 1=1 --') > 0.5\n" +
        '                                                 ^',
    );
    expect([e.position, e.token]).toEqual([47, '--']);
  });

  it('a /* */ comment', () => {
    const e = refusal("share(lines where origin_country = 'CN' /* x */) > 0.5");
    expect(e.message.split('\n')[0]).toBe("comments are not allowed ('/*') at column 41:");
    expect([e.position, e.token]).toEqual([40, '/*']);
  });

  it('an extra quote: the text never closes', () => {
    const e = refusal("share(lines where origin_country = 'CN'') > 0.5");
    expect(e.message).toBe(
      "unterminated text: missing closing quote (') at column 36:\n" +
        "  share(lines where origin_country = 'CN'') > 0.5\n" +
        '                                     ^',
    );
    expect([e.position, e.token]).toEqual([35, "'"]);
  });

  it('double-quoted identifiers and backticks', () => {
    const dq = refusal('share(lines where origin_country = "CN") > 0.5');
    expect(dq.message.split('\n')[0]).toBe(
      "double quotes are not allowed: write column names bare (origin_country) and text in single quotes ('CN') at column 36:",
    );
    expect([dq.position, dq.token]).toEqual([35, '"']);
    const bt = refusal("share(lines where `origin_country` = 'CN') > 0.5");
    expect(bt.message.split('\n')[0]).toBe("unexpected character '`' at column 19:");
    expect([bt.position, bt.token]).toEqual([18, '`']);
  });

  it('unknown functions, with the full message', () => {
    const e = refusal('count(lines where pg_sleep(10) = 1) > 0');
    expect(e.message).toBe(
      "unknown function 'pg_sleep' at column 19:\n" +
        '  count(lines where pg_sleep(10) = 1) > 0\n' +
        '                    ^',
    );
    expect([e.position, e.token]).toEqual([18, 'pg_sleep']);
    expect(refusal("share(lines where origin_country = 'CN') > 0.5 or exists(select 1)").message.split('\n')[0]).toBe(
      "unknown function 'exists' at column 51:",
    );
    expect(refusal('count(lines where origin_country = CHAR(39)) > 0').message.split('\n')[0]).toBe(
      "unknown function 'CHAR' at column 36:",
    );
  });

  it('unknown columns, with a suggestion for a near miss', () => {
    const e = refusal('sum(password) > 0');
    expect(e.message).toBe("unknown column 'password' at column 5:\n  sum(password) > 0\n      ^");
    expect(refusal('count(lines where operator_id = current_user) > 0').message.split('\n')[0]).toBe(
      "unknown column 'current_user' at column 33:",
    );
    expect(refusal("count(lines where orign_country = 'CN') > 0").message.split('\n')[0]).toBe(
      "unknown column 'orign_country' (did you mean 'origin_country'?) at column 19:",
    );
  });

  it('trailing SQL, qualified names, string concatenation, parameters, control characters', () => {
    const cases: [string, string, number, string][] = [
      [
        "share(lines where origin_country = 'CN') > 0.5 union select 1",
        "unexpected 'union': expected 'and', 'or', a comparison or the end of the expression at column 48:",
        47,
        'union',
      ],
      ['count(lines.origin_country) > 0', "unexpected character '.' at column 12:", 11, '.'],
      ["count(lines where hs_code = '8703' || 'x') > 0", "unexpected character '|' at column 36:", 35, '|'],
      ['count(lines where date <= $window_end) > 0', "unexpected character '$' at column 27:", 26, '$'],
      [
        'count(lines where origin_country in risky_origins)) > 0',
        "unexpected ')' without a matching '(' at column 51:",
        50,
        ')',
      ],
      ["count(lines where origin_country = 'CN'\u0000) > 0", 'unexpected character U+0000 at column 40:', 39, '\u0000'],
      ['count(lines where value > 12abc) > 0', "malformed number '12abc' at column 27:", 26, '12abc'],
      [
        "count(lines where\n  origin_country = 'CN' ;) > 0",
        "';' is not allowed: an indicator is a single expression at line 2, column 25:",
        42,
        ';',
      ],
    ];
    for (const [src, first, pos, token] of cases) {
      const e = refusal(src);
      expect(e.message.split('\n')[0], src).toBe(first);
      expect([e.position, e.token], src).toEqual([pos, token]);
    }
  });

  it('a quote inside text is doubled and stays inside the bound value', () => {
    const c = compileIndicator("count(lines where supplier_id = 'x''; DROP TABLE lines; --') > 0", ctx, {
      paramPrefix: 'i1',
    });
    expect(c.params.i1_1).toBe("x'; DROP TABLE lines; --");
    expect(c.sql).not.toContain('DROP');
    expect(c.sql).not.toContain('--');
  });
});

describe('mistakes are explained where they are', () => {
  const cases: [string, string, number, string][] = [
    ['share(lines where date > 5) > 0', "cannot compare a date with a number ('>') at column 24:", 23, '>'],
    [
      'count(lines) and 1',
      "'and' needs conditions (true/false) on both sides, got a number and a number at column 14:",
      13,
      'and',
    ],
    [
      'sum(origin_country) > 1',
      "sum(...) needs a number column, e.g. sum(value); 'origin_country' is a string at column 5:",
      4,
      'origin_country',
    ],
    [
      'share(lines where origin_country in risky_stuff) > 0',
      "unknown list 'risky_stuff' (lists: risky_brokers, risky_origins) at column 37:",
      36,
      'risky_stuff',
    ],
    [
      'share(lines where value in risky_origins) > 0',
      "list 'risky_origins' holds text but the value before 'in' is a number at column 25:",
      24,
      'in',
    ],
    [
      "origin_country = 'CN'",
      "column 'origin_country' describes one line: use it inside an aggregate, e.g. sum(origin_country) or share(lines where origin_country ...) at column 1:",
      0,
      'origin_country',
    ],
    [
      "share(lines where origin_country = 'CN')",
      "the indicator must be a condition that is true or false for each operator (e.g. add '> 0.5'); this expression gives a number at the end of the expression:",
      40,
      '',
    ],
    [
      'count(lines where count(lines) > 1) > 0',
      'aggregate count(...) cannot be used inside a where condition at column 19:',
      18,
      'count',
    ],
    [
      'growth(growth(count(lines), 3 months), 12 months) > 0',
      'growth(...) cannot be used inside growth(...) at column 8:',
      7,
      'growth',
    ],
    [
      'growth(count(lines), 0 months) > 0',
      "expected a whole number of months from 1 to 240, e.g. growth(..., 12 months), but found '0' at column 22:",
      21,
      '0',
    ],
    ['growth(count(lines), 12) > 0', "expected 'months' after 12 but found ')' at column 24:", 23, ')'],
    [
      'share(lines) > 0.5',
      'share(...) needs a condition: share(lines where origin_country in risky_origins) at column 1:',
      0,
      'share',
    ],
    [
      "count(lines where date > '2025-13-01') > 0",
      "expected a date written 'YYYY-MM-DD' at column 26:",
      25,
      "'2025-13-01'",
    ],
    ['count(lines where finding > true) > 0', "'>' cannot order boolean values; use = or != at column 27:", 26, '>'],
    ['count(lines) > 1 > 0', "comparisons cannot be chained: join them with 'and' at column 18:", 17, '>'],
    [
      'count(lines where risky_origins) > 0',
      "'risky_origins' is a list: use it after 'in', e.g. origin_country in risky_origins at column 19:",
      18,
      'risky_origins',
    ],
    [
      "count(lines where origin_country is 'CN') > 0",
      "expected 'null' after 'is' but found text 'CN' at column 37:",
      36,
      "'CN'",
    ],
    [
      'count(lines where origin_country = null) > 0',
      "use 'is null' or 'is not null' to test for a missing value at column 36:",
      35,
      'null',
    ],
    [
      "share(lines where origin_country = 'CN'",
      "expected ')' to close share( at column 1 but found nothing at the end of the expression:",
      39,
      '',
    ],
    ['count(lines where value > 1e999) > 0', "number '1e999' is too large at column 27:", 26, '1e999'],
  ];
  for (const [src, first, pos, token] of cases) {
    it(src, () => {
      const e = refusal(src);
      expect(e.message.split('\n')[0]).toBe(first);
      expect([e.position, e.token]).toEqual([pos, token]);
      expect(e).toBeInstanceOf(ExprError);
      expect(e.name).toBe('ExprError');
    });
  }

  it('pasted text: typographic quotes are explained, no-break spaces are spaces', () => {
    const e = refusal('count(lines where origin_country = \u2018CN\u2019) > 0');
    expect(e.message.split('\n')[0]).toBe(
      "typographic quote '\u2018': write text between straight single quotes ('CN') at column 36:",
    );
    expect(() =>
      compileIndicator("count(lines\u00a0where origin_country = 'CN') > 0", ctx, { paramPrefix: 'i1' }),
    ).not.toThrow();
  });

  it('an indicator must measure lines', () => {
    const e = refusal('  1 > 0');
    expect(e.message.split('\n')[0]).toBe(
      "the indicator must measure the operator's lines, e.g. share(lines where ...) > 0.5 or count(lines) > 100 at column 3:",
    );
    expect([e.position, e.token]).toEqual([2, '1 > 0']);
  });

  it('an empty expression', () => {
    expect(refusal('   ').message).toBe(
      'expected an indicator such as share(lines where ...) > 0.5: the expression is empty',
    );
  });

  it('refuses nesting deeper than the limit instead of exhausting the stack', () => {
    const e = refusal('('.repeat(200) + 'count(lines) > 1' + ')'.repeat(200));
    expect(e.message.split('\n')[0]).toBe('the expression is nested too deeply (more than 64 levels) at column 65:');
    const chain = refusal('count(lines) > ' + Array(100).fill('1').join(' + '));
    expect(chain.reason).toBe('the expression is nested too deeply (more than 64 levels)');
  });

  it('clips a long line around the offending token', () => {
    const src = 'count(lines where ' + Array(40).fill("origin_country = 'CN'").join(' or ') + ' or nope = 1) > 0';
    const e = refusal(src);
    const [first, line, caret] = e.message.split('\n');
    expect(first).toBe(`unknown column 'nope' at column ${src.indexOf('nope') + 1}:`);
    expect(line.length).toBeLessThanOrEqual(2 + 106);
    expect(line.slice(caret.indexOf('^'), caret.indexOf('^') + 4)).toBe('nope');
  });
});
