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
}

export function barChartSvg(c: BarChart): string {
  const width = c.width ?? 900;
  const height = c.height ?? 420;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const cat = { type: 'category' as const, data: c.categories, axisLabel: { interval: 0, fontSize: 12 } };
  const val = { type: 'value' as const, axisLabel: { fontSize: 12 } };
  chart.setOption({
    animation: false,
    backgroundColor: '#FFFFFF',
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    title: { text: c.title, left: 'center', textStyle: { fontSize: 16 } },
    legend: { top: 32, show: c.series.length > 1 },
    grid: { left: c.horizontal ? 140 : 70, right: 30, top: 70, bottom: 40 },
    xAxis: c.horizontal ? val : cat,
    yAxis: c.horizontal ? { ...cat, inverse: true } : val,
    series: c.series.map((s) => ({
      name: s.name,
      type: 'bar',
      data: s.values,
      itemStyle: s.colour ? { color: s.colour } : undefined,
      label: { show: true, position: c.horizontal ? 'right' : 'top', fontSize: 11 },
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** PNG bytes of a bar chart. */
export function barChartPng(c: BarChart): Buffer {
  const png = new Resvg(barChartSvg(c), { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  return Buffer.from(png);
}
