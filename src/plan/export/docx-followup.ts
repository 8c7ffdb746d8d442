// Sections 6 and 8 of the plan document: the monitoring indicators and the Box 2 KPIs (values by their unit, trends
// as small charts), and governance (the committee's decisions, proposals and actions pending, recorded changes).
import { HeadingLevel } from 'docx';
import type { KpiSeries } from '../../measure/kpi/index.ts';
import { lineChartPng } from './charts.ts';
import type { Writer } from './docx-writer.ts';

const MAX_SERIES = 6;

/** One small chart per Box 2 indicator with at least two periods: a line per dimension (the largest ones). */
function kpiCharts(w: Writer, kpis: KpiSeries[]) {
  const compact = new Intl.NumberFormat(w.n.locale, { notation: 'compact', maximumFractionDigits: 1 });
  const items = [];
  for (const k of kpis) {
    const periods = [...new Set(k.points.map((x) => x.period))];
    if (periods.length < 2) continue;
    const dims = [...new Set(k.points.map((x) => x.dimension))];
    const lastValue = (d: string | null) =>
      k.points.filter((x) => x.dimension === d && x.value !== null).at(-1)?.value ?? null;
    // The largest dimensions, and only those on the scale of the largest (a ratio beside amounts would lie flat).
    const withValue = dims.filter((d) => lastValue(d) !== null);
    const top = Math.max(0, ...withValue.map((d) => Math.abs(lastValue(d)!)));
    const shown = withValue
      .sort((a, b) => lastValue(b)! - lastValue(a)!)
      .filter((d) => Math.abs(lastValue(d)!) >= top / 50)
      .slice(0, MAX_SERIES);
    if (!shown.length) continue;
    const series = shown.map((d) => ({
      name: d === null ? k.name : w.dimension(d),
      values: periods.map((per) => k.points.find((x) => x.dimension === d && x.period === per)?.value ?? null),
    }));
    if (!series.some((s) => s.values.filter((v) => v !== null).length >= 2)) continue;
    const format = (v: number) =>
      k.unit === 'ratio'
        ? w.n.ratio(v)
        : Math.abs(v) >= 10_000
          ? compact.format(v)
          : w.n.dec(v, k.unit === 'hours' ? 1 : 0);
    const last = k.points.filter((x) => x.value !== null && x.dimension === shown[0]).at(-1);
    const caption = last
      ? `${k.name} — ${last.period}: ${w.n.kpi(last.value, k.unit)}${shown[0] ? ` (${w.dimension(shown[0])})` : ''}`
      : k.name;
    items.push({ caption, png: lineChartPng({ categories: periods, series, format }), width: 300, height: 150 });
  }
  if (!items.length) return;
  w.heading(w.t('kpi_trends'), HeadingLevel.HEADING_2);
  w.pictureGrid(items, 3);
}

export function indicators(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_indicators'));
  const code = new Map(p.vulnerabilities.map((v) => [v.id, v.processCode]));
  if (p.indicators.length === 0) w.para(w.t('none'), { italic: true });
  else {
    w.table(
      [
        w.col('process_code'),
        w.col('indicator'),
        w.col('numerator_def'),
        w.col('denominator_def'),
        w.col('period'),
        w.col('numerator'),
        w.col('denominator'),
        w.col('pct'),
        w.col('goal'),
      ],
      p.indicators.flatMap((i) =>
        (i.values.length ? i.values : [null]).map((v, k) => [
          k === 0 ? (code.get(i.vulnId) ?? i.vulnId) : '',
          k === 0 ? i.name : '',
          k === 0 ? i.numeratorLabel : '',
          k === 0 ? i.denominatorLabel : '',
          v?.period ?? '',
          w.n.int(v?.numerator),
          w.n.int(v?.denominator),
          w.n.pct(v?.value),
          k === 0 ? w.n.pct(i.goal) : '',
        ]),
      ),
      { numeric: [5, 6, 7, 8] },
    );
  }
  if (!p.kpis || !p.kpis.kpis.length) return;
  w.heading(w.T.sheet('BOX2'), HeadingLevel.HEADING_2);
  w.table(
    [
      w.col('kpi_level'),
      w.col('kpi_name'),
      w.col('dimension'),
      w.col('period'),
      w.col('kpi_value'),
      w.col('variation'),
    ],
    p.kpis.kpis.flatMap((k) => {
      const last = new Map<string | null, (typeof k.points)[number]>();
      for (const pt of k.points) if (pt.value !== null) last.set(pt.dimension, pt);
      return [...last.values()].map((pt) => [
        w.value(k.level),
        k.name,
        w.dimension(pt.dimension),
        pt.period,
        w.n.kpi(pt.value, k.unit),
        w.n.change(pt.variation),
      ]);
    }),
    { numeric: [4, 5] },
  );
  kpiCharts(w, p.kpis.kpis);
}

export function governance(w: Writer) {
  const p = w.p;
  const s = p.summary;
  const G = w.G;
  w.heading(w.t('s_governance'));
  w.para(w.t('governance_text'));
  w.heading(w.t('s_decisions'), HeadingLevel.HEADING_2);
  if (!s.decisions.length) w.para(w.t('none'), { italic: true });
  else
    w.table(
      [w.col('decision'), w.col('date'), w.col('subject'), w.col('outcome'), w.col('text')],
      s.decisions.map((d) => [
        d.id,
        w.n.date(d.heldOn),
        `${G.value(d.subjectType)} ${d.subjectId ?? ''}`.trim(),
        G.value(d.outcome),
        d.text,
      ]),
      { minChars: [14, 12, 16, 12, 60] },
    );
  w.heading(w.t('s_pending'), HeadingLevel.HEADING_2);
  if (!s.head.pending.proposals.length) w.para(w.t('none'), { italic: true });
  else
    w.table(
      [w.col('proposal'), w.col('kind'), w.col('text'), w.col('proposed_by')],
      s.head.pending.proposals.map((x) => [x.id, G.value(x.kind), x.summary, x.proposedBy]),
    );
  w.heading(w.t('s_open_actions'), HeadingLevel.HEADING_2);
  if (!s.openActions.length) w.para(w.t('none'), { italic: true });
  else
    w.table(
      [w.col('action'), w.col('meeting'), w.col('text'), w.col('owner'), w.col('due'), w.col('status')],
      s.openActions.map((a) => [
        a.id,
        a.ref,
        a.description,
        a.ownerUnit,
        { text: w.n.date(a.dueDate), fill: a.dueDate < p.today ? 'F8696B' : undefined },
        G.value(a.status),
      ]),
    );
  if (p.changes.length) {
    w.heading(w.t('s_changes'), HeadingLevel.HEADING_2);
    w.table(
      [w.col('actor'), w.col('changes'), w.col('last')],
      p.changes.map((c) => [c.actor, w.n.int(c.changes), w.n.date(c.last)]),
      { numeric: [1] },
    );
  }
  if (p.notes.length) {
    w.heading(w.t('s_notes'), HeadingLevel.HEADING_2);
    for (const n of p.notes) w.bullet(n);
  }
}
