// ECharts in React: only the chart types the app uses are bundled; rendered on canvas, no external assets.
// The canvas is an image named by `label`; its text alternative is the figure around it (Figure.tsx).
// A chart whose items can be picked (heat-map cells) takes `cells`: the box is then focusable, the arrow keys move
// between cells (announced), Enter or Space picks the cell, as a click does.
import { useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  GraphicComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import './charts.css';

echarts.use([
  BarChart,
  CustomChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  GraphicComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartInstance = echarts.ECharts;
export type ChartOption = Record<string, unknown>;

/** Cells of series 0 that can be picked, laid out in rows of `cols` (data index = row × cols + column). */
export interface PickableCells {
  cols: number;
  count: number;
  /** what a screen reader says when the cell gets the keyboard */
  describe: (index: number) => string;
  onPick: (index: number) => void;
}

export function Chart({
  option,
  label,
  height = 320,
  onReady,
  cells,
  testId,
}: {
  option: ChartOption;
  /** what the chart shows, for people who cannot see it (the figure's title) */
  label: string;
  height?: number;
  onReady?: (chart: ChartInstance) => void;
  cells?: PickableCells;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartInstance | null>(null);
  const cellsRef = useRef(cells);
  cellsRef.current = cells;
  const [active, setActive] = useState<number | null>(null);
  useEffect(() => {
    const c = echarts.init(ref.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    // The box changes width with the window and when the menu opens or closes.
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(ref.current!);
    c.on('click', (p) => {
      if (cellsRef.current && p.seriesIndex === 0 && typeof p.dataIndex === 'number')
        cellsRef.current.onPick(p.dataIndex);
    });
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
    if (chart.current && onReady) onReady(chart.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [option]);
  const move = (to: number) => {
    const c = chart.current;
    if (!c || !cells) return;
    if (active !== null) c.dispatchAction({ type: 'downplay', seriesIndex: 0, dataIndex: active });
    c.dispatchAction({ type: 'highlight', seriesIndex: 0, dataIndex: to });
    c.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: to });
    setActive(to);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!cells || cells.count === 0) return;
    const at = active ?? -1;
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cells.cols, ArrowUp: -cells.cols };
    if (e.key in step) {
      e.preventDefault();
      const next = at < 0 ? 0 : at + step[e.key];
      if (next >= 0 && next < cells.count) move(next);
    } else if ((e.key === 'Enter' || e.key === ' ') && at >= 0) {
      e.preventDefault();
      cells.onPick(at);
    }
  };
  return (
    <>
      <div
        ref={ref}
        className={cells ? 'chart pickable' : 'chart'}
        role={cells ? 'application' : 'img'}
        aria-roledescription={cells ? 'chart' : undefined}
        aria-label={label}
        tabIndex={cells ? 0 : undefined}
        onKeyDown={cells ? onKeyDown : undefined}
        onFocus={() => cells && active === null && cells.count > 0 && move(0)}
        onBlur={() => chart.current?.dispatchAction({ type: 'hideTip' })}
        style={{ height }}
        data-testid={testId}
      />
      {cells && (
        <div className="sr-only" aria-live="polite" data-testid={testId ? `${testId}-active` : undefined}>
          {active !== null ? cells.describe(active) : ''}
        </div>
      )}
    </>
  );
}
