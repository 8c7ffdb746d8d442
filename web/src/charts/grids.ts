// Heat maps: counts on the sequential scale (Table 4) and the vulnerability register's effect × probability grid
// coloured by the priority bands. Both name their colours in a visualMap legend; data index = row × cols + column,
// rows from the top, so the keyboard (Chart's `cells`) moves as the eye reads.
import type { ChartOption } from './Chart.tsx';
import { type Built, type Fmt, SEQ, textOn, sequential, TEXT, MUTED } from './options.ts';

const axis = { color: MUTED, fontSize: 11 };

export interface HeatSpec {
  rows: string[];
  cols: string[];
  rowName: string;
  colName: string;
  /** values[row][col] */
  values: number[][];
  valueName: string;
  format: Fmt;
  /** a second line in each cell, e.g. the share of value */
  second?: { name: string; values: number[][]; format: Fmt };
}

export function heatmap(spec: HeatSpec): Built {
  const max = Math.max(1, ...spec.values.flat());
  const data = spec.rows.flatMap((_, r) =>
    spec.cols.map((_, c) => {
      const v = spec.values[r]?.[c] ?? 0;
      return { value: [c, r, v], label: { color: textOn(sequential(v / max)) } };
    }),
  );
  const cellText = (r: number, c: number) =>
    spec.format(spec.values[r]?.[c] ?? 0) +
    (spec.second ? `\n${spec.second.format(spec.second.values[r]?.[c] ?? 0)}` : '');
  const option: ChartOption = {
    animation: false,
    tooltip: {
      formatter: (p: { value: number[] }) =>
        `${spec.rows[p.value[1]]} × ${spec.cols[p.value[0]]}<br/>${spec.valueName}: <b>${spec.format(p.value[2])}</b>` +
        (spec.second
          ? `<br/>${spec.second.name}: <b>${spec.second.format(spec.second.values[p.value[1]][p.value[0]])}</b>`
          : ''),
    },
    grid: { left: 8, right: 8, top: 8, bottom: 64, containLabel: true },
    xAxis: {
      type: 'category',
      data: spec.cols,
      name: spec.colName,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: axis,
      axisLabel: { ...axis, color: TEXT },
      splitArea: { show: false },
    },
    yAxis: { type: 'category', data: spec.rows, inverse: true, axisLabel: { ...axis, color: TEXT } },
    visualMap: {
      type: 'continuous',
      min: 0,
      max,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemWidth: 12,
      itemHeight: 160,
      calculable: false,
      text: [spec.format(max), spec.format(0)],
      textStyle: { color: TEXT },
      inRange: { color: SEQ },
    },
    series: [
      {
        type: 'heatmap',
        data,
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        label: {
          show: true,
          lineHeight: 16,
          fontSize: 12,
          formatter: (p: { value: number[] }) => cellText(p.value[1], p.value[0]),
        },
        emphasis: { itemStyle: { borderColor: TEXT, borderWidth: 2 } },
      },
    ],
  };
  return {
    option,
    table: {
      head: [spec.rowName, ...spec.cols],
      rows: spec.rows.map((row, r) => [row, ...spec.cols.map((_, c) => cellText(r, c).replace('\n', ' · '))]),
    },
  };
}

export interface Band {
  code: string;
  min: number;
  colour: string;
  name: string;
}
export interface RiskGridSpec {
  /** expected effect points from the lowest to the highest reachable */
  effects: number[];
  /** probability points from the highest (top row) to 0 */
  probabilities: number[];
  /** priority bands from the highest, `min` a share of the highest priority */
  bands: Band[];
  maxPriority: number;
  /** what sits in each cell: effect, probability and the ids */
  items: { effect: number; probability: number; id: string }[];
  effectName: string;
  probabilityName: string;
  priorityName: string;
  format: Fmt;
}

/** The band a share of the highest priority falls in (the first whose min it reaches, as the register scores). */
export const bandOf = (bands: Band[], share: number) => bands.find((b) => share >= b.min) ?? bands[bands.length - 1];

export function riskGrid(spec: RiskGridSpec): Built {
  const ids = (e: number, p: number) =>
    spec.items.filter((i) => i.effect === e && i.probability === p).map((i) => i.id);
  const data = spec.probabilities.flatMap((p, r) =>
    spec.effects.map((e, c) => {
      const share = (e * p) / spec.maxPriority;
      const band = bandOf(spec.bands, share);
      return {
        value: [c, r, share],
        label: { color: textOn(band.colour) },
        // A filled cell draws a dark frame so that it stands out from the empty ones.
        itemStyle: ids(e, p).length ? { borderColor: TEXT, borderWidth: 2 } : undefined,
      };
    }),
  );
  const pieces = spec.bands.map((b, i) => ({
    min: b.min,
    max: i === 0 ? 1 : spec.bands[i - 1].min,
    color: b.colour,
    label: b.name,
  }));
  const at = (c: number, r: number) => ({ e: spec.effects[c], p: spec.probabilities[r] });
  const option: ChartOption = {
    animation: false,
    tooltip: {
      formatter: (x: { value: number[] }) => {
        const { e, p } = at(x.value[0], x.value[1]);
        const list = ids(e, p);
        return (
          `${spec.effectName} ${e} × ${spec.probabilityName} ${p} = ${spec.priorityName} ${spec.format(e * p)}` +
          ` (${bandOf(spec.bands, x.value[2]).name})` +
          (list.length ? `<br/><b>${list.join(', ')}</b>` : '')
        );
      },
    },
    grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
    xAxis: {
      type: 'category',
      data: spec.effects.map(String),
      name: spec.effectName,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: axis,
      axisLabel: { ...axis, color: TEXT },
    },
    yAxis: {
      type: 'category',
      data: spec.probabilities.map(String),
      inverse: true,
      name: spec.probabilityName,
      nameLocation: 'middle',
      nameRotate: 90,
      nameGap: 24,
      nameTextStyle: axis,
      axisLabel: { ...axis, color: TEXT },
    },
    visualMap: {
      type: 'piecewise',
      dimension: 2,
      pieces,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      selectedMode: false,
      textStyle: { color: TEXT },
    },
    series: [
      {
        type: 'heatmap',
        data,
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
        label: {
          show: true,
          fontSize: 11,
          overflow: 'break',
          formatter: (x: { value: number[] }) => {
            const { e, p } = at(x.value[0], x.value[1]);
            return ids(e, p).join('\n');
          },
        },
        emphasis: { itemStyle: { borderColor: TEXT, borderWidth: 3 } },
      },
    ],
  };
  return {
    option,
    table: {
      head: ['', spec.effectName, spec.probabilityName, spec.priorityName, ''],
      rows: spec.items.map((i) => [
        i.id,
        String(i.effect),
        String(i.probability),
        spec.format(i.effect * i.probability),
        bandOf(spec.bands, (i.effect * i.probability) / spec.maxPriority).name,
      ]),
    },
  };
}
