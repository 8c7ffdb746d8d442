// The measures timeline (Gantt): one row per measure, a bar from when it can start to its forecast completion,
// a dot at the expected date, and an arrow from each measure it depends on. Colours name the status in the legend.
// A bar whose start is not known (no measure it waits for) starts at the plan's start, a marked line, and its
// tooltip and table row say so instead of showing a date.
import type { ChartOption } from './Chart.tsx';
import { type Built, LEVEL_COLOURS, MUTED, PALETTE, TEXT } from './options.ts';

export interface GanttTask {
  id: string;
  label: string;
  /** ms since epoch */
  start: number;
  /** No start is known: the bar is drawn from the plan's start. */
  fromPlanStart: boolean;
  end: number;
  expected: number | null;
  status: 'planned' | 'late' | 'done';
  dependsOn: string[];
}
export interface GanttSpec {
  tasks: GanttTask[];
  statusName: Record<GanttTask['status'], string>;
  dependsName: string;
  expectedName: string;
  head: string[];
  fmtDate: (ms: number) => string;
  today: number;
  planStart: number;
  /** The start of a bar with none known (tooltip, table) and the label of the plan's start line. */
  planStartName: string;
  planStartLine: string;
}

const STATUS_COLOURS: Record<GanttTask['status'], string> = {
  planned: PALETTE[0],
  late: LEVEL_COLOURS.high,
  done: PALETTE[2],
};

interface Api {
  value: (i: number) => number;
  coord: (v: number[]) => number[];
  size: (v: number[]) => number[];
}

export function gantt(spec: GanttSpec): Built {
  const row = new Map(spec.tasks.map((t, i) => [t.id, i]));
  const bar = (status: GanttTask['status']) => ({
    name: spec.statusName[status],
    type: 'custom',
    itemStyle: { color: STATUS_COLOURS[status] },
    encode: { x: [1, 2, 3], y: 0 },
    renderItem: (_: unknown, api: Api) => {
      const r = api.value(0);
      const [x0, y] = api.coord([api.value(1), r]);
      const [x1] = api.coord([api.value(2), r]);
      const h = api.size([0, 1])[1] * 0.5;
      const children: unknown[] = [
        {
          type: 'rect',
          shape: { x: x0, y: y - h / 2, width: Math.max(4, x1 - x0), height: h, r: 3 },
          style: { fill: STATUS_COLOURS[status] },
        },
      ];
      const e = api.value(3);
      if (Number.isFinite(e)) {
        const [xe] = api.coord([e, r]);
        children.push({
          type: 'circle',
          shape: { cx: xe, cy: y, r: 5 },
          style: { fill: '#fff', stroke: TEXT, lineWidth: 2 },
        });
      }
      return { type: 'group', children };
    },
    data: spec.tasks
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => t.status === status)
      .map(({ t, i }) => ({ name: t.id, value: [i, t.start, t.end, t.expected ?? '-'] })),
  });
  const links = spec.tasks.flatMap((t) =>
    t.dependsOn
      .filter((d) => row.has(d))
      .map((d) => {
        const from = spec.tasks[row.get(d)!];
        return { value: [row.get(d)!, from.end, row.get(t.id)!, t.start] };
      }),
  );
  const option: ChartOption = {
    animation: false,
    legend: { top: 0, textStyle: { color: TEXT } },
    tooltip: {
      formatter: (p: { seriesIndex: number; value: number[] }) => {
        if (p.seriesIndex === 3) return `${spec.tasks[p.value[2]].id} ${spec.dependsName} ${spec.tasks[p.value[0]].id}`;
        const t = spec.tasks[p.value[0]];
        return (
          `<b>${t.id}</b> ${t.label}<br/>${startText(spec, t)} – ${spec.fmtDate(t.end)}` +
          (t.expected ? `<br/>${spec.expectedName}: ${spec.fmtDate(t.expected)}` : '')
        );
      },
    },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: {
      type: 'time',
      axisLabel: { color: MUTED, fontSize: 11, hideOverlap: true },
      splitLine: { show: true, lineStyle: { color: '#e3e8ee' } },
    },
    yAxis: {
      type: 'category',
      data: spec.tasks.map((t) => t.id),
      inverse: true,
      axisLabel: { color: TEXT, fontSize: 11 },
    },
    series: [
      { ...bar('planned'), markLine: markLines(spec) },
      bar('late'),
      bar('done'),
      {
        name: spec.dependsName,
        type: 'custom',
        itemStyle: { color: MUTED },
        encode: { x: [1, 3], y: [0, 2] },
        renderItem: (_: unknown, api: Api) => {
          const [x0, y0] = api.coord([api.value(1), api.value(0)]);
          const [x1, y1] = api.coord([api.value(3), api.value(2)]);
          const xm = Math.max(x0 + 6, x1 - 6);
          return {
            type: 'group',
            children: [
              {
                type: 'polyline',
                shape: {
                  points: [
                    [x0, y0],
                    [xm, y0],
                    [xm, y1],
                    [x1, y1],
                  ],
                },
                style: { stroke: MUTED, lineWidth: 1.5, fill: 'none' },
              },
              {
                type: 'polygon',
                shape: {
                  points: [
                    [x1, y1],
                    [x1 - 6, y1 - 4],
                    [x1 - 6, y1 + 4],
                  ],
                },
                style: { fill: MUTED },
              },
            ],
          };
        },
        data: links,
      },
    ],
  };
  return {
    option,
    table: {
      head: spec.head,
      rows: spec.tasks.map((t) => [
        `${t.id} ${t.label}`,
        startText(spec, t),
        t.expected ? spec.fmtDate(t.expected) : '—',
        spec.fmtDate(t.end),
        t.dependsOn.join(', ') || '—',
        spec.statusName[t.status],
      ]),
    },
  };
}

const startText = (spec: GanttSpec, t: GanttTask) => (t.fromPlanStart ? spec.planStartName : spec.fmtDate(t.start));

/** Today (dashed) and, when some bar starts there, the plan's start (dotted), each labelled. */
function markLines(spec: GanttSpec) {
  return {
    symbol: 'none',
    silent: true,
    lineStyle: { type: 'dashed', color: MUTED },
    data: [
      { xAxis: spec.today, label: { formatter: spec.fmtDate(spec.today), color: TEXT, position: 'insideEndTop' } },
      ...(spec.tasks.some((t) => t.fromPlanStart)
        ? [
            {
              xAxis: spec.planStart,
              lineStyle: { type: 'dotted', color: MUTED },
              label: { formatter: spec.planStartLine, color: TEXT, position: 'insideStartTop' },
            },
          ]
        : []),
    ],
  };
}
