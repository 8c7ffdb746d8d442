// The register's effect × probability grid (note Annex 2, Table A2.2): expected effect across, probability of
// occurrence down, each cell coloured by the priority band its product falls in, each vulnerability in its cell.
import type { TFunction } from 'i18next';
import { riskGrid } from '../../charts/grids.ts';
import { lbl, type Scales } from '../../components/labels.ts';
import { fmtInt, fmtPct } from '../../format.ts';
import type { VulnerabilityView } from '../../../../src/server/routes/plan-schemas.ts';

/** Periods the grid is drawn for: the most any vulnerability was assessed over (4 when none was). */
export const gridPeriods = (vs: VulnerabilityView[]) => Math.max(0, ...vs.map((v) => v.score.periods)) || 4;

export function registerMatrix(vs: VulnerabilityView[], s: Scales, t: TFunction) {
  const points = s.effect_scale.map((e) => e.points ?? 0);
  const n = s.objectives.length;
  const lo = Math.min(...points) * n;
  const hi = Math.max(...points) * n;
  const periods = gridPeriods(vs);
  const maxPriority = hi * periods;
  const pb = s.priority_bands;
  const share = pb.basis === 'absolute' ? (min: number) => min / maxPriority : (min: number) => min;
  return riskGrid({
    effects: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i),
    probabilities: Array.from({ length: periods + 1 }, (_, i) => periods - i),
    bands: pb.bands.map((b) => ({
      code: b.code,
      min: share(b.min),
      colour: b.colour ?? '#999999',
      name: lbl(b.labels),
    })),
    maxPriority,
    // A vulnerability assessed over fewer periods is placed by its share of periods with Y.
    items: vs
      .filter((v) => v.score.periods > 0)
      .map((v) => ({
        id: v.id,
        effect: v.score.expectedEffect,
        probability: Math.round((v.score.probability / v.score.periods) * periods),
      })),
    effectName: t('reg.expected'),
    probabilityName: t('reg.probability'),
    priorityName: t('reg.priority'),
    format: fmtInt,
  });
}

/** Why a row has its level: its priority against the highest reachable with its periods, and the band's floor. */
export function levelRule(v: VulnerabilityView, s: Scales, t: TFunction): string {
  const sc = v.score;
  if (sc.priority === null || sc.maxPriority === null) return t('reg.ruleNoPeriods');
  const band = s.priority_bands.bands.find((b) => b.code === sc.priorityLevel);
  if (s.priority_bands.basis === 'absolute')
    return t('reg.ruleAbsolute', { priority: fmtInt(sc.priority), min: fmtInt(band?.min ?? 0) });
  return t('reg.ruleShare', {
    priority: fmtInt(sc.priority),
    max: fmtInt(sc.maxPriority),
    periods: fmtInt(sc.periods),
    share: fmtPct(sc.priority / sc.maxPriority, 0),
    min: fmtPct(band?.min ?? 0, 0),
  });
}
