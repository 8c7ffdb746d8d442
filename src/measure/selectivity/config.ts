// The factor configuration of the selectivity score: a YAML data file (factors.default.yaml or the
// user's own), validated here and turned into SQL key expressions from a fixed vocabulary — never raw SQL.
import { DomainError } from '../../errors/index.ts';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

const label = z.object({ en: z.string(), es: z.string(), fr: z.string(), pt: z.string() });

const keyName = z
  .string()
  .regex(
    /^(hs2|hs4|hs6|unit_value_band|value_class|mass_class|gri_level|office|operator_id|declarant_id|supplier_id|origin_country|departure_country|transport_mode|tax_type|exemption_code|preference_code|regime|flow|extra\.[A-Za-z0-9_ .%()/-]{1,64})$/,
    {
      message:
        'expected hs2|hs4|hs6|unit_value_band|value_class|mass_class|gri_level, a canonical column (office, operator_id, declarant_id, supplier_id, origin_country, departure_country, transport_mode, tax_type, exemption_code, preference_code, regime, flow) or extra.<Field>',
    },
  );

const factor = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/, { message: 'expected a lower-case identifier (a-z, 0-9, _)' }),
  keys: z.array(keyName).min(1).max(6),
  parent: z.string().optional(),
  k: z.number().positive(),
  label,
});

export const selectivityConfigSchema = z.object({
  weights: z.enum(['fit', 'fixed']),
  l2: z.number().nonnegative(),
  non_negative: z.boolean(),
  folds: z.number().int().min(2).max(20),
  sample_lines: z.number().int().min(100),
  levels: z.object({ high: z.number().gt(0).lt(1), medium: z.number().gt(0).lt(1) }),
  unit_value: z.object({
    min_lines: z.number().int().min(1),
    bands: z.array(z.object({ id: z.string().regex(/^[a-z_]+$/), max: z.number().positive().nullable() })).min(1),
  }),
  /** Classes of declared value and net mass on a log scale (keys value_class, mass_class): classes per power of ten. */
  size_classes: z.object({ per_decade: z.number().int().min(1).max(20) }).default({ per_decade: 6 }),
  factors: z.array(factor).min(1).max(60),
});

export type SelectivityConfig = z.infer<typeof selectivityConfigSchema>;
export type FactorConfig = z.infer<typeof factor>;
export type Lang = 'en' | 'es' | 'fr' | 'pt';

export const DEFAULT_CONFIG_FILE = join(dirname(fileURLToPath(import.meta.url)), 'factors.default.yaml');

export class SelectivityConfigError extends DomainError {}

/** Reads and validates a factor file; errors name the file and the offending entry. */
export function loadSelectivityConfig(file = DEFAULT_CONFIG_FILE): SelectivityConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SelectivityConfigError(`${file}: cannot read factor file: ${(err as Error).message}`);
  }
  return validateSelectivityConfig(raw, file);
}

export function validateSelectivityConfig(raw: unknown, source = 'factor config'): SelectivityConfig {
  const r = selectivityConfigSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new SelectivityConfigError(`${source}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const cfg = r.data;
  const seen = new Set<string>();
  for (const [i, f] of cfg.factors.entries()) {
    if (seen.has(f.id)) throw new SelectivityConfigError(`${source}: factors.${i}.id: duplicate factor '${f.id}'`);
    if (f.parent !== undefined && !seen.has(f.parent)) {
      throw new SelectivityConfigError(
        `${source}: factors.${i}.parent: '${f.parent}' must be a factor listed before '${f.id}'`,
      );
    }
    seen.add(f.id);
  }
  if (cfg.levels.high >= cfg.levels.medium) {
    throw new SelectivityConfigError(
      `${source}: levels: high (${cfg.levels.high}) must be below medium (${cfg.levels.medium}); both are cumulative shares of lines`,
    );
  }
  const bands = cfg.unit_value.bands;
  if (bands.at(-1)!.max !== null)
    throw new SelectivityConfigError(`${source}: unit_value.bands: the last band must have max: null`);
  for (let i = 1; i < bands.length - 1; i++) {
    if ((bands[i].max ?? Infinity) <= (bands[i - 1].max ?? Infinity)) {
      throw new SelectivityConfigError(`${source}: unit_value.bands.${i}.max: must be above the previous band's max`);
    }
  }
  return cfg;
}

/** All distinct key names used by the factors, in a stable order. */
export function keyNames(cfg: SelectivityConfig): string[] {
  return [...new Set(cfg.factors.flatMap((f) => f.keys))];
}

/** Column name of a key in the working tables (k_0, k_1, ...). */
export function keyColumn(cfg: SelectivityConfig, key: string): string {
  return `k_${keyNames(cfg).indexOf(key)}`;
}

/** Extra source fields (extra.<Field>) used by the factors, in a stable order: their names are bound values. */
export function extraFields(cfg: SelectivityConfig): string[] {
  return keyNames(cfg)
    .filter((k) => k.startsWith('extra.'))
    .map((k) => k.slice('extra.'.length));
}

/**
 * SQL expression of a key over declaration_lines aliased `d`, with the line's HS digits as `hsd`. An extra field is
 * read by name from `extraRef(i)`, the i-th of extraFields (a bound value). Empty strings count as missing.
 */
export function keySql(cfg: SelectivityConfig, key: string, extraRef: (i: number) => string): string {
  if (key === 'hs2' || key === 'hs4' || key === 'hs6') {
    const n = Number(key.slice(2));
    return `CASE WHEN length(hsd) >= ${n} THEN left(hsd, ${n}) END`;
  }
  if (key === 'unit_value_band' || key === 'gri_level') return 'NULL::VARCHAR'; // filled in a later step
  if (key === 'value_class' || key === 'mass_class')
    return sizeClassSql(key === 'value_class' ? 'd.value' : 'd.net_mass_kg', cfg);
  if (key.startsWith('extra.')) {
    return `nullif(trim(d.extra[${extraRef(extraFields(cfg).indexOf(key.slice('extra.'.length)))}]), '')`;
  }
  return `nullif(trim(CAST(d.${key} AS VARCHAR)), '')`;
}

/**
 * The class of a declared amount on a log scale, as its bounds to 3 significant digits ('46.4–68.1'): class c holds
 * the amounts x with c = floor(per_decade · log10 x); 0 is a class of its own ('0'), a missing amount has none.
 */
function sizeClassSql(x: string, cfg: SelectivityConfig): string {
  const n = cfg.size_classes.per_decade;
  const c = `floor(${n} * log10(${x}))`;
  const bound = (e: string) =>
    `regexp_replace(format('{}', round(pow(10, ${e}), 2 - CAST(floor(${e}) AS INTEGER))), '\\.0$', '')`;
  return `CASE WHEN ${x} > 0 THEN ${bound(`${c} / ${n}`)} || '–' || ${bound(`(${c} + 1) / ${n}`)} WHEN ${x} = 0 THEN '0' END`;
}
