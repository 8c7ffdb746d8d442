// ECharts in React: only the chart types the app uses are bundled; rendered on canvas, no external assets.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  GraphicComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  GraphicComponent,
  CanvasRenderer,
]);

export type ChartInstance = echarts.ECharts;

export function Chart({
  option,
  height = 320,
  onReady,
  onClick,
  testId,
}: {
  option: Record<string, unknown>;
  height?: number;
  onReady?: (chart: ChartInstance) => void;
  onClick?: (params: { data?: unknown; dataIndex?: number; value?: unknown; name?: string }) => void;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartInstance | null>(null);
  useEffect(() => {
    const c = echarts.init(ref.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option as echarts.EChartsCoreOption, true);
    if (chart.current && onReady) onReady(chart.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [option]);
  useEffect(() => {
    const c = chart.current;
    if (!c || !onClick) return;
    c.on('click', onClick as never);
    return () => {
      c.off('click');
    };
  }, [onClick]);
  return <div ref={ref} style={{ width: '100%', height }} data-testid={testId} />;
}
