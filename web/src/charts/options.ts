// Every chart's ECharts option is built here from plain data, with the same colours, legends, axes and number
// formats, together with the table that is its text alternative. Pages pass data; they never write options.
import type { ChartOption } from './Chart.tsx';

export type Fmt = (v: number) => string;
export interface DataTable {
  head: string[];
  rows: string[][];
}
export interface Built {
  option: ChartOption;
  table: DataTable;
}

/** Colours of series, distinguishable with the common colour-vision deficiencies (Okabe–Ito order). */
export const PALETTE = ['#1f5f99', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#6b6b6b', '#000000'];
/** Risk levels, everywhere the same. */
export const LEVEL_COLOURS: Record<string, string> = {
  high: '#c0392b',
  medium: '#e6a23c',
  low: '#3c9d5d',
  unscored: '#8a96a3',
};
export const TEXT = '#1d2733';
export const MUTED = '#5d6b7a';

// Sequential scale (light to dark blue) for counts in heat maps.
export const SEQ = ['#f0f5fb', '#cfe1f2', '#93c4e1', '#4a98c9', '#1d6aa8', '#0b3f7a'];

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
const toHex = (rgb: number[]) => '#' + rgb.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('');

/** The colour of a share 0..1 on the sequential scale. */
export function sequential(share: number): string {
  const s = Math.min(1, Math.max(0, Number.isFinite(share) ? share : 0)) * (SEQ.length - 1);
  const i = Math.min(SEQ.length - 2, Math.floor(s));
  const a = hex(SEQ[i]);
  const b = hex(SEQ[i + 1]);
  return toHex(a.map((x, k) => x + (b[k] - x) * (s - i)));
}
export const SEQUENTIAL_GRADIENT = `linear-gradient(to right, ${SEQ.join(', ')})`;

function luminance(c: string): number {
  const [r, g, b] = hex(c).map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
/** Dark or white text, whichever reads better on the background. */
export const textOn = (bg: string) => (contrast(bg, TEXT) >= contrast(bg, '#ffffff') ? TEXT : '#ffffff');

/** A colour per series: risk levels keep theirs, others take the palette in order. */
export function seriesColours(keys: string[]): string[] {
  let next = 0;
  return keys.map((k) => LEVEL_COLOURS[k] ?? PALETTE[next++ % PALETTE.length]);
}

const axisText = { color: MUTED, fontSize: 11 };

export interface SeriesSpec {
  /** a stable key (a risk level keeps its colour) */
  key: string;
  name: string;
  values: (number | null)[];
  kind?: 'line' | 'bar';
  /** 1: on the second (right) axis, with format2 */
  axis?: 0 | 1;
}
export interface TrendSpec {
  categories: string[];
  series: SeriesSpec[];
  format: Fmt;
  format2?: Fmt;
  axisName?: string;
  axisName2?: string;
  categoryName?: string;
  /** a vertical line at a category, e.g. the start of a treatment */
  marker?: { index: number; label: string };
  /** a horizontal reference line on the first axis */
  reference?: { value: number; label: string };
  /** the second axis from 0 to 1 (shares) */
  unitAxis2?: boolean;
  /** counts: ticks on whole numbers only */
  integer?: boolean;
}

/** Lines or bars over periods (or any categories); a legend whenever there is more than one series. */
export function trendChart(spec: TrendSpec): Built {
  const colours = seriesColours(spec.series.map((s) => s.key));
  const legend = spec.series.length > 1;
  const two = spec.series.some((s) => s.axis === 1);
  const fmtOf = (s: SeriesSpec) => (s.axis === 1 && spec.format2 ? spec.format2 : spec.format);
  const option: ChartOption = {
    animation: false,
    color: colours,
    grid: {
      left: 8,
      right: two ? 8 : 16,
      top: legend ? 34 : 14,
      bottom: spec.categoryName ? 30 : 8,
      containLabel: true,
    },
    legend: legend ? { top: 0, type: 'scroll', textStyle: { color: TEXT } } : undefined,
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { seriesIndex: number; name: string; value: number | null; marker: string }[]) =>
        [ps[0]?.name ?? '']
          .concat(
            ps.map(
              (p) =>
                `${p.marker}${spec.series[p.seriesIndex].name}: <b>${p.value === null || p.value === undefined ? '—' : fmtOf(spec.series[p.seriesIndex])(p.value)}</b>`,
            ),
          )
          .join('<br/>'),
    },
    xAxis: {
      type: 'category',
      data: spec.categories,
      name: spec.categoryName,
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: axisText,
    },
    yAxis: [
      {
        type: 'value',
        name: spec.axisName,
        nameTextStyle: axisText,
        minInterval: spec.integer ? 1 : undefined,
        axisLabel: { ...axisText, formatter: spec.format },
      },
      ...(two
        ? [
            {
              type: 'value',
              name: spec.axisName2,
              nameTextStyle: axisText,
              ...(spec.unitAxis2 ? { min: 0, max: 1 } : {}),
              splitLine: { show: false },
              axisLabel: { ...axisText, formatter: spec.format2 ?? spec.format },
            },
          ]
        : []),
    ],
    series: spec.series.map((s, i) => ({
      name: s.name,
      type: s.kind ?? 'line',
      yAxisIndex: s.axis ?? 0,
      connectNulls: true,
      showSymbol: spec.categories.length <= 24,
      data: s.values,
      markLine:
        i === 0 && (spec.marker || spec.reference)
          ? {
              symbol: 'none',
              silent: true,
              lineStyle: { type: 'dashed', color: MUTED },
              label: { color: TEXT, position: 'insideEndTop' },
              data: [
                ...(spec.marker ? [{ xAxis: spec.marker.index, label: { formatter: spec.marker.label } }] : []),
                ...(spec.reference
                  ? [{ yAxis: spec.reference.value, label: { formatter: spec.reference.label } }]
                  : []),
              ],
            }
          : undefined,
    })),
  };
  return {
    option,
    table: {
      head: [spec.categoryName ?? '', ...spec.series.map((s) => s.name)],
      rows: spec.categories.map((c, i) => [
        c,
        ...spec.series.map((s) => (s.values[i] === null || s.values[i] === undefined ? '—' : fmtOf(s)(s.values[i]!))),
      ]),
    },
  };
}

/** A small line without axes, for a figure whose numbers are written beside it. */
export function sparkline(values: (number | null)[], colour = PALETTE[0]): ChartOption {
  return {
    animation: false,
    grid: { left: 2, right: 2, top: 4, bottom: 4 },
    xAxis: { type: 'category', show: false, data: values.map((_, i) => i) },
    yAxis: { type: 'value', show: false, scale: true },
    series: [
      {
        type: 'line',
        data: values,
        connectNulls: true,
        showSymbol: false,
        lineStyle: { color: colour, width: 2 },
        areaStyle: { color: colour, opacity: 0.08 },
      },
    ],
  };
}

export interface HistogramSpec {
  bins: { from: number; to: number; operators: number }[];
  /** the level of a bin's middle value */
  levelOf: (x: number) => string;
  levelName: (level: string) => string;
  valueName: string;
  countName: string;
  fmtValue: Fmt;
  fmtCount: Fmt;
  /** extra room on top for handles drawn over the chart */
  top?: number;
}

/** The GRI distribution: one bar per bin, coloured by the level its middle falls in, with a legend of levels. */
export function histogram(spec: HistogramSpec): Built {
  const max = spec.bins.length ? spec.bins[spec.bins.length - 1].to : 1;
  const levels = ['low', 'medium', 'high'];
  const option: ChartOption = {
    animation: false,
    grid: { left: 8, right: 20, top: spec.top ?? 30, bottom: 28, containLabel: true },
    legend: { top: 0, data: levels.map(spec.levelName), selectedMode: false, textStyle: { color: TEXT } },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { value: number[]; from: number; to: number } }) =>
        `${spec.valueName} ${spec.fmtValue(p.data.from)} – ${spec.fmtValue(p.data.to)}<br/>${spec.countName}: <b>${spec.fmtCount(p.data.value[1])}</b>`,
    },
    xAxis: {
      type: 'value',
      min: 0,
      max,
      name: spec.valueName,
      nameLocation: 'middle',
      nameGap: 24,
      axisLabel: { ...axisText, formatter: spec.fmtValue },
    },
    yAxis: { type: 'value', name: spec.countName, nameTextStyle: axisText, axisLabel: axisText, minInterval: 1 },
    // One series per level so that the legend names the colours; bars of the other levels are empty.
    series: levels.map((l) => ({
      name: spec.levelName(l),
      type: 'bar',
      stack: 'gri',
      barWidth: '95%',
      itemStyle: { color: LEVEL_COLOURS[l] },
      data: spec.bins.map((b) => {
        const mid = (b.from + b.to) / 2;
        return { value: [mid, spec.levelOf(mid) === l ? b.operators : 0], from: b.from, to: b.to };
      }),
    })),
  };
  return {
    option,
    table: {
      head: [spec.valueName, spec.countName, ''],
      rows: spec.bins
        .filter((b) => b.operators > 0)
        .map((b) => [
          `${spec.fmtValue(b.from)} – ${spec.fmtValue(b.to)}`,
          spec.fmtCount(b.operators),
          spec.levelName(spec.levelOf((b.from + b.to) / 2)),
        ]),
    },
  };
}
