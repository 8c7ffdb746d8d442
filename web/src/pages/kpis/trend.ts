// A KPI as a chart: one line per dimension value (risk level, transport mode, channel...), each named in the
// legend and in the headline; a ratio-sized series (at most 10) beside values over 100 times larger goes on a second axis
// (e.g. buoyancy, a ratio, beside collection and trade value).
import type { TFunction } from 'i18next';
import { trendChart } from '../../charts/options.ts';
import { fmtNum, fmtUnit } from '../../format.ts';
import type { KpiSeries } from '../../../../src/measure/kpi/report.ts';

export type { KpiSeries };

export interface Latest {
  name: string;
  period: string;
  value: string;
  variation: number | null;
}

export function kpiTrend(s: KpiSeries, periods: string[], t: TFunction) {
  const dims = [...new Set(s.points.map((p) => p.dimension))];
  const name = (d: string | null) =>
    d === null ? s.name : t(`level.${d}`, { defaultValue: t(`kpi.dims.${d}`, { defaultValue: d }) });
  const values = dims.map((d) =>
    periods.map((p) => s.points.find((q) => q.period === p && q.dimension === d)?.value ?? null),
  );
  const peak = values.map((v) => Math.max(0, ...v.map((x) => Math.abs(x ?? 0))));
  const top = Math.max(...peak, 0);
  // Only a ratio-sized series (buoyancy) beside large amounts: an empty or merely smaller series keeps the axis.
  const small = peak.map((p) => p > 0 && p <= 10 && p < top / 100);
  const second = small.some((x) => x) && small.some((x) => !x);
  const fmt = (v: number) => fmtUnit(s.unit, v);
  const fmt2 = (v: number) => fmtNum(v, 2);
  const built = trendChart({
    categories: periods,
    series: dims.map((d, i) => ({
      key: d ?? s.code,
      name: name(d),
      values: values[i],
      axis: second && small[i] ? 1 : 0,
    })),
    format: fmt,
    format2: fmt2,
    categoryName: t('kpi.period'),
  });
  // The latest period with a value, per series, each under its own name.
  const latest: Latest[] = dims.flatMap((d, i) => {
    const pts = s.points.filter((p) => p.dimension === d && p.value !== null);
    const last = pts.at(-1);
    return last
      ? [
          {
            name: name(d),
            period: last.period,
            value: second && small[i] ? fmt2(last.value!) : fmt(last.value!),
            variation: last.variation,
          },
        ]
      : [];
  });
  return { built, latest: latest.slice(0, 5) };
}
