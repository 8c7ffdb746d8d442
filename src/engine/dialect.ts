// The few SQL differences between the engines that scan lines: DuckDB (the embedded default) and ClickHouse
// (a server or chdb in-process). Statements are written once in DuckDB's spelling with `$name` parameters; the pieces
// that differ come from here. ClickHouse runs with the session settings below, which bring its semantics to DuckDB's
// (column names win over aliases in WHERE, NULLs in outer joins, NULL from aggregates over nothing).

export interface Dialect {
  name: 'duckdb' | 'clickhouse';
  /** A common table expression the planner inlines (DuckDB: NOT MATERIALIZED; ClickHouse inlines every CTE). */
  cte(name: string, body: string): string;
  /** A NULL of count()'s type (BIGINT in DuckDB, UInt64 in ClickHouse), to UNION with counts. */
  nullCount(): string;
  /** sum(x) over the rows where cond holds; NULL when none (DuckDB's FILTER semantics). */
  sumWhere(x: string, cond: string): string;
  /** The value of `pick` on the row with the highest `by`, ties to the highest `pick`. */
  argMaxTies(pick: string, by: string): string;
  /** Bit `idx` (0-based, < 63) set in a UBIGINT; OR-ed over the rows where idx >= 0, NULL when none. */
  bitOrWhere(idx: string): string;
  /** Exact quantile with linear interpolation (DuckDB quantile_cont), p a SQL expression in [0, 1]. */
  quantileCont(x: string, p: string): string;
  startsWith(s: string, prefix: string): string;
  /** The digits of s, everything else removed ('6109.10' → '610910'). */
  digitsOnly(s: string): string;
  /** Whether the MD5 of s, read as a little-endian 128-bit integer, is odd (DuckDB's md5_number(s) % 2 = 1). */
  md5Odd(s: string): string;
  /** The first day of d's calendar quarter, a DATE. */
  quarterStart(d: string): string;
  /** Whether the list bound as `param` holds x (false or NULL when x is NULL: either is false in a filter). */
  listContains(param: string, x: string): string;
  /** In a SELECT list: one row per element of the list `param` that s starts with; a row matching none is dropped. */
  unnestPrefixes(s: string, param: string): string;
  /** LIKE with backslash as the escape character. */
  likeEscaped(s: string, pattern: string): string;
  /** x IN the list bound as one array parameter; NULL when x is NULL. */
  inListParam(x: string, param: string): string;
  /** The date `months` calendar months before (d + 1 day): the first day of the N months ending on d. */
  monthsBeforeNextDay(d: string, months: string): string;
  /** Rounds a DOUBLE to n decimals, halves away from zero (DuckDB's round). */
  round(x: string, n: number): string;
  /** A list-typed parameter value (DuckDB needs its LIST wrapper; ClickHouse takes the array). */
  listParam(items: string[]): unknown;
}

export function duckdbDialect(listValue: (items: string[]) => unknown): Dialect {
  return {
    name: 'duckdb',
    cte: (name, body) => `${name} AS NOT MATERIALIZED (${body})`,
    nullCount: () => 'NULL::BIGINT',
    sumWhere: (x, c) => `sum(${x}) FILTER (WHERE ${c})`,
    argMaxTies: (pick, by) => `max({'v': ${by}, 'h': ${pick}}).h`,
    bitOrWhere: (idx) =>
      `bit_or(CASE WHEN ${idx} >= 0 THEN CASE WHEN ${idx} < 63 THEN (1::UBIGINT << ${idx}::UBIGINT) ELSE 0::UBIGINT END END)`,
    quantileCont: (x, p) => `quantile_cont(${x}, ${p})`,
    startsWith: (s, p) => `starts_with(${s}, ${p})`,
    digitsOnly: (s) => `regexp_replace(${s}, '[^0-9]', '', 'g')`,
    md5Odd: (s) => `(md5_number(${s}) % 2 = 1)`,
    quarterStart: (d) => `date_trunc('quarter', ${d})::DATE`,
    listContains: (p, x) => `list_contains(${p}, ${x})`,
    unnestPrefixes: (s, p) => `unnest(list_filter(${p}, c -> starts_with(${s}, c)))`,
    likeEscaped: (s, p) => `${s} LIKE ${p} ESCAPE '\\'`,
    inListParam: (x, p) => `${x} IN (SELECT UNNEST(${p}))`,
    monthsBeforeNextDay: (d, m) => `CAST(${d} + INTERVAL 1 DAY - INTERVAL (${m}) MONTH AS DATE)`,
    round: (x, n) => `round(${x}, ${n})`,
    listParam: listValue,
  };
}

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  cte: (name, body) => `${name} AS (${body})`,
  nullCount: () => 'CAST(NULL AS Nullable(UInt64))',
  sumWhere: (x, c) => `sumOrNull(${x}) FILTER (WHERE ${c})`,
  argMaxTies: (pick, by) => `argMax(${pick}, (${by}, ${pick}))`,
  bitOrWhere: (idx) =>
    `groupBitOrOrNull(if(${idx} < 63, bitShiftLeft(toUInt64(1), toUInt64(${idx})), toUInt64(0))) FILTER (WHERE ${idx} >= 0)`,
  // quantileExactInclusive interpolates between the closest ranks like quantile_cont (R7, Excel's PERCENTILE.INC).
  quantileCont: (x, p) => `quantileExactInclusive(${p})(${x})`,
  startsWith: (s, p) => `startsWith(${s}, ${p})`,
  digitsOnly: (s) => `replaceRegexpAll(${s}, '[^0-9]', '')`,
  md5Odd: (s) => `(reinterpretAsUInt128(MD5(${s})) % 2 = 1)`,
  quarterStart: (d) => `toStartOfQuarter(${d})`,
  listContains: (p, x) => `has(${p}, ${x})`,
  unnestPrefixes: (s, p) => `arrayJoin(arrayFilter(c -> startsWith(${s}, c), ${p}))`,
  likeEscaped: (s, p) => `${s} LIKE ${p}`,
  inListParam: (x, p) => `if(${x} IS NULL, NULL, has(${p}, ${x}))`,
  monthsBeforeNextDay: (d, m) => `CAST(${d} + INTERVAL 1 DAY - INTERVAL (${m}) MONTH AS DATE)`,
  // round() of ClickHouse sends exact halves to even; DuckDB's sends them away from zero.
  round: (x, n) => `(sign(${x}) * floor(abs(${x}) * ${10 ** n} + 0.5) / ${10 ** n})`,
  listParam: (items) => items,
};

/** Session settings under which ClickHouse gives DuckDB's answers to the statements written here. */
export const CLICKHOUSE_SETTINGS: Record<string, string | number> = {
  // `count(*) AS n ... WHERE n ...` reads the column n, as in DuckDB (ClickHouse would read the alias).
  prefer_column_name_to_alias: 1,
  // Outer joins fill the missing side with NULL, not the type's default.
  join_use_nulls: 1,
  // Dates as 'YYYY-MM-DD', 64-bit integers as numbers in JSON answers.
  output_format_json_quote_64bit_integers: 0,
  // CAST(NULL AS DOUBLE) is NULL, as in DuckDB (ClickHouse would refuse it).
  cast_keep_nullable: 1,
  // count(DISTINCT x) exact, as in DuckDB.
  count_distinct_implementation: 'uniqExact',
};

const DUCK_TO_CH: Record<string, string> = {
  DATE: 'Date32',
  VARCHAR: 'String',
  DOUBLE: 'Float64',
  INTEGER: 'Int32',
  BIGINT: 'Int64',
  BOOLEAN: 'Bool',
  UBIGINT: 'UInt64',
};

function inferType(v: unknown): string {
  if (v === null || v === undefined) return 'Nullable(String)';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Int64' : 'Float64';
  if (typeof v === 'bigint') return 'Int64';
  if (typeof v === 'boolean') return 'Bool';
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number') && v.length ? 'Array(Int64)' : 'Array(String)';
  return 'String';
}

/**
 * DuckDB-style `$name` placeholders (optionally followed by `::TYPE`) → ClickHouse `{name:Type}`, bound server-side.
 * The cast, when given, becomes the parameter's type (Nullable when the value is NULL); else the JS value decides.
 * String literals are skipped; unused parameters are dropped.
 */
export function toClickHouseParams(
  sql: string,
  params: Record<string, unknown> = {},
): { sql: string; params: Record<string, unknown> } {
  const used: Record<string, unknown> = {};
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'") {
      const j = skipString(sql, i);
      out += sql.slice(i, j);
      i = j;
      continue;
    }
    const m = ch === '$' ? /^\$([A-Za-z_][A-Za-z0-9_]*)(::([A-Z]+)\b)?/.exec(sql.slice(i)) : null;
    if (!m) {
      out += ch;
      i++;
      continue;
    }
    const name = m[1];
    if (!(name in params)) throw new Error(`unbound parameter $${name}`);
    const v = params[name];
    let type = m[3] ? DUCK_TO_CH[m[3]] : inferType(v);
    if (!type) throw new Error(`no ClickHouse type for ::${m[3]}`);
    if (v === null && !type.startsWith('Nullable')) type = `Nullable(${type})`;
    used[name] = typeof v === 'bigint' ? v.toString() : v;
    out += `{${name}:${type}}`;
    i += m[0].length;
  }
  return { sql: out, params: used };
}

function skipString(sql: string, i: number): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === '\\') j += 2;
    else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
    else if (sql[j] === "'") return j + 1;
    else j++;
  }
  return j;
}
