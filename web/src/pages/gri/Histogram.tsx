// Histogram of the GRI with two vertical handles (medium and high bars) dragged horizontally.
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartInstance } from '../../components/Chart.tsx';

export interface Bars {
  medium: number;
  high: number;
}
export interface Bin {
  from: number;
  to: number;
  operators: number;
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function Histogram({
  bins,
  bars,
  editable,
  onDrop,
}: {
  bins: Bin[];
  bars: Bars;
  editable: boolean;
  onDrop: (b: Bars) => void;
}) {
  const { t } = useTranslation();
  const barsRef = useRef(bars);
  barsRef.current = bars;
  const max = bins.length ? bins[bins.length - 1].to : 1;
  const option = useMemo(
    () => ({
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', min: 0, max, name: t('seg.gri'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'value', name: t('seg.operatorsN') },
      series: [
        {
          type: 'bar',
          barWidth: '95%',
          data: bins.map((b) => ({
            value: [(b.from + b.to) / 2, b.operators],
            itemStyle: {
              color:
                (b.from + b.to) / 2 >= bars.high
                  ? '#c0392b'
                  : (b.from + b.to) / 2 >= bars.medium
                    ? '#e6a23c'
                    : '#3c9d5d',
            },
          })),
        },
      ],
    }),
    [bins, max, bars, t],
  );
  const placeHandles = (c: ChartInstance) => {
    const grid = { top: 20, bottom: c.getHeight() - 40 };
    const handle = (key: 'medium' | 'high', color: string) => {
      const x = c.convertToPixel({ xAxisIndex: 0 }, Math.min(barsRef.current[key], max)) as number;
      return {
        type: 'group',
        id: `bar-${key}`,
        x,
        y: 0,
        draggable: editable ? 'horizontal' : false,
        cursor: editable ? 'ew-resize' : 'default',
        z: 100,
        children: [
          {
            type: 'line',
            shape: { x1: 0, y1: grid.top, x2: 0, y2: grid.bottom },
            style: { stroke: color, lineWidth: 3, lineDash: [6, 3] },
          },
          { type: 'rect', shape: { x: -7, y: grid.top - 2, width: 14, height: 14, r: 3 }, style: { fill: color } },
          { type: 'text', x: 8, y: grid.top, style: { text: t(`level.${key}`), fill: color, font: '12px sans-serif' } },
        ],
        ondragend: function (this: { x: number }) {
          const v = Math.max(0, c.convertFromPixel({ xAxisIndex: 0 }, this.x) as number);
          const next = { ...barsRef.current, [key]: round3(v) };
          if (next.high < next.medium) next[key === 'high' ? 'medium' : 'high'] = next[key];
          onDrop(next);
        },
      };
    };
    c.setOption({ graphic: [handle('medium', '#b7791f'), handle('high', '#c0392b')] });
  };
  return <Chart option={option} height={280} onReady={placeHandles} testId="histogram" />;
}
