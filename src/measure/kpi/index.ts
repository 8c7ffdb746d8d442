// Box 2 KPIs: the API shared by the CLI (`cip kpi`), the server and the UI.
import type { Workspace } from '../../workspace/workspace.ts';
import { kpiCatalogue, type KpiDef, type KpiLevel, type Lang } from './catalogue.ts';
import { columnCounts, missingRequirements } from './availability.ts';
import { operationalTable } from './operational.ts';
import type { KpiNotComputed, KpiPoint, KpiReport, KpiSeries } from './report.ts';
import { periodLabel, periodSpine, type PeriodUnit } from './period.ts';
import { KPI_SQL } from './sql.ts';
import { dropKpiTables, stageKpiTables, stagedRange } from './staging.ts';
import { withVariation } from './variation.ts';

export { kpiCatalogue, LANGS, LEVELS, type Lang, type KpiLevel } from './catalogue.ts';
export { PERIODS, type PeriodUnit, periodLabel, periodSpine } from './period.ts';
export { variationRate, change, withVariation } from './variation.ts';
export type { OperationalRow } from './report.ts';
export {
  KpiReportSchema,
  KpiSeriesSchema,
  type KpiNotComputed,
  type KpiPoint,
  type KpiReport,
  type KpiSeries,
} from './report.ts';

export interface KpiOptions {
  period?: PeriodUnit;
  level?: KpiLevel;
  from?: string | null;
  to?: string | null;
  lang?: Lang;
}

type RawRow = {
  period_start: string;
  dimension: string | null;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
};

export async function computeKpis(ws: Workspace, opts: KpiOptions = {}): Promise<KpiReport> {
  const unit = opts.period ?? 'quarter';
  const lang = opts.lang ?? 'en';
  const cat = kpiCatalogue();
  const wanted = cat.kpis.filter((k) => !opts.level || k.level === opts.level);
  const counts = await columnCounts(ws, [
    ...cat.kpis.flatMap((k) => k.requires),
    'declaration_lines.finding',
    'audits.finding',
  ]);

  const notComputed: KpiNotComputed[] = [];
  const computable: KpiDef[] = [];
  for (const k of wanted) {
    const missing = missingRequirements(k.requires, counts);
    if (missing.length === 0) computable.push(k);
    else
      notComputed.push({
        code: k.code,
        level: k.level,
        name: k.names[lang],
        needs: `no data in ${missing.map((m) => m.split('|').join(' or ')).join(', ')}`,
      });
  }
  for (const u of cat.unavailable.filter((u) => !opts.level || u.level === opts.level)) {
    notComputed.push({ code: u.code, level: u.level, name: u.names[lang], needs: u.needs[lang] });
  }

  const window = { unit, from: opts.from ?? null, to: opts.to ?? null };
  await stageKpiTables(ws, window);
  try {
    const range = await stagedRange(ws);
    const first = window.from ?? range.first;
    const last = window.to ?? range.last;
    const spine = first && last ? periodSpine(first, last, unit) : [];
    const kpis: KpiSeries[] = [];
    for (const k of computable) {
      const raw = await ws.all<RawRow>(`${KPI_SQL[k.code]} ORDER BY 1, 2`);
      kpis.push({
        code: k.code,
        level: k.level,
        name: k.names[lang],
        unit: k.unit,
        dimension: k.dimension ?? null,
        formula: k.formula[lang],
        points: seriesPoints(k, raw, spine, unit),
      });
    }
    const s2 = kpis.find((k) => k.code === 'S2_collection_vs_trade');
    if (s2) s2.points.push(...buoyancy(s2.points));

    let operational: KpiReport['operational'] = null;
    if (!opts.level || opts.level === 'operational') {
      const sources: ('clearance' | 'pca')[] = [];
      if ((counts.get('declaration_lines.finding') ?? 0) > 0) sources.push('clearance');
      if ((counts.get('audits.finding') ?? 0) > 0) sources.push('pca');
      if (sources.length > 0) {
        const rows = await operationalTable(ws, spine, sources, lang);
        operational = { sources, rows: rows.map((r) => ({ ...r, period: periodLabel(r.period, unit) })) };
      } else {
        notComputed.push({
          code: 'O_operational_table',
          level: 'operational',
          name: cat.operational.columns.cases[lang],
          needs: 'no data in declaration_lines.finding or audits.finding',
        });
      }
    }
    return {
      period: unit,
      periods: spine.map((p) => periodLabel(p, unit)),
      from: window.from,
      to: window.to,
      kpis,
      not_computed: notComputed,
      operational,
    };
  } finally {
    await dropKpiTables(ws);
  }
}

/** One varied series per dimension value, laid on the full spine. */
function seriesPoints(k: KpiDef, raw: RawRow[], spine: string[], unit: PeriodUnit): KpiPoint[] {
  const dims = [...new Set(raw.map((r) => r.dimension))];
  const empty = k.empty === 'zero' ? 0 : null;
  const out: KpiPoint[] = [];
  for (const dim of dims) {
    const mine = raw.filter((r) => r.dimension === dim);
    const byPeriod = new Map(mine.map((r) => [r.period_start, r]));
    const varied = withVariation(
      spine,
      mine.map((r) => ({ period: r.period_start, value: num(r.value) })),
      empty,
    );
    for (const v of varied) {
      const r = byPeriod.get(v.period);
      out.push({
        period: periodLabel(v.period, unit),
        period_start: v.period,
        dimension: dim,
        value: v.value,
        numerator: r ? num(r.numerator) : empty,
        denominator: r ? num(r.denominator) : null,
        variation: v.variation,
        change: v.change,
      });
    }
  }
  return out;
}

/** Collection buoyancy: variation of collection / variation of trade value, per period. */
export function buoyancy(points: KpiPoint[]): KpiPoint[] {
  const coll = points.filter((p) => p.dimension === 'collection');
  const trade = new Map(points.filter((p) => p.dimension === 'trade_value').map((p) => [p.period, p]));
  return coll.map((c) => {
    const t = trade.get(c.period);
    const value =
      c.variation !== null && t?.variation !== null && t?.variation !== undefined && t.variation !== 0
        ? c.variation / t.variation
        : null;
    return {
      period: c.period,
      period_start: c.period_start,
      dimension: 'buoyancy',
      value,
      numerator: c.variation,
      denominator: t?.variation ?? null,
      variation: null,
      change: null,
    };
  });
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
