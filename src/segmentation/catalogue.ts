// The indicator catalogue (Table 2) is data: catalogue/indicators.yaml, validated here on load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { AGG_COLUMNS } from './measures.ts';

export const LANGS = ['en', 'es', 'fr', 'pt'] as const;
export type Lang = (typeof LANGS)[number];
const texts = z.object({ en: z.string().min(1), es: z.string().min(1), fr: z.string().min(1), pt: z.string().min(1) });
const aggCol = z.enum(AGG_COLUMNS);

export const thresholdSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('absolute'), value: z.number() }),
  z.object({ type: z.literal('percentile'), p: z.number().min(0).max(1) }),
  z.object({ type: z.literal('meanSd'), k: z.number() }),
  z.object({ type: z.literal('zscore'), z: z.number(), within: z.enum(['sector', 'chapter']) }),
]);
export type Threshold = z.infer<typeof thresholdSchema>;

export const measureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('share'), num: aggCol, den: aggCol, items: aggCol.optional() }),
  z.object({ kind: z.literal('growth'), recentNum: aggCol, recentDen: aggCol, prevNum: aggCol, prevDen: aggCol }),
  z.object({ kind: z.literal('count'), col: aggCol }),
  z.object({ kind: z.literal('gap'), pairs: z.array(z.tuple([aggCol, aggCol])).min(1) }),
  z.object({ kind: z.literal('peer_share'), minPeers: z.number().int().positive() }),
]);
export type Measure = z.infer<typeof measureSchema>;

export const REQUIRABLE = /^(declaration_lines|operators|tax_records|cases|audits)\.[a-z_]+$/;

export const indicatorDefSchema = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'upper-case code like TRX_BROKER'),
  family: z.enum(['transaction', 'customs', 'tax', 'crosscheck', 'custom']),
  names: texts,
  requires: z.array(z.string().regex(REQUIRABLE, 'table.column of a canonical table')),
  measure: measureSchema,
  direction: z.enum(['above', 'below']).default('above'),
  format: z.enum(['pct', 'pp', 'int', 'num']),
  threshold: thresholdSchema,
  evidence: texts,
});
export type IndicatorDef = z.infer<typeof indicatorDefSchema>;

let cached: IndicatorDef[] | undefined;

export const CATALOGUE_FILE = join(import.meta.dirname, 'catalogue', 'indicators.yaml');

/** Parses and validates a catalogue file; errors name the file, the entry and the field. */
export function parseCatalogue(text: string, file = CATALOGUE_FILE): IndicatorDef[] {
  const raw = parse(text) as unknown;
  const r = z.array(indicatorDefSchema).safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const entry = typeof i.path[0] === 'number' ? ` entry ${i.path[0] + 1}` : '';
    throw new Error(`${file}${entry}: ${i.path.slice(1).join('.') || '(root)'}: ${i.message}`);
  }
  const seen = new Set<string>();
  for (const d of r.data) {
    if (seen.has(d.code)) throw new Error(`${file}: duplicate indicator code ${d.code}`);
    seen.add(d.code);
  }
  return r.data;
}

export function builtinIndicators(): IndicatorDef[] {
  cached ??= parseCatalogue(readFileSync(CATALOGUE_FILE, 'utf8'));
  return cached;
}

let byCode: Map<string, IndicatorDef> | undefined;
/** A built-in indicator by code (undefined for custom or unknown codes). */
export function builtinIndicator(code: string): IndicatorDef | undefined {
  byCode ??= new Map(builtinIndicators().map((d) => [d.code, d]));
  return byCode.get(code);
}
