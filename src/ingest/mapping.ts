// Column mapping files (YAML or JSON): which source column fills which canonical field, and how to parse it.
// Validated with zod; every error names the key that is wrong (e.g. `fields.date.format`).
import { DomainError } from '../errors/index.ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { IMPORT_KINDS, kindDef, type ImportKind } from './fields.ts';

/** dd/mm/yyyy, yyyy-mm-dd, mm/dd/yyyy, dd.mm.yy, yyyymmdd ... optionally followed by ` HH:MM` or ` HH:MM:SS`; or `excel`. */
export const DATE_FORMAT_RE = /^(?:(dd|mm|yyyy|yy)([-/. ]?)(dd|mm|yyyy|yy)\2(dd|mm|yyyy|yy)(?: HH:MM(?::SS)?)?|excel)$/;

const DateFormat = z
  .string()
  .regex(DATE_FORMAT_RE, 'expected a date format such as dd/mm/yyyy, yyyy-mm-dd, mm/dd/yyyy, yyyymmdd or excel');
const Decimal = z.enum(['.', ',']);
const Thousands = z.enum(['', ',', '.', ' ', "'"]);
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

const FieldRuleObject = z
  .strictObject({
    column: z.string().min(1).optional(),
    constant: Scalar.optional(),
    /** row_in_declaration: declarations.line_no numbered in file order; from_channel: declarations.inspected =
     *  channel yellow or red (green and blue lines were not inspected at clearance). */
    derive: z.enum(['row_in_declaration', 'from_channel']).optional(),
    format: z.union([DateFormat, z.array(DateFormat).min(1)]).optional(),
    decimal: Decimal.optional(),
    thousands: Thousands.optional(),
    map: z.record(z.string(), z.union([Scalar, z.null()])).optional(),
    multiply: z.number().positive().optional(),
    divide: z.number().positive().optional(),
    pad: z.number().int().min(1).max(12).optional(),
    truncate: z.number().int().min(1).max(12).optional(),
  })
  .superRefine((r, ctx) => {
    const sources = [r.column !== undefined, r.constant !== undefined, r.derive !== undefined].filter(Boolean).length;
    if (sources !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of column, constant or derive' });
    }
  });

/** A field is either a column name (shorthand for { column: NAME }) or a rule object. */
export const FieldRule = z.preprocess((v) => (typeof v === 'string' ? { column: v } : v), FieldRuleObject);
export type FieldRuleInput = string | z.infer<typeof FieldRuleObject>;
export type FieldRuleObject = z.infer<typeof FieldRuleObject>;

export const MappingSchema = z.strictObject({
  kind: z.enum(IMPORT_KINDS).optional(),
  description: z.string().optional(),
  source: z
    .strictObject({
      delimiter: z.string().min(1).max(2).optional(),
      encoding: z.enum(['utf-8', 'latin-1']).optional(),
      sheet: z.string().optional(),
    })
    .optional(),
  defaults: z
    .strictObject({
      format: z.union([DateFormat, z.array(DateFormat).min(1)]).optional(),
      decimal: Decimal.optional(),
      thousands: Thousands.optional(),
    })
    .optional(),
  fields: z.record(z.string(), FieldRule as unknown as z.ZodType<FieldRuleInput>),
  /** Source columns without a field: `all` (default) keeps every one in `extra`, `none` drops them, or a list. */
  extra: z.union([z.enum(['all', 'none']), z.array(z.string())]).optional(),
});
export type Mapping = z.infer<typeof MappingSchema>;

export class MappingError extends DomainError {}

function formatIssues(where: string, issues: z.core.$ZodIssue[]): string {
  const lines = issues.map((i) => {
    const path = i.path.join('.') || '(root)';
    if (i.code === 'unrecognized_keys') {
      const base = i.path.length ? `${i.path.join('.')}.` : '';
      return `  ${i.keys.map((k) => base + k).join(', ')}: unknown key`;
    }
    return `  ${path}: ${i.message}`;
  });
  return `invalid mapping ${where}:\n${lines.join('\n')}`;
}

/** Problems zod cannot see: fields unknown for the kind, required fields not mapped, kind mismatch. */
function kindProblems(raw: unknown, kind: ImportKind): string[] {
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object') return problems;
  const r = raw as { kind?: unknown; fields?: unknown };
  if (typeof r.kind === 'string' && r.kind !== kind && (IMPORT_KINDS as readonly string[]).includes(r.kind)) {
    problems.push(`  kind: mapping is for '${r.kind}', not '${kind}'`);
  }
  if (!r.fields || typeof r.fields !== 'object') return problems;
  const fields = r.fields as Record<string, unknown>;
  const def = kindDef(kind);
  const known = new Set(def.fields.map((f) => f.name));
  for (const [name, rule] of Object.entries(fields)) {
    if (!known.has(name)) {
      problems.push(`  fields.${name}: unknown field for ${kind}; expected one of ${[...known].join(', ')}`);
      continue;
    }
    const derive = rule && typeof rule === 'object' ? (rule as { derive?: unknown }).derive : undefined;
    if (derive === 'row_in_declaration' && !(kind === 'declarations' && name === 'line_no')) {
      problems.push(`  fields.${name}.derive: row_in_declaration only applies to declarations.line_no`);
    }
    if (derive === 'from_channel') {
      if (!(kind === 'declarations' && name === 'inspected'))
        problems.push(`  fields.${name}.derive: from_channel only applies to declarations.inspected`);
      else if (!('channel' in fields))
        problems.push(`  fields.inspected.derive: from_channel needs fields.channel to be mapped`);
    }
  }
  for (const f of def.fields) {
    if (f.required && !(f.name in fields))
      problems.push(`  fields.${f.name}: required field for ${kind} is not mapped`);
  }
  return problems;
}

/** Validates a parsed mapping object against the schema and the fields of its kind; reports every problem at once. */
export function validateMapping(raw: unknown, kind: ImportKind, where = ''): Mapping {
  const r = MappingSchema.safeParse(raw);
  const problems = kindProblems(raw, kind);
  if (!r.success) {
    throw new MappingError(
      `${formatIssues(where, r.error.issues)}${problems.length ? '\n' + problems.join('\n') : ''}`,
    );
  }
  if (problems.length) throw new MappingError(`invalid mapping ${where}:\n${problems.join('\n')}`);
  return r.data;
}

export function loadMappingFile(path: string, kind: ImportKind): Mapping {
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new MappingError(`cannot read mapping ${path}: ${(err as Error).message}`);
  }
  return validateMapping(raw, kind, path);
}

export function normaliseRule(rule: FieldRuleInput): FieldRuleObject {
  return typeof rule === 'string' ? { column: rule } : rule;
}

/** Columns of the source file a mapping reads (for checking them against the header). */
export function mappedColumns(m: Mapping): { field: string; column: string }[] {
  return Object.entries(m.fields)
    .map(([field, r]) => ({ field, column: normaliseRule(r).column }))
    .filter((x): x is { field: string; column: string } => x.column !== undefined);
}

export function mappingToYaml(m: Mapping, header = ''): string {
  return header + toYaml(m, { lineWidth: 120 });
}
