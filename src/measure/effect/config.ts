// The defaults of `cip effect`, read from matching.yaml and validated.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { EFFECT_DESIGNS } from './design.ts';

const bounds = z
  .array(z.number().min(0).max(1))
  .min(1)
  .refine((a) => a[0] === 0 && a.every((v, i) => i === 0 || v > a[i - 1]), 'expected ascending bounds starting at 0');

const schema = z.object({
  windows: z.object({
    pre_months: z.number().int().min(2),
    post_months: z.number().int().min(1),
    segment_months: z.number().int().min(1),
  }),
  eligibility: z.object({ min_inspected_pre: z.number().int().min(1), min_inspected_post: z.number().int().min(1) }),
  matching: z.object({
    pre_rate_bands: bounds,
    posterior_bands: bounds,
    size_large: z.number().positive(),
    size_medium: z.number().positive(),
    design: z.enum(EFFECT_DESIGNS),
    weighting: z.enum(['operators', 'lines']),
  }),
  bootstrap: z.object({ reps: z.number().int().min(100), seed: z.number().int(), level: z.number().gt(0).lt(1) }),
  warnings: z.object({ min_group: z.number().int().min(1), staggered_days: z.number().int().min(0) }),
});
export type EffectConfig = z.infer<typeof schema>;

const FILE = new URL('./matching.yaml', import.meta.url);

export function effectDefaults(): EffectConfig {
  const r = schema.safeParse(parse(readFileSync(FILE, 'utf8')));
  if (!r.success)
    throw new Error(`${FILE.pathname}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
  return r.data;
}
