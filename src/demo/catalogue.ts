// The demo generator's reference data (offices, trading partners, HS chapters, exemption programmes,
// name parts) lives in catalogue.json; this module validates it and loads it into temp tables.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';

const Office = z.object({
  code: z.string().regex(/^\d{4}$/),
  directorate: z.string(),
  name: z.string(),
  weight: z.number().positive(),
  mode: z.string(),
  mode2: z.string(),
  pMode: z.number().min(0).max(1),
});
const Country = z.object({
  code: z.string().regex(/^[A-Z]{2}$/),
  weight: z.number().positive(),
  risk: z.number().positive(),
  fta: z.string().nullable(),
  hub: z.string().regex(/^[A-Z]{2}$/),
});
const Chapter = z.object({
  ch: z.string().regex(/^\d{2}$/),
  name: z.string(),
  weight: z.number().positive(),
  duty: z.number().min(0).max(1),
  vat: z.number().min(0).max(1),
  excise: z.number().min(0).max(2),
  sens: z.number().positive(),
  usdPerKg: z.number().positive(),
  valueMu: z.number(),
  headings: z.number().int().min(1).max(99),
  isic: z.string().regex(/^\d{4}$/),
});
export const CatalogueSchema = z.object({
  homeCountry: z.string().regex(/^[A-Z]{2}$/),
  calendar: z.object({ start: z.iso.date(), end: z.iso.date() }),
  treatment: z.object({ name: z.string().min(1), start: z.iso.date() }),
  directorates: z.array(z.object({ code: z.string(), name: z.string() })).min(1),
  offices: z.array(Office).min(1),
  countries: z.array(Country).min(2),
  chapters: z.array(Chapter).min(2),
  exemptions: z.array(z.object({ code: z.string(), name: z.string() })).min(1),
  names: z.object({
    prefix: z.array(z.string()).min(1),
    stem: z.array(z.string()).min(1),
    suffix: z.array(z.string()).min(1),
  }),
});
export type Catalogue = z.infer<typeof CatalogueSchema>;

let cached: Catalogue | undefined;

export function loadCatalogue(): Catalogue {
  if (!cached) {
    const path = new URL('./catalogue.json', import.meta.url);
    cached = CatalogueSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  }
  return cached;
}

/** Inserts rows into a temp table with bound parameters (the catalogue is small: tens of rows). */
async function insertRows(ws: Workspace, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const placeholders = rows.map((r, i) => `(${r.map((_, j) => `$p${i}_${j}`).join(', ')})`).join(', ');
  const params: Record<string, unknown> = {};
  rows.forEach((r, i) => r.forEach((v, j) => (params[`p${i}_${j}`] = v)));
  await ws.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders}`, params);
}

/**
 * Loads the catalogue into temp tables demo_c_offices, demo_c_countries, demo_c_chapters,
 * demo_c_exemptions, demo_c_names, each with a dense 0-based index used by the generator's arithmetic.
 */
export async function loadCatalogueTables(ws: Workspace, cat: Catalogue): Promise<void> {
  await ws.run(`
    CREATE OR REPLACE TEMP TABLE demo_c_offices (office_idx INTEGER, code VARCHAR, directorate VARCHAR, weight DOUBLE,
      mode VARCHAR, mode2 VARCHAR, p_mode DOUBLE);
    CREATE OR REPLACE TEMP TABLE demo_c_countries (ctry_idx INTEGER, code VARCHAR, weight DOUBLE, risk DOUBLE,
      fta VARCHAR, hub VARCHAR);
    CREATE OR REPLACE TEMP TABLE demo_c_chapters (ch_idx INTEGER, ch VARCHAR, name VARCHAR, weight DOUBLE, duty DOUBLE,
      vat DOUBLE, excise DOUBLE, sens DOUBLE, usd_per_kg DOUBLE, value_mu DOUBLE, headings INTEGER, isic VARCHAR);
    CREATE OR REPLACE TEMP TABLE demo_c_exemptions (ex_idx INTEGER, code VARCHAR);
    CREATE OR REPLACE TEMP TABLE demo_c_names (part VARCHAR, idx INTEGER, text VARCHAR);`);
  await insertRows(
    ws,
    'demo_c_offices',
    ['office_idx', 'code', 'directorate', 'weight', 'mode', 'mode2', 'p_mode'],
    cat.offices.map((o, i) => [i, o.code, o.directorate, o.weight, o.mode, o.mode2, o.pMode]),
  );
  // The home country is appended last with weight 0: never drawn as an import origin, but exports carry it.
  const countries = [
    ...cat.countries.map((c) => [c.code, c.weight, c.risk, c.fta, c.hub]),
    [cat.homeCountry, 0, 0.5, null, cat.homeCountry],
  ];
  await insertRows(
    ws,
    'demo_c_countries',
    ['ctry_idx', 'code', 'weight', 'risk', 'fta', 'hub'],
    countries.map((c, i) => [i, ...c]),
  );
  await insertRows(
    ws,
    'demo_c_chapters',
    ['ch_idx', 'ch', 'name', 'weight', 'duty', 'vat', 'excise', 'sens', 'usd_per_kg', 'value_mu', 'headings', 'isic'],
    cat.chapters.map((c, i) => [
      i,
      c.ch,
      c.name,
      c.weight,
      c.duty,
      c.vat,
      c.excise,
      c.sens,
      c.usdPerKg,
      c.valueMu,
      c.headings,
      c.isic,
    ]),
  );
  await insertRows(
    ws,
    'demo_c_exemptions',
    ['ex_idx', 'code'],
    cat.exemptions.map((e, i) => [i, e.code]),
  );
  const names: unknown[][] = [];
  for (const part of ['prefix', 'stem', 'suffix'] as const) cat.names[part].forEach((t, i) => names.push([part, i, t]));
  await insertRows(ws, 'demo_c_names', ['part', 'idx', 'text'], names);
}
