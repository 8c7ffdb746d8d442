// Annex 2 steps 1–2: expected effect, probability, priority and its level. Pure functions over the scales.
import { z } from 'zod';
import { DomainError } from '../../errors/index.ts';
import type { Band, RegisterScales } from '../config.ts';

export const OccurrenceSchema = z.tuple([z.string(), z.enum(['Y', 'N'])]);
export type Occurrence = [period: string, present: 'Y' | 'N'];

export interface Assessment {
  /** objective code -> effect level code of the scale */
  effects: Record<string, string>;
  occurrence: Occurrence[];
}

export const ScoreSchema = z.object({
  /** points per objective, in the scales' objective order */
  effectPoints: z.record(z.string(), z.number()),
  expectedEffect: z.number(),
  periods: z.number(),
  probability: z.number(),
  probabilityLevel: z.string().nullable(),
  priority: z.number().nullable(),
  priorityLevel: z.string().nullable(),
  /** highest priority reachable with these periods: top points × objectives × periods */
  maxPriority: z.number().nullable(),
});
export type Score = z.infer<typeof ScoreSchema>;

export class ScoreError extends DomainError {}

export function pointsOf(scales: RegisterScales, level: string): number {
  const s = scales.effect_scale.find((e) => e.code === level);
  if (!s)
    throw new ScoreError(
      `unknown effect level '${level}' (expected one of ${scales.effect_scale.map((e) => e.code).join(', ')})`,
    );
  return s.points;
}

/** The first band whose min the value reaches (bands are listed from the highest). */
export function bandFor(bands: Band[], value: number): Band {
  return bands.find((b) => value >= b.min) ?? bands[bands.length - 1];
}

export function score(scales: RegisterScales, a: Assessment): Score {
  const effectPoints: Record<string, number> = {};
  let expectedEffect = 0;
  for (const o of scales.objectives) {
    const level = a.effects[o.code];
    if (level === undefined) throw new ScoreError(`no effect given for objective '${o.code}'`);
    effectPoints[o.code] = pointsOf(scales, level);
    expectedEffect += effectPoints[o.code];
  }
  const periods = a.occurrence.length;
  const probability = a.occurrence.filter(([, v]) => v === 'Y').length;
  if (periods === 0) {
    return {
      effectPoints,
      expectedEffect,
      periods,
      probability,
      probabilityLevel: null,
      priority: null,
      priorityLevel: null,
      maxPriority: null,
    };
  }
  const priority = expectedEffect * probability;
  const topPoints = Math.max(...scales.effect_scale.map((e) => e.points));
  const maxPriority = topPoints * scales.objectives.length * periods;
  const pb = scales.priority_bands;
  const priorityLevel = bandFor(pb.bands, pb.basis === 'absolute' ? priority : priority / maxPriority).code;
  const qb = scales.probability_bands;
  const probabilityLevel = bandFor(qb.bands, qb.basis === 'absolute' ? probability : probability / periods).code;
  return { effectPoints, expectedEffect, periods, probability, probabilityLevel, priority, priorityLevel, maxPriority };
}

/** Progress indicator value in percent, one decimal (Annex 2 Table A2.4: 5,478 / 16,392 → 33.4). */
export function indicatorPercent(numerator: number, denominator: number): number | null {
  if (!(denominator > 0)) return null;
  return Math.round((numerator / denominator) * 1000) / 10;
}
