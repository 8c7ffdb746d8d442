// Loads the plan's data files (scales, bands, catalogues, treatment matrices) and the workspace's overrides.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';

export const LANGUAGES = ['en', 'es', 'fr', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];
const DATA_DIR = join(import.meta.dirname, 'data');

const labels = z.object({ en: z.string() }).catchall(z.string());
export type Labels = z.infer<typeof labels>;

const band = z.object({ code: z.string(), min: z.number(), colour: z.string(), labels });
const bands = z.object({ basis: z.string(), bands: z.array(band).min(1) });

export const registerScalesSchema = z.object({
  effect_scale: z.array(z.object({ code: z.string(), points: z.number(), colour: z.string(), labels })).min(2),
  objectives: z.array(z.object({ code: z.string(), short: z.string(), labels })).min(1),
  institutional_risks: z.array(z.object({ code: z.string(), aliases: z.array(z.string()).default([]), labels })).min(1),
  compliance_risks: z.array(z.object({ code: z.string(), aliases: z.array(z.string()).default([]), labels })).min(1),
  priority_bands: bands.extend({ basis: z.enum(['share_of_max', 'absolute']) }),
  probability_bands: bands.extend({ basis: z.enum(['share_of_periods', 'absolute']) }),
});
export type RegisterScales = z.infer<typeof registerScalesSchema>;
export type Band = z.infer<typeof band>;

const cellSchema = z.object({
  package: labels,
  what: z.object({ en: z.array(z.string()) }).catchall(z.array(z.string())),
});
const rowSchema = z.object({
  intervention: z.enum(['one_to_one', 'one_to_several', 'one_to_many']),
  high: cellSchema,
  medium: cellSchema,
  low: cellSchema,
});
export const treatmentDataSchema = z.object({
  intervention_types: z.array(z.object({ code: z.string(), labels, notes: labels })),
  risk_headings: z.object({ low: labels, medium: labels, high: labels }),
  matrices: z.record(z.string(), z.object({ large: rowSchema, medium: rowSchema, small: rowSchema })),
});
export type TreatmentData = z.infer<typeof treatmentDataSchema>;

function loadYaml<T>(file: string, schema: z.ZodType<T>): T {
  const path = join(DATA_DIR, file);
  const r = schema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${path}: ${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}

let defaultScales: RegisterScales | undefined;
export function defaultRegisterScales(): RegisterScales {
  return (defaultScales ??= loadYaml('register-scales.yaml', registerScalesSchema));
}

let treatmentData: TreatmentData | undefined;
export function defaultTreatmentData(): TreatmentData {
  return (treatmentData ??= loadYaml('treatments.yaml', treatmentDataSchema));
}

/** A label in the wanted language, falling back to English. */
export function label(l: Labels, lang: string): string {
  return l[lang] ?? l.en;
}

export function asLanguage(v: string | null | undefined): Language {
  return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : 'en';
}

export async function workspaceLanguage(ws: Workspace): Promise<Language> {
  return asLanguage(await ws.getSetting('language'));
}

/** The register scales in force: the latest workspace override, else the data file. */
export async function registerScales(ws: Workspace): Promise<RegisterScales> {
  const row = await ws.one<{ value_json: string }>(
    `SELECT value_json FROM plan_config WHERE key = 'register_scales' ORDER BY version DESC LIMIT 1`,
  );
  return row ? registerScalesSchema.parse(JSON.parse(row.value_json)) : defaultRegisterScales();
}

/** Finds a catalogue entry by code, alias or label in any language (case-insensitive). */
export function lookupCode<T extends { code: string; aliases?: string[]; labels: Labels }>(
  items: T[],
  input: string,
): T | undefined {
  const k = input.trim().toLowerCase();
  return items.find(
    (i) =>
      i.code.toLowerCase() === k ||
      (i.aliases ?? []).some((a) => a.toLowerCase() === k) ||
      Object.values(i.labels).some((l) => l.toLowerCase() === k),
  );
}
