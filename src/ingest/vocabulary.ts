// Loads vocabulary.yaml: column-name synonyms per canonical field and the default value lists for
// channels, yes/no flags and outcome words (finding / inspection columns written as words).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SELECTION_REASONS } from './fields.ts';

const VocabularySchema = z.strictObject({
  fields: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
  channels: z.record(z.enum(['green', 'yellow', 'red', 'blue']), z.array(z.string())),
  selection_reasons: z.record(z.enum(SELECTION_REASONS), z.array(z.string())),
  booleans: z.strictObject({ true: z.array(z.string()), false: z.array(z.string()) }),
  findings: z.strictObject({ true: z.array(z.string()), false: z.array(z.string()) }),
  inspections: z.strictObject({ true: z.array(z.string()), false: z.array(z.string()) }),
});
export type Vocabulary = z.infer<typeof VocabularySchema>;

let cached: Vocabulary | undefined;

/** The words a yes/no field accepts: the flags, plus the outcome words of `finding` and `inspected` fields. */
export function booleanWords(words?: 'findings' | 'inspections'): { true: string[]; false: string[] } {
  const v = vocabulary();
  if (!words) return v.booleans;
  return { true: [...v.booleans.true, ...v[words].true], false: [...v.booleans.false, ...v[words].false] };
}

export function vocabulary(): Vocabulary {
  cached ??= VocabularySchema.parse(parse(readFileSync(new URL('./vocabulary.yaml', import.meta.url), 'utf8')));
  return cached;
}

/** Lower case, accents removed, split into tokens on punctuation, spaces, underscores and camelCase. */
export function tokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}
