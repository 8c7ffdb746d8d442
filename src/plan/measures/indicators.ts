// Progress indicators (Annex 2 step 4): numerator / denominator per period, with a goal.
// Definitions are versioned; values are append-only (a correction is a new row for the same period).
import { z } from 'zod';
import type { Workspace } from '../../workspace/workspace.ts';
import { recordChange } from '../../history/history.ts';
import { getVulnerability } from '../register/store.ts';
import { indicatorPercent } from '../register/score.ts';
import { MeasureInputError, getMeasure } from './store.ts';

export const IndicatorValueSchema = z.object({
  period: z.string(),
  numerator: z.number(),
  denominator: z.number(),
  /** percent, one decimal */
  value: z.number().nullable(),
  recordedBy: z.string(),
});
export type IndicatorValue = z.infer<typeof IndicatorValueSchema>;

/** A progress indicator with its values (the API's answer). */
export const IndicatorSchema = z.object({
  id: z.string(),
  version: z.number(),
  vulnId: z.string(),
  measureId: z.string().nullable(),
  name: z.string(),
  numeratorLabel: z.string(),
  denominatorLabel: z.string(),
  goal: z.number().nullable(),
  values: z.array(IndicatorValueSchema),
  /** latest period's value minus the previous period's, in percentage points */
  change: z.number().nullable(),
});
export type Indicator = z.infer<typeof IndicatorSchema>;

export type IndicatorFields = Pick<
  Indicator,
  'vulnId' | 'measureId' | 'name' | 'numeratorLabel' | 'denominatorLabel' | 'goal'
>;

const numericId = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);

export async function listIndicators(ws: Workspace, filter: { vulnId?: string } = {}): Promise<Indicator[]> {
  const defs = await ws.all<{
    indicator_id: string;
    version: number;
    vuln_id: string;
    measure_id: string | null;
    name: string;
    numerator_label: string;
    denominator_label: string;
    goal: number | null;
  }>(
    `SELECT * EXCLUDE (rn, changed_at, changed_by) FROM (
       SELECT *, row_number() OVER (PARTITION BY indicator_id ORDER BY version DESC) AS rn FROM plan_indicators) WHERE rn = 1`,
  );
  const vals = await ws.all<{
    indicator_id: string;
    period: string;
    numerator: number;
    denominator: number;
    recorded_by: string;
  }>(
    `SELECT indicator_id, period, numerator, denominator, recorded_by FROM (
       SELECT *, row_number() OVER (PARTITION BY indicator_id, period ORDER BY seq DESC) AS rn FROM plan_indicator_values)
     WHERE rn = 1 ORDER BY indicator_id, period`,
  );
  return defs
    .filter((d) => !filter.vulnId || d.vuln_id === filter.vulnId)
    .sort((a, b) => numericId(a.indicator_id) - numericId(b.indicator_id))
    .map((d) => {
      const values = vals
        .filter((v) => v.indicator_id === d.indicator_id)
        .map((v) => ({
          period: v.period,
          numerator: v.numerator,
          denominator: v.denominator,
          value: indicatorPercent(v.numerator, v.denominator),
          recordedBy: v.recorded_by,
        }));
      const last = values.at(-1)?.value ?? null;
      const prev = values.at(-2)?.value ?? null;
      return {
        id: d.indicator_id,
        version: d.version,
        vulnId: d.vuln_id,
        measureId: d.measure_id,
        name: d.name,
        numeratorLabel: d.numerator_label,
        denominatorLabel: d.denominator_label,
        goal: d.goal,
        values,
        change: last !== null && prev !== null ? Math.round((last - prev) * 10) / 10 : null,
      };
    });
}

export async function getIndicator(ws: Workspace, id: string): Promise<Indicator> {
  const i = (await listIndicators(ws)).find((x) => x.id === id);
  if (!i) throw new MeasureInputError(`no indicator '${id}' (see 'cip measures indicator list')`, 'not_found');
  return i;
}

const stateOf = (f: IndicatorFields) => ({
  vuln_id: f.vulnId,
  measure_id: f.measureId,
  name: f.name,
  numerator: f.numeratorLabel,
  denominator: f.denominatorLabel,
  goal: f.goal,
});

export async function saveIndicator(
  ws: Workspace,
  actor: string,
  f: IndicatorFields,
  id?: string,
): Promise<{ indicator: Indicator; changed: boolean }> {
  if (!f.name.trim() || !f.numeratorLabel.trim() || !f.denominatorLabel.trim()) {
    throw new MeasureInputError('an indicator needs a name, a numerator and a denominator');
  }
  if (f.goal !== null && !Number.isFinite(f.goal))
    throw new MeasureInputError(`indicator goal '${f.goal}' is not a number`);
  await getVulnerability(ws, f.vulnId);
  if (f.measureId) {
    const m = await getMeasure(ws, f.measureId);
    if (m.vulnId !== f.vulnId) throw new MeasureInputError(`measure ${m.id} treats ${m.vulnId}, not ${f.vulnId}`);
  }
  return ws.transaction(async () => {
    const all = await listIndicators(ws);
    const iid = id ?? `I-${String(Math.max(0, ...all.map((i) => numericId(i.id))) + 1).padStart(3, '0')}`;
    const prev = all.find((i) => i.id === iid);
    const after = stateOf(f);
    if (prev && JSON.stringify(stateOf(prev)) === JSON.stringify(after)) return { indicator: prev, changed: false };
    const version = (prev?.version ?? 0) + 1;
    await ws.run(`INSERT INTO plan_indicators VALUES ($id, $v, $vu, $m, $n, $nl, $dl, $g, $actor, now())`, {
      id: iid,
      v: version,
      vu: f.vulnId,
      m: f.measureId,
      n: f.name,
      nl: f.numeratorLabel,
      dl: f.denominatorLabel,
      g: f.goal,
      actor,
    });
    await recordChange(ws, {
      actor,
      action: prev ? 'indicators.update' : 'indicators.add',
      entityType: 'indicator',
      entityId: iid,
      before: prev ? stateOf(prev) : undefined,
      after,
    });
    return { indicator: await getIndicator(ws, iid), changed: true };
  });
}

/** Records (or corrects) the value of a period. Returns the indicator with the new value. */
export async function recordIndicatorValue(
  ws: Workspace,
  actor: string,
  id: string,
  period: string,
  numerator: number,
  denominator: number,
): Promise<{ indicator: Indicator; changed: boolean }> {
  if (!period.trim()) throw new MeasureInputError('period is empty');
  if (!Number.isFinite(numerator) || numerator < 0)
    throw new MeasureInputError(`numerator '${numerator}' is not a number ≥ 0`);
  if (!Number.isFinite(denominator) || denominator <= 0)
    throw new MeasureInputError(`denominator '${denominator}' is not a number > 0`);
  const cur = await getIndicator(ws, id);
  const prev = cur.values.find((v) => v.period === period);
  if (prev && prev.numerator === numerator && prev.denominator === denominator)
    return { indicator: cur, changed: false };
  return ws.transaction(async () => {
    const seq =
      (await ws.scalar<number | null>(
        `SELECT max(seq) FROM plan_indicator_values WHERE indicator_id = $id AND period = $p`,
        { id, p: period },
      )) ?? 0;
    await ws.run(`INSERT INTO plan_indicator_values VALUES ($id, $p, $seq, $n, $d, $actor, now())`, {
      id,
      p: period,
      seq: seq + 1,
      n: numerator,
      d: denominator,
      actor,
    });
    await recordChange(ws, {
      actor,
      action: prev ? 'indicators.correct' : 'indicators.record',
      entityType: 'indicator_value',
      entityId: `${id}/${period}`,
      before: prev ? { numerator: prev.numerator, denominator: prev.denominator } : undefined,
      after: { numerator, denominator },
    });
    return { indicator: await getIndicator(ws, id), changed: true };
  });
}
