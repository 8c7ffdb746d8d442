// Charts for the plan document: rendered server-side by ECharts to SVG, rasterised to PNG by resvg
// (no browser needed). Fonts come from the system (DejaVu Sans on most Linux installs).
import * as echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';

export interface BarSeries {
  name: string;
  values: number[];
  colour?: string;
}

export interface BarChart {
  title: string;
  categories: string[];
  series: BarSeries[];
  horizontal?: boolean;
  width?: number;
  height?: number;
  /** value labels in the reader's language */
  format?: (v: number) => string;
}

export function barChartSvg(c: BarChart): string {
  const width = c.width ?? 900;
  const height = c.height ?? 420;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const cat = { type: 'category' as const, data: c.categories, axisLabel: { interval: 0, fontSize: 12 } };
  const fmt = c.format;
  const val = { type: 'value' as const, axisLabel: { fontSize: 12, formatter: fmt } };
  chart.setOption({
    animation: false,
    backgroundColor: '#FFFFFF',
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    title: { text: c.title, left: 'center', textStyle: { fontSize: 16 } },
    legend: { top: 32, itemGap: 30, show: c.series.length > 1 },
    grid: { left: c.horizontal ? 140 : 70, right: 30, top: 70, bottom: 40 },
    xAxis: c.horizontal ? val : cat,
    yAxis: c.horizontal ? { ...cat, inverse: true } : val,
    series: c.series.map((s) => ({
      name: s.name,
      type: 'bar',
      data: s.values,
      itemStyle: s.colour ? { color: s.colour } : undefined,
      label: {
        show: true,
        position: c.horizontal ? 'right' : 'top',
        fontSize: 11,
        formatter: fmt ? (x: { value: number }) => fmt(x.value) : undefined,
      },
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** PNG bytes of a bar chart. */
export function barChartPng(c: BarChart): Buffer {
  const png = new Resvg(barChartSvg(c), {
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  return Buffer.from(png);
}

export interface LineChart {
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  /** axis and point labels, e.g. a percentage or a compact number in the reader's language */
  format: (v: number) => string;
  width?: number;
  height?: number;
}

const PALETTE = ['#1F4E79', '#C0504D', '#9BBB59', '#8064A2', '#F79646', '#4BACC6'];

/** A small trend chart (one line per series, a legend when there are several), for a grid of KPIs. */
export function lineChartPng(c: LineChart): Buffer {
  const width = c.width ?? 600;
  const height = c.height ?? 300;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const many = c.series.length > 1;
  chart.setOption({
    animation: false,
    backgroundColor: '#FFFFFF',
    color: PALETTE,
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    legend: many
      ? { bottom: 0, itemGap: 16, textStyle: { fontSize: 18 }, itemWidth: 24, itemHeight: 12 }
      : { show: false },
    grid: { left: 20, right: 30, top: 20, bottom: many ? 80 : 40, containLabel: true },
    xAxis: { type: 'category', data: c.categories, axisLabel: { fontSize: 18 }, boundaryGap: false },
    yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 18, formatter: c.format }, splitNumber: 3 },
    series: c.series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.values,
      symbolSize: 8,
      lineStyle: { width: 3 },
      connectNulls: true,
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return Buffer.from(
    new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
      .render()
      .asPng(),
  );
}

export interface TimelineItem {
  label: string;
  /** YYYY-MM-DD */
  expected: string | null;
  forecast: string | null;
  done: string | null;
}

const DAY = 86_400_000;
const toDay = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;
const fromDay = (n: number) => new Date(Math.round(n) * DAY).toISOString().slice(0, 10);

/**
 * Measures on a time axis: a bar up to the expected completion (green when done), extended in red up to the
 * forecast when the measure is late or pushed back by a measure it depends on.
 */
export function timelinePng(
  title: string,
  items: TimelineItem[],
  legend: { planned: string; delay: string; done: string },
): Buffer | null {
  const dated = items.filter((i) => i.expected || i.forecast || i.done);
  if (dated.length === 0) return null;
  const all = dated
    .flatMap((i) => [i.expected, i.forecast, i.done])
    .filter((d): d is string => !!d)
    .map(toDay);
  const base = Math.min(...all) - 30;
  const height = 110 + 30 * dated.length;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 900, height });
  const end = (i: TimelineItem) => toDay(i.done ?? i.expected ?? i.forecast!) - base;
  chart.setOption({
    animation: false,
    backgroundColor: '#FFFFFF',
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    title: { text: title, left: 'center', textStyle: { fontSize: 16 } },
    legend: { top: 32, itemGap: 40 },
    grid: { left: 90, right: 40, top: 70, bottom: 40 },
    xAxis: {
      type: 'value',
      min: 0,
      axisLabel: { formatter: (v: number) => fromDay(v + base).slice(0, 7), fontSize: 11 },
    },
    yAxis: { type: 'category', inverse: true, data: dated.map((i) => i.label) },
    series: [
      {
        name: legend.planned,
        type: 'bar',
        stack: 't',
        itemStyle: { color: '#5B9BD5' },
        data: dated.map((i) => (i.done ? 0 : end(i))),
      },
      {
        name: legend.done,
        type: 'bar',
        stack: 't',
        itemStyle: { color: '#63BE7B' },
        data: dated.map((i) => (i.done ? end(i) : 0)),
      },
      {
        name: legend.delay,
        type: 'bar',
        stack: 't',
        itemStyle: { color: '#F8696B' },
        data: dated.map((i) =>
          !i.done && i.forecast && i.expected && i.forecast > i.expected ? toDay(i.forecast) - toDay(i.expected) : 0,
        ),
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return Buffer.from(
    new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
      .render()
      .asPng(),
  );
}
