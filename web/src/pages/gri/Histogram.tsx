// Histogram of the GRI with two vertical handles (medium and high bars) dragged horizontally.
import { useMemo, useRef } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ChartInstance } from '../../charts/Chart.tsx';
import { Figure } from '../../charts/Figure.tsx';
import { histogram } from '../../charts/options.ts';
import { fmtInt, fmtNum } from '../../format.ts';

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
  const built = useMemo(() => griHistogram(bins, bars, t), [bins, bars, t]);
  const placeHandles = (c: ChartInstance) => {
    const grid = { top: HANDLE_TOP, bottom: c.getHeight() - 40 };
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
  return (
    <Figure
      title={t('gri.distribution')}
      built={built}
      height={300}
      onReady={placeHandles}
      testId="histogram"
      caption={t('chart.histogramCaption', { medium: fmtNum(bars.medium, 3), high: fmtNum(bars.high, 3) })}
    />
  );
}

const HANDLE_TOP = 44;

/** The GRI distribution with bars coloured by the level the bars in force give them (also on the overview). */
export function griHistogram(bins: Bin[], bars: Bars, t: TFunction, top = HANDLE_TOP) {
  return histogram({
    bins,
    levelOf: (x) => (x >= bars.high ? 'high' : x >= bars.medium ? 'medium' : 'low'),
    levelName: (l) => t(`level.${l}`),
    valueName: t('seg.gri'),
    countName: t('seg.operatorsN'),
    fmtValue: (v) => fmtNum(v, 3),
    fmtCount: fmtInt,
    top,
  });
}
