// Compiles a column mapping into one SQL SELECT over the source relation. Every user value (column names
// aside, which are quoted identifiers) is a bound parameter. The SELECT yields, per source row:
//   source_row, f_<field> for each canonical field (typed), extra (MAP), errs (NULL or a list of
//   {column, value, reason} — one per problem found in that row), ok (true exactly when errs IS NULL).
// Filter on ok, not on errs: DuckDB pushes a filter on errs down through the projections by inlining every
// parse expression it depends on, so each value was parsed twice (once to filter, once to store). The
// always-true `random() < 2` makes ok volatile, which keeps the filter above the projections: each value is
// parsed once (≈ 10% less CPU for the whole Parquet import).
import { DomainError } from '../errors/index.ts';
import type { MessageParams } from '../i18n/messages.ts';
import { DATE_FORMAT_RE, normaliseRule, type FieldRuleObject, type Mapping } from './mapping.ts';
import type { FieldDef, KindDef } from './fields.ts';
import { sqlType } from './fields.ts';
import { quoteIdent, type Source } from './source.ts';
import { booleanWords, vocabulary } from './vocabulary.ts';
import { importLimits, limitRules, type ImportLimits } from './limits.ts';

export interface CompiledMapping {
  /** SELECT source_row, f_<field>..., extra, errs FROM ... (no trailing semicolon). */
  select: string;
  params: Record<string, unknown>;
  /** Canonical fields the SELECT fills (f_<name>); every field of the kind, NULL when unmapped. */
  fields: FieldDef[];
  /** Source column → field, for reports. */
  columnOf: Record<string, string>;
}

export class CompileError extends DomainError {}

class Params {
  readonly values: Record<string, unknown> = {};
  private n = 0;
  add(v: unknown): string {
    const name = `m${++this.n}`;
    this.values[name] = v;
    return `$${name}`;
  }
}

const NUMERIC_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const DATE_TYPES = /^(DATE|TIMESTAMP.*)$/;
const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

/** dd/mm/yyyy → %d/%m/%Y (strptime format). */
export function strptimeFormat(fmt: string): string {
  return fmt
    .replace('yyyy', '%Y')
    .replace('yy', '%y')
    .replace('dd', '%d')
    .replace('mm', '%m')
    .replace('HH:MM:SS', '%H:%M:%S')
    .replace('HH:MM', '%H:%M');
}

/**
 * NULLIF(trim(x), '') for a VARCHAR expression, with a fast path: trim() copies every string, and on a CSV
 * (13 columns) that cost ≈ 40% of reading the file. Among ASCII characters trim() removes only the space, so an
 * ASCII string (byte length = character length) that neither starts nor ends with a space is returned as is;
 * anything else (non-ASCII, e.g. a no-break space) goes through trim().
 */
export function blankToNull(x: string): string {
  return `CASE WHEN strlen(${x}) = length(${x}) AND NOT prefix(${x}, ' ') AND NOT suffix(${x}, ' ') THEN NULLIF(${x}, '') ELSE NULLIF(trim(${x}), '') END`;
}

/**
 * NULLIF(regexp_replace(x, '[^0-9]', '', 'g'), '') (the ASCII digits of x, NULL when none), with fast paths for
 * an x made of ASCII digits only, returned as is: equal to its number printed back (no leading zero; a cast and
 * a print cost half a full match), else a full match; the replace runs only for the other rows.
 * ltrim(x, '0123456789') = '' would be ≈ 3× slower than the replace.
 */
export function hsDigits(x: string): string {
  return (
    `CASE WHEN CAST(TRY_CAST(${x} AS UBIGINT) AS VARCHAR) = ${x} OR regexp_full_match(${x}, '[0-9]+') THEN ${x} ` +
    `ELSE NULLIF(regexp_replace(${x}, '[^0-9]', '', 'g'), '') END`
  );
}

/** The text of a source column: as is for VARCHAR (no cast), else cast to VARCHAR. */
function asText(q: string, type: string | undefined): string {
  return type === 'VARCHAR' ? q : `CAST(${q} AS VARCHAR)`;
}

function asArray<T>(v: T | T[] | undefined): T[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

const EXPECTED: Record<FieldDef['type'], string> = {
  string: 'a value',
  date: 'a date',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'yes/no (1/0, S/N, TRUE/FALSE ...)',
  channel: 'a channel: green, yellow, red or blue',
  selection: 'a selection reason: random, rule, score or officer',
  hs: 'an HS code of 6 to 10 digits',
};

const UNPARSEABLE: Record<FieldDef['type'], string> = {
  string: 'invalid_value',
  date: 'unparseable_date',
  number: 'unparseable_number',
  integer: 'unparseable_number',
  boolean: 'unparseable_boolean',
  channel: 'unknown_channel',
  selection: 'unknown_selection_reason',
  hs: 'hs_code_length',
};

const MAP_EXAMPLE = { boolean: 'true', channel: 'red', selection: 'random' };

export function compileMapping(
  def: KindDef,
  mapping: Mapping,
  src: Source,
  limits: ImportLimits = importLimits(),
): CompiledMapping {
  const p = new Params();
  const colTypes = new Map(src.columns.map((c) => [c.name, c.type]));
  const defaults = mapping.defaults ?? {};
  const columnOf: Record<string, string> = {};

  const level1: string[] = ['source_row'];
  const level2: string[] = ['source_row'];
  const level3: string[] = ['source_row'];
  const checks: { cond: string; entry: string }[] = [];

  const rules = new Map<string, FieldRuleObject>();
  for (const [name, r] of Object.entries(mapping.fields)) rules.set(name, normaliseRule(r));
  if (def.kind === 'declarations' && !rules.has('line_no')) rules.set('line_no', { derive: 'row_in_declaration' });

  for (const f of def.fields) {
    const rule = rules.get(f.name);
    const raw = `r_${f.name}`;
    const fcol = `f_${f.name}`;
    if (!rule) {
      level2.push(`NULL::${sqlType(f.type)} AS ${fcol}`);
      level3.push(fcol);
      continue;
    }
    if (rule.derive === 'from_channel') {
      // Inspected at clearance = a yellow (documentary) or red (physical) channel; unknown when the channel is.
      level3.push(`CASE WHEN f_channel IS NULL THEN NULL ELSE f_channel IN ('yellow', 'red') END AS ${fcol}`);
      continue;
    }
    if (rule.derive) {
      level3.push(`CAST(row_number() OVER (PARTITION BY f_declaration_id ORDER BY source_row) AS INTEGER) AS ${fcol}`);
      continue;
    }
    let label: string;
    let typed: string | undefined;
    // The source text of the value, for checks and reject messages. For a column already typed in the source
    // (Parquet), the text is made only for rejected rows: formatting every number as text cost more than the
    // rest of the parsing.
    let rawValue = raw;
    let rawIsNull = `${raw} IS NULL`;
    if (rule.column !== undefined) {
      const type = colTypes.get(rule.column);
      if (type === undefined) {
        throw new CompileError(
          `fields.${f.name}.column: column '${rule.column}' is not in ${src.file}; its columns are: ${src.columns.map((c) => c.name).join(', ')}`,
        );
      }
      columnOf[rule.column] = f.name;
      label = rule.column;
      const q = quoteIdent(rule.column);
      const useTyped =
        !rule.map &&
        ((f.type === 'number' && NUMERIC_TYPES.test(type)) ||
          (f.type === 'integer' && INTEGER_TYPES.test(type)) ||
          (f.type === 'date' && DATE_TYPES.test(type)));
      if (useTyped) {
        // A number or date is never blank as text, so "empty" is exactly "NULL".
        typed = `t_${f.name}`;
        level1.push(`${q} AS ${typed}`);
        rawValue = blankToNull(`CAST(${typed} AS VARCHAR)`);
        rawIsNull = `${typed} IS NULL`;
      } else {
        level1.push(`${blankToNull(asText(q, type))} AS ${raw}`);
      }
    } else {
      label = `${f.name} (constant)`;
      level1.push(`CAST(${p.add(String(rule.constant))} AS VARCHAR) AS ${raw}`);
    }
    const carried = typed ?? raw;
    level2.push(carried, `${parseExpr(f, rule, raw, typed, defaults, p)} AS ${fcol}`);
    level3.push(carried, fcol);

    const col = p.add(label);
    // reason: the problem's code and its English sentence (stored, exported as CSV); detail: the same sentence as a
    // message of messages.yaml (key and parameters), rendered in the reader's language (localiseIssues).
    const entry = (code: string, msg: string, key: string, params: MessageParams = {}) =>
      `{'column': ${col}, 'value': ${rawValue}, 'reason': ${p.add(`${code}: ${msg}`)}, 'detail': ${p.add(
        JSON.stringify({ key: `reject.${key}`, params: { field: f.name, ...params } }),
      )}}`;
    if (f.required)
      checks.push({
        cond: rawIsNull,
        entry: entry('missing_required', `${f.name} is required but empty`, 'missing_required'),
      });
    const formats = f.type === 'date' ? (asArray(rule.format) ?? asArray(defaults.format) ?? ['yyyy-mm-dd']) : [];
    const example = f.type in MAP_EXAMPLE ? MAP_EXAMPLE[f.type as keyof typeof MAP_EXAMPLE] : undefined;
    const expected =
      f.type === 'date'
        ? `expected a date as ${formats.join(' or ')}`
        : example !== undefined
          ? `expected ${EXPECTED[f.type]}; give other values a meaning under map: in the mapping, e.g. ` +
            `fields.${f.name}: { column: ${rule.column ?? f.name}, map: { VALUE: ${example} } }`
          : `expected ${EXPECTED[f.type]}`;
    checks.push({
      cond: `NOT (${rawIsNull}) AND ${fcol} IS NULL`,
      entry: entry(
        UNPARSEABLE[f.type],
        `${f.name}: ${expected}`,
        `expected_${f.type}`,
        f.type === 'date'
          ? { formats: formats.join(' | ') }
          : example !== undefined
            ? { column: rule.column ?? f.name, example }
            : {},
      ),
    });
    if (f.nonNegative)
      checks.push({
        cond: `${fcol} < 0`,
        entry: entry('negative_value', `${f.name} must not be negative`, 'negative_value'),
      });
    for (const r of limitRules(f, limits))
      checks.push({
        cond: `${fcol} IS NOT NULL AND ${r.cond(fcol)}`,
        entry: entry(r.code, r.message(f.name), r.code, r.params),
      });
    if (f.type === 'hs') {
      checks.push({
        cond: `${fcol} IS NOT NULL AND length(${fcol}) NOT BETWEEN 6 AND 10`,
        entry: entry('hs_code_length', `${f.name}: expected 6 to 10 digits`, 'hs_code_length'),
      });
    }
  }

  level1.push(`${extraExpr(mapping, src, columnOf, p)} AS extra`);
  level2.push('extra');
  level3.push('extra');

  const bad = checks.length ? checks.map((c) => `(${c.cond})`).join(' OR ') : 'false';
  const errs = checks.length
    ? `CASE WHEN ${bad} THEN list_filter([${checks
        .map((c) => `CASE WHEN ${c.cond} THEN ${c.entry} END`)
        .join(', ')}], lambda e: e IS NOT NULL) END`
    : 'NULL';

  const select = `SELECT source_row, ${def.fields.map((f) => `f_${f.name}`).join(', ')}, extra, ${errs} AS errs,
  ((${bad}) IS NOT TRUE AND random() < 2) AS ok
FROM (SELECT ${level3.join(', ')}
  FROM (SELECT ${level2.join(', ')}
    FROM (SELECT ${level1.join(', ')} FROM ${src.relation})))`;
  return { select, params: { ...src.params, ...p.values }, fields: def.fields, columnOf };
}

/** Value maps apply to the trimmed source text first (case-insensitive), then the type's parser. */
function mapped(raw: string, rule: FieldRuleObject, p: Params): string {
  if (!rule.map || Object.keys(rule.map).length === 0) return raw;
  const whens = Object.entries(rule.map)
    .map(
      ([k, v]) =>
        `WHEN ${p.add(k.trim().toUpperCase())} THEN ${v === null ? 'NULL' : `CAST(${p.add(String(v))} AS VARCHAR)`}`,
    )
    .join(' ');
  return `(CASE upper(${raw}) ${whens} ELSE ${raw} END)`;
}

function inList(expr: string, values: string[], p: Params): string {
  // list_contains rather than IN: DuckDB plans a long IN list of parameters as a join against the values.
  return `list_contains([${values.map((v) => p.add(v.toUpperCase())).join(', ')}], upper(${expr}))`;
}

function parseExpr(
  f: FieldDef,
  rule: FieldRuleObject,
  raw: string,
  typed: string | undefined,
  defaults: NonNullable<Mapping['defaults']>,
  p: Params,
): string {
  const m = mapped(raw, rule, p);
  switch (f.type) {
    case 'string':
      return m;
    case 'integer':
      return `TRY_CAST(${typed ?? m} AS INTEGER)`;
    case 'number': {
      let e: string;
      if (typed) e = `CAST(${typed} AS DOUBLE)`;
      else {
        const thousands = rule.thousands ?? defaults.thousands ?? '';
        const decimal = rule.decimal ?? defaults.decimal ?? '.';
        let s = m;
        if (thousands === ' ') s = `regexp_replace(${s}, '[\\s\\x{00A0}\\x{202F}]', '', 'g')`;
        else if (thousands) s = `replace(${s}, ${p.add(thousands)}, '')`;
        if (decimal === ',') s = `replace(${s}, ',', '.')`;
        e = `TRY_CAST(${s} AS DOUBLE)`;
      }
      if (rule.multiply) e = `(${e} * ${p.add(rule.multiply)})`;
      if (rule.divide) e = `(${e} / ${p.add(rule.divide)})`;
      return e;
    }
    case 'date': {
      if (typed) return `CAST(${typed} AS DATE)`;
      const formats = asArray(rule.format) ?? asArray(defaults.format) ?? ['yyyy-mm-dd'];
      const parts: string[] = [];
      for (const fmt of formats) {
        if (!DATE_FORMAT_RE.test(fmt)) throw new CompileError(`fields.${f.name}.format: '${fmt}' is not a date format`);
        if (fmt === 'excel') {
          parts.push(
            `CASE WHEN regexp_full_match(${m}, '\\d{1,6}(\\.\\d+)?') THEN DATE '1899-12-30' + CAST(floor(CAST(${m} AS DOUBLE)) AS INTEGER) END`,
          );
          continue;
        }
        const sf = strptimeFormat(fmt);
        parts.push(`CAST(try_strptime(${m}, ${p.add(sf)}) AS DATE)`);
        if (!fmt.includes('HH')) parts.push(`CAST(try_strptime(${m}, ${p.add(`${sf} %H:%M:%S`)}) AS DATE)`);
      }
      // ISO dates (from XLSX date cells or typed sources) are unambiguous and always accepted.
      parts.push(`CAST(TRY_CAST(${m} AS TIMESTAMP) AS DATE)`);
      return `coalesce(${parts.join(', ')})`;
    }
    case 'boolean': {
      const v = booleanWords(f.words);
      return `CASE WHEN ${inList(m, v.true, p)} THEN true WHEN ${inList(m, v.false, p)} THEN false END`;
    }
    case 'channel':
    case 'selection': {
      const ch = f.type === 'channel' ? vocabulary().channels : vocabulary().selection_reasons;
      const whens = Object.entries(ch)
        .map(([name, values]) => `WHEN ${inList(m, [name, ...values], p)} THEN ${p.add(name)}`)
        .join(' ');
      return `CAST(CASE ${whens} END AS VARCHAR)`;
    }
    case 'hs': {
      let h = hsDigits(m);
      if (rule.pad) h = `lpad(${h}, CAST(greatest(length(${h}), ${p.add(rule.pad)}) AS INTEGER), '0')`;
      if (rule.truncate) h = `left(${h}, CAST(${p.add(rule.truncate)} AS INTEGER))`;
      return h;
    }
  }
}

function extraExpr(mapping: Mapping, src: Source, columnOf: Record<string, string>, p: Params): string {
  const mode = mapping.extra ?? 'all';
  if (mode === 'none') return 'NULL::MAP(VARCHAR, VARCHAR)';
  const wanted = mode === 'all' ? src.columns.map((c) => c.name).filter((c) => !(c in columnOf)) : mode;
  const known = new Set(src.columns.map((c) => c.name));
  for (const c of wanted) {
    if (!known.has(c)) throw new CompileError(`extra: column '${c}' is not in ${src.file}`);
  }
  if (wanted.length === 0) return 'NULL::MAP(VARCHAR, VARCHAR)';
  const types = new Map(src.columns.map((c) => [c.name, c.type]));
  const entries = wanted.map((c) => `{'k': ${p.add(c)}, 'v': ${blankToNull(asText(quoteIdent(c), types.get(c)))}}`);
  return `map_from_entries(list_filter([${entries.join(', ')}], lambda e: e.v IS NOT NULL))`;
}
