// The Box 2 KPI catalogue: data in catalogue.yaml, validated here. The SQL of each KPI is in sql.ts.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

export const LANGS = ['en', 'es', 'fr', 'pt'] as const;
export type Lang = (typeof LANGS)[number];
export const LEVELS = ['strategic', 'tactical', 'operational'] as const;
export type KpiLevel = (typeof LEVELS)[number];

export const kpiUnitSchema = z.enum(['ratio', 'hours', 'count', 'amount']);
const names = z.object({ en: z.string().min(1), es: z.string().min(1), fr: z.string().min(1), pt: z.string().min(1) });
/** "table.column" or alternatives "table.a|table.b" (any one is enough). */
const requirement = z
  .string()
  .regex(/^[a-z_]+\.[a-z_]+(\|[a-z_]+\.[a-z_]+)*$/, 'expected table.column or a|b alternatives');

const kpiDef = z.object({
  code: z.string().regex(/^[SOT]\d+_[a-z0-9_]+$/),
  level: z.enum(LEVELS),
  unit: kpiUnitSchema,
  dimension: z.string().optional(),
  empty: z.enum(['zero', 'null']).default('null'),
  names,
  formula: names,
  requires: z.array(requirement).min(1),
});
const unavailableDef = z.object({ code: z.string(), level: z.enum(LEVELS), names, needs: names });
const catalogueSchema = z.object({
  kpis: z.array(kpiDef).min(1),
  unavailable: z.array(unavailableDef),
  operational: z.object({
    risks: z.array(z.object({ code: z.string(), names })).min(1),
    columns: z.object({ cases: names, reassessed: names, collected: names, variation: names }),
  }),
});

export type KpiDef = z.infer<typeof kpiDef>;
export type UnavailableDef = z.infer<typeof unavailableDef>;
export type KpiCatalogue = z.infer<typeof catalogueSchema>;

const CATALOGUE_FILE = new URL('./catalogue.yaml', import.meta.url);
let cached: KpiCatalogue | undefined;

/** Loads and validates catalogue.yaml; a malformed file fails naming the file and the offending path. */
export function kpiCatalogue(): KpiCatalogue {
  if (cached) return cached;
  const raw: unknown = parse(readFileSync(CATALOGUE_FILE, 'utf8'));
  const r = catalogueSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${CATALOGUE_FILE.pathname}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const codes = r.data.kpis.map((k) => k.code);
  const dup = codes.find((c, i) => codes.indexOf(c) !== i);
  if (dup) throw new Error(`${CATALOGUE_FILE.pathname}: duplicate KPI code ${dup}`);
  cached = r.data;
  return cached;
}
