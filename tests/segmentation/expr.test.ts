// Known answers: compiled indicators run in DuckDB over a hand-made `lines` relation (window 2024-01-01 ..
// 2025-12-31, window_end 2025-12-31). Expected values are computed by hand in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import {
  compileIndicator,
  DECLARATION_LINE_COLUMNS,
  parseIndicator,
  thresholdOf,
  type ExprContext,
} from '../../src/segmentation/expr/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

const INJECTED_SUPPLIER = "x'; DROP TABLE lines; --";

// id, operator, date, hs, origin, broker, supplier, value, duty, exemption, inspected, finding, net mass
const ROWS: [
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  number,
  number,
  string | null,
  boolean | null,
  boolean | null,
  number | null,
][] = [
  ['A1', 'A', '2024-03-10', '870321', 'FR', 'B1', 'S1', 100, 10, null, true, false, 10],
  ['A2', 'A', '2024-12-31', '870322', 'DE', 'B1', 'S1', 300, 30, null, false, null, 0],
  ['A3', 'A', '2025-01-01', '610910', 'CN', 'B9', 'S2', 200, 0, 'E1', true, true, 20],
  ['A4', 'A', '2025-06-15', '610910', 'CN', 'B9', 'S2', 400, 0, null, true, false, 20],
  ['A5', 'A', '2025-12-31', '620342', 'VN', 'B1', 'S3', 100, 5, 'E2', false, null, null],
  ['B1', 'B', '2025-02-01', '030617', 'EC', 'B2', INJECTED_SUPPLIER, 1000, 50, null, true, false, 100],
  ['B2', 'B', '2025-03-01', '030617', 'CN', 'B2', 'S4', 1000, 50, null, false, null, 100],
  ['C0', 'C', '2023-12-31', '940360', 'VN', 'B3', 'S5', 50, 5, null, true, false, 5],
  ['C1', 'C', '2024-06-01', '940360', 'VN', 'B3', 'S5', 50, 5, 'E1', true, true, 5],
  ['C2', 'C', '2025-07-01', '940360', null, null, null, 0, 0, null, null, null, 0],
  ['D1', 'D', '2025-05-05', '870899', 'JP', 'B4', 'S6', 500, 25, null, true, false, 50],
];

const ctx: ExprContext = {
  columns: { ...DECLARATION_LINE_COLUMNS },
  lists: { risky_origins: ['CN', 'VN'], risky_brokers: [], risky_headings: ['8703', '61', '9999999999', '8703'] },
};

let ws: Workspace;

beforeAll(async () => {
  ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
  for (const r of ROWS) {
    await ws.run(
      `INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, origin_country, declarant_id,
         supplier_id, value, duty, exemption_code, inspected, finding, net_mass_kg)
       VALUES ($id, 1, CAST($date AS DATE), $op, $hs, $origin, $broker, $supplier, $value, $duty, $ex, $insp, $find, $mass)`,
      {
        id: r[0],
        op: r[1],
        date: r[2],
        hs: r[3],
        origin: r[4],
        broker: r[5],
        supplier: r[6],
        value: r[7],
        duty: r[8],
        ex: r[9],
        insp: r[10],
        find: r[11],
        mass: r[12],
      },
    );
  }
  await ws.run('CREATE TEMP VIEW lines AS SELECT * FROM declaration_lines');
});

afterAll(() => ws?.close());

interface Out {
  value: number | boolean | null;
  flag: boolean;
}

/** Per operator {value, flag}; values rounded to 6 decimals. */
async function run(src: string): Promise<Record<string, Out>> {
  const c = compileIndicator(src, ctx, { paramPrefix: 'u7' });
  const rows = await ws.all<{ operator_id: string; value: number | boolean | null; flag: boolean }>(c.sql, {
    ...c.params,
    window_end: '2025-12-31',
  });
  const out: Record<string, Out> = {};
  for (const r of rows) {
    out[r.operator_id] = {
      value: typeof r.value === 'number' ? Math.round(r.value * 1e6) / 1e6 : r.value,
      flag: r.flag,
    };
  }
  return out;
}

const flags = (o: Record<string, Out>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.flag]));
const values = (o: Record<string, Out>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value]));

describe('indicator expressions: known answers in DuckDB', () => {
  it('share of lines from risky origins, with the share as value (A 3/5, B 1/2, C 2/3 — null origin counts in the total)', async () => {
    const o = await run('share(lines where origin_country in risky_origins) > 0.5');
    expect(values(o)).toEqual({ A: 0.6, B: 0.5, C: 0.666667, D: 0 });
    expect(flags(o)).toEqual({ A: true, B: false, C: true, D: false });
    expect(
      compileIndicator('share(lines where origin_country in risky_origins) > 0.5', ctx, { paramPrefix: 'p' }).valueType,
    ).toBe('number');
  });

  it('percent literals: >= 50% includes the boundary 0.5', async () => {
    expect(flags(await run('share(lines where origin_country in risky_origins) >= 50%'))).toEqual({
      A: true,
      B: true,
      C: true,
      D: false,
    });
  });

  it('growth over 12 months: recent 2025 minus previous 2024, month-aligned, boundaries included, no previous lines → null', async () => {
    // A: recent A3,A4,A5 exempt 2/3; previous A1,A2 (2024-12-31 is previous) 0/2 → 0.666667.
    // B: previous period empty → undefined. C: recent 0/1, previous C1 1/1 (C0 of 2023-12-31 is outside) → -1.
    const o = await run('growth(share(lines where exemption_code is not null), 12 months) > 0.2');
    expect(values(o)).toEqual({ A: 0.666667, B: null, C: -1, D: null });
    expect(flags(o)).toEqual({ A: true, B: false, C: false, D: false });
  });

  it('recent, previous and growth of a count', async () => {
    expect(values(await run('recent(count(lines), 12 months) > 0'))).toEqual({ A: 3, B: 2, C: 1, D: 1 });
    expect(values(await run('previous(count(lines), 12 months) > 0'))).toEqual({ A: 2, B: 0, C: 1, D: 0 });
    const g = await run('growth(count(lines), 12 months) >= 1');
    expect(values(g)).toEqual({ A: 1, B: 2, C: 0, D: 1 });
    expect(flags(g)).toEqual({ A: true, B: true, C: false, D: true });
    // 6-month periods: recent 2025-07-01..2025-12-31, previous 2025-01-01..2025-06-30.
    expect(values(await run('growth(count(lines), 6 months) > 0'))).toEqual({ A: -1, B: -2, C: 1, D: -1 });
  });

  it('arithmetic between aggregates: duty / value', async () => {
    // A 45/1100, B 100/2000 = 0.05 (not < 5%), C 10/100, D 25/500
    const o = await run('sum(duty) / sum(value) < 5%');
    expect(values(o)).toEqual({ A: 0.040909, B: 0.05, C: 0.1, D: 0.05 });
    expect(flags(o)).toEqual({ A: true, B: false, C: false, D: false });
  });

  it('division by zero gives an undefined value and a false flag, never an error', async () => {
    // C: duty on not-inspected lines: C2 has inspected = null, so `not inspected` is not true → 0 → undefined.
    const o = await run('sum(duty where inspected) / sum(duty where not inspected) > 0.25');
    expect(values(o)).toEqual({ A: 0.285714, B: 1, C: null, D: null });
    expect(flags(o)).toEqual({ A: true, B: true, C: false, D: false });
    // Row-level division: value per kg; mass 0 or null never matches.
    expect(values(await run('count(lines where value / net_mass_kg > 15) >= 1'))).toEqual({ A: 1, B: 0, C: 0, D: 0 });
  });

  it('avg, distinct, share of a value column', async () => {
    expect(values(await run('avg(value where inspected) > 100'))).toEqual({ A: 233.333333, B: 1000, C: 50, D: 500 });
    expect(values(await run('distinct(supplier_id) >= 2'))).toEqual({ A: 3, B: 2, C: 1, D: 1 });
    expect(values(await run('share(value where origin_country in risky_origins) > 0.5'))).toEqual({
      A: 0.636364,
      B: 0.5,
      C: 1,
      D: 0,
    });
    expect(values(await run('max(value) - min(value) > 0'))).toEqual({ A: 300, B: 0, C: 50, D: 0 });
  });

  it('bare boolean aggregates: value is the flag', async () => {
    const any = await run('any(lines where finding)');
    expect(any).toEqual({
      A: { value: true, flag: true },
      B: { value: false, flag: false },
      C: { value: true, flag: true },
      D: { value: false, flag: false },
    });
    expect(flags(await run('all(lines where inspected)'))).toEqual({ A: false, B: false, C: false, D: true });
    expect(compileIndicator('any(lines where finding)', ctx, { paramPrefix: 'p' }).valueType).toBe('boolean');
  });

  it('and / or / not at the top level make a boolean indicator', async () => {
    const o = await run('not (share(lines where origin_country in risky_origins) > 0.5) and count(lines) >= 2');
    expect(flags(o)).toEqual({ A: false, B: true, C: false, D: false });
    expect(values(o)).toEqual(flags(o));
  });

  it('starts_with takes the prefix literally (_ and % are not wildcards)', async () => {
    expect(values(await run("count(lines where starts_with(hs_code, '8703')) = 2"))).toEqual({
      A: 2,
      B: 0,
      C: 0,
      D: 0,
    });
    expect(values(await run("count(lines where starts_with(hs_code, '87_')) > 0"))).toEqual({ A: 0, B: 0, C: 0, D: 0 });
    expect(values(await run("count(lines where starts_with(hs_code, '%')) > 0"))).toEqual({ A: 0, B: 0, C: 0, D: 0 });
  });

  it('starts_with a list of prefixes of several lengths (one semi-join per length); an empty list matches nothing', async () => {
    // A: 870321, 870322 (8703) and 610910 twice (61); D's 870899 is 8708, not 8703.
    expect(values(await run('count(lines where starts_with(hs_code, risky_headings)) > 0'))).toEqual({
      A: 4,
      B: 0,
      C: 0,
      D: 0,
    });
    expect(values(await run('count(lines where not starts_with(hs_code, risky_brokers)) > 0'))).toEqual({
      A: 5,
      B: 2,
      C: 3,
      D: 1,
    });
    const c = compileIndicator('share(lines where starts_with(hs_code, risky_headings)) > 0.5', ctx, {
      paramPrefix: 'h',
    });
    expect(c.sql.match(/SUBSTRING/g)).toHaveLength(3); // lengths 2, 4 and 10, each once
  });

  it('a quote-and-semicolon literal is matched as plain text and the table survives', async () => {
    const o = await run("count(lines where supplier_id = 'x''; DROP TABLE lines; --') = 1");
    expect(flags(o)).toEqual({ A: false, B: true, C: false, D: false });
    expect(await ws.scalar('SELECT count(*) FROM declaration_lines')).toBe(ROWS.length);
  });

  it('dates, between, literal lists, not in and is null (3-valued: null never matches)', async () => {
    expect(values(await run("count(lines where date between '2025-01-01' and '2025-06-30') >= 2"))).toEqual({
      A: 2,
      B: 2,
      C: 0,
      D: 1,
    });
    expect(values(await run("count(lines where date < '2024-01-01') > 0"))).toEqual({ A: 0, B: 0, C: 1, D: 0 });
    expect(values(await run("count(lines where origin_country not in ('CN', 'VN')) > 0"))).toEqual({
      A: 2,
      B: 1,
      C: 0,
      D: 1,
    });
    expect(flags(await run('count(lines where origin_country is null) > 0'))).toEqual({
      A: false,
      B: false,
      C: true,
      D: false,
    });
    expect(values(await run('count(lines where value in (100, 1000)) > 0'))).toEqual({ A: 2, B: 2, C: 0, D: 0 });
  });

  it('an empty named list matches nothing', async () => {
    const o = await run('share(lines where declarant_id in risky_brokers) > 0');
    expect(values(o)).toEqual({ A: 0, B: 0, C: 0, D: 0 });
    expect(flags(o)).toEqual({ A: false, B: false, C: false, D: false });
  });

  it('between at the top level keeps the aggregate as value', async () => {
    const o = await run('share(lines where origin_country in risky_origins) between 0.5 and 0.6');
    expect(flags(o)).toEqual({ A: true, B: true, C: false, D: false });
    expect(values(o)).toEqual({ A: 0.6, B: 0.5, C: 0.666667, D: 0 });
  });

  it('the value is the aggregate side even when written on the right', async () => {
    expect(values(await run('0.5 < share(lines where origin_country in risky_origins)'))).toEqual({
      A: 0.6,
      B: 0.5,
      C: 0.666667,
      D: 0,
    });
  });

  it('a long chain of alternatives is not nesting: 150 or-ed conditions compile and run', async () => {
    const codes = Array.from({ length: 150 }, (_, i) => `hs_code = '${i === 77 ? '610910' : String(100000 + i)}'`);
    expect(values(await run(`count(lines where ${codes.join(' or ')}) > 0`))).toEqual({ A: 2, B: 0, C: 0, D: 0 });
  });

  it('keywords and functions are case-insensitive; columns resolve case-insensitively to the context spelling', async () => {
    const a = await run('SHARE(LINES WHERE Origin_Country IN risky_origins) > 0.5');
    expect(flags(a)).toEqual({ A: true, B: false, C: true, D: false });
  });
});

describe('compiled form', () => {
  it('binds every literal and list under the prefix and quotes whitelisted columns', () => {
    const c = compileIndicator("share(lines where origin_country in risky_origins and hs_code = '870321') > 0.5", ctx, {
      paramPrefix: 'ind_3',
    });
    expect(Object.keys(c.params)).toEqual(['ind_3_1', 'ind_3_2', 'ind_3_3']);
    expect(c.params.ind_3_2).toBe('870321');
    expect(c.params.ind_3_3).toBe(0.5);
    expect(c.sql).toContain('"origin_country" IN (SELECT UNNEST($ind_3_1))');
    expect(c.sql).not.toContain('870321');
    expect(c.sql).toMatch(
      /^SELECT operator_id, .* AS value, .* AS flag FROM \(SELECT operator_id, .* FROM lines WHERE "date" <= CAST\(\$window_end AS DATE\) GROUP BY operator_id\) AS per_operator$/,
    );
  });

  it('computes each distinct aggregate once, even when it appears in both the value and the flag', () => {
    const c = compileIndicator('growth(share(lines where origin_country in risky_origins), 12 months) > 0.1', ctx, {
      paramPrefix: 'g',
    });
    // recent and previous share: two aggregates, one list semi-join each.
    expect(c.sql.match(/ AS g_agg_\d+/g)).toEqual([' AS g_agg_1', ' AS g_agg_2']);
    expect(c.sql.match(/UNNEST/g)).toHaveLength(2);
    expect(
      c.sql.startsWith(
        'SELECT operator_id, CAST((g_agg_1 - g_agg_2) AS DOUBLE) AS value, COALESCE(((g_agg_1 - g_agg_2) > CAST($g_4 AS DOUBLE)), FALSE) AS flag FROM (',
      ),
    ).toBe(true);
  });

  it('refuses a parameter prefix that is not a plain identifier (a programming error, not an expression error)', () => {
    expect(() => compileIndicator('any(lines where finding)', ctx, { paramPrefix: 'a;b' })).toThrow(TypeError);
  });

  it('reads the threshold for evidence, as written', () => {
    const t = (src: string) => thresholdOf(parseIndicator(src));
    expect(t('share(lines where origin_country in risky_origins) > 50%')).toEqual({
      op: '>',
      value: 0.5,
      percent: true,
    });
    expect(t('0.5 <= share(lines where finding)')).toEqual({ op: '>=', value: 0.5, percent: false });
    expect(t('growth(count(lines), 12 months) > -3')).toEqual({ op: '>', value: -3, percent: false });
    expect(t('sum(value) not between 10 and 20%')).toEqual({ op: 'not between', low: 10, high: 0.2, percent: true });
    expect(t('any(lines where finding)')).toBeUndefined();
    expect(t('sum(duty) > sum(vat)')).toBeUndefined();
  });

  it('parses into a tree that keeps positions', () => {
    const ast = parseIndicator('count(lines) > 3');
    expect(ast).toMatchObject({
      kind: 'compare',
      op: { text: '>', pos: 13 },
      left: { kind: 'aggregate', fn: 'count', pos: 0 },
      right: { kind: 'number', value: 3, pos: 15 },
    });
  });
});

describe('several indicators in one pass', () => {
  it('fusing the parts of two indicators gives the same values and flags as running them apart', async () => {
    const srcs = ['share(lines where origin_country in risky_origins) > 0.5', 'growth(count(lines), 12 months) >= 1'];
    const compiled = srcs.map((s, i) => compileIndicator(s, ctx, { paramPrefix: `f${i}` }));
    const aggregates = compiled.flatMap((c) => c.parts.aggregates.map((a) => `${a.sql} AS ${a.name}`)).join(', ');
    const select = compiled.map((c, i) => `${c.parts.value} AS value_${i}, ${c.parts.flag} AS flag_${i}`).join(', ');
    const sql = `SELECT operator_id, ${select} FROM (SELECT operator_id, ${aggregates} FROM lines GROUP BY operator_id) AS per_operator ORDER BY operator_id`;
    const params = Object.assign({ window_end: '2025-12-31' }, ...compiled.map((c) => c.params));
    const fused = await ws.all<Record<string, number | boolean>>(sql, params);
    expect(fused.map((r) => [r.operator_id, r.value_0, r.flag_0, r.value_1, r.flag_1])).toEqual([
      ['A', 0.6, true, 1, true],
      ['B', 0.5, false, 2, true],
      ['C', 2 / 3, true, 0, false],
      ['D', 0, false, 1, true],
    ]);
  });
});

describe('docs/cli/expr.md', () => {
  it('every example in the reference compiles and runs', async () => {
    const doc = readFileSync(new URL('../../docs/cli/expr.md', import.meta.url), 'utf8');
    const examples = [...doc.matchAll(/^\| [^|]+ \| `([^`]+)` \|$/gm)].map((m) => m[1]);
    expect(examples.length).toBe(16);
    const docCtx: ExprContext = {
      columns: ctx.columns,
      lists: { ...ctx.lists, risky_hs: ['610910'], residual_hs: ['870899'] },
    };
    for (const src of examples) {
      const c = compileIndicator(src, docCtx, { paramPrefix: 'doc' });
      const rows = await ws.all(c.sql, { ...c.params, window_end: '2025-12-31' });
      expect(rows, src).toHaveLength(4);
    }
  });
});
