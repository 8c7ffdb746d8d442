// The plan document's first page — title and a one-page executive summary for the head of customs (segments and
// how they moved since the previous GRI run, the vulnerabilities with the highest priority, progress of the plan,
// the Box 2 indicators that changed most, decisions pending) — and the context section, which describes this
// administration's own data. Every figure comes from PlanData; nothing is recomputed here.
import { HeadingLevel, Paragraph, TextRun } from 'docx';
import type { KpiSeries } from '../../measure/kpi/index.ts';
import type { Table4Row } from '../../segmentation/index.ts';
import type { Writer } from './docx-writer.ts';
import type { PlanData } from './gather.ts';

const SIZES = ['large', 'medium', 'small'] as const;
const LEVELS = ['high', 'medium', 'low'] as const;
const SMALL = 20; // half-points: 10 pt for the summary's text

export function titleBlock(w: Writer) {
  const p = w.p;
  w.children.push(new Paragraph({ text: w.t('title'), heading: HeadingLevel.TITLE, spacing: { after: 60 } }));
  w.para(w.t('subtitle'), { italic: true, after: 60 });
  const asOf = w.t('summary_asof', {
    date: w.n.date(p.today),
    lines: w.n.int(p.data.lines),
    first: w.n.date(p.data.first),
    last: w.n.date(p.data.last),
  });
  w.para(
    `${p.data.lines ? asOf : w.n.date(p.today) + '.'} ${w.t('generated')} ${w.n.date(p.generatedAt.slice(0, 10))}.${p.pseudonymised ? ' ' + w.t('pseudonymised') : ''}`,
    { size: 18, after: 120 },
  );
  w.para(`${w.t('history_head')}: ${p.historyHead}`, { size: 16, italic: true, after: 120 });
}

/** The cells of a logged run, or of Table 4, as operators per size and level. */
type Counts = (size: string, level: string | null) => number;
const fromTable4 =
  (rows: Table4Row[]): Counts =>
  (size, level) =>
    size === 'total' && level !== null
      ? rows.filter((r) => r.size !== 'total' && r.level === level).reduce((a, r) => a + r.operators, 0)
      : (rows.find((r) => r.size === size && r.level === level)?.operators ?? 0);
const fromLog =
  (cells: { size: string; level: string; operators: number }[]): Counts =>
  (size, level) =>
    cells
      .filter((c) => (size === 'total' || c.size === size) && (level === null || c.level === level))
      .reduce((a, c) => a + c.operators, 0);

/** The last logged run before the one in force (null when there is none). */
export function previousRun(p: PlanData) {
  if (!p.run) return null;
  return p.summary.runs.find((r) => r.computedAt < p.run!.computedAt) ?? null;
}

function segments(w: Writer) {
  const p = w.p;
  w.subheading(w.t('summary_segments'));
  if (!p.run || !p.table4) return w.para(w.t('summary_no_run'), { size: SMALL });
  const now = fromTable4(p.table4.rows);
  const prev = previousRun(p);
  const before = prev ? fromLog(prev.cells) : null;
  const cell = (size: string, level: string | null) => {
    const n = now(size, level);
    if (!before) return w.n.int(n);
    const d = n - before(size, level);
    return `${w.n.int(n)} (${d === 0 ? '±0' : w.n.signedInt(d)})`;
  };
  const pctValue = (size: string) => p.table4!.rows.find((r) => r.size === size && r.level === null)?.pctValue;
  w.para(
    prev
      ? w.t('summary_moved', { date: w.n.date(p.run.computedAt), previous: w.n.date(prev.computedAt) })
      : w.t('summary_first_run', { date: w.n.date(p.run.computedAt) }),
    { italic: true, size: 16, after: 60 },
  );
  w.table(
    [w.col('size'), ...LEVELS.map((l) => w.levelText(l)), w.col('total'), w.col('pct_value')],
    [...SIZES, 'total'].map((s) => [
      { text: w.value(s), bold: true },
      ...LEVELS.map((l) => (s === 'total' ? { text: cell(s, l), bold: true } : cell(s, l))),
      { text: cell(s, null), bold: true },
      w.n.pct(pctValue(s)),
    ]),
    { numeric: [1, 2, 3, 4, 5], fontSize: SMALL - 1, spacer: false, minChars: [0, 0, 0, 0, 0, 13] },
  );
}

function figures(w: Writer) {
  const p = w.p;
  if (!p.run || !p.table4) return;
  const row = (size: string, level: string | null = null) =>
    p.table4!.rows.find((r) => r.size === size && r.level === level);
  const level = (l: string) => SIZES.reduce((a, s) => a + (row(s, l)?.operators ?? 0), 0);
  const total = row('total');
  const large = row('large');
  w.para(
    w.t('summary_figures', {
      first: w.n.date(p.run.window.first),
      last: w.n.date(p.run.window.end),
      operators: w.n.int(total?.operators),
      value: w.n.money(total?.value),
      large: w.n.int(large?.operators),
      pctLarge: w.n.pct(large?.pctOperators),
      pctValueLarge: w.n.pct(large?.pctValue),
      high: w.n.int(level('high')),
      medium: w.n.int(level('medium')),
      low: w.n.int(level('low')),
    }),
    { size: SMALL },
  );
}

function vulnerabilities(w: Writer) {
  const p = w.p;
  const top = p.vulnerabilities
    .filter((v) => v.score.priority !== null)
    .sort((a, b) => b.score.priority! - a.score.priority! || a.processCode.localeCompare(b.processCode))
    .slice(0, 3);
  if (!top.length) return;
  w.subheading(w.t('summary_vulns'));
  for (const v of top) {
    const ms = p.measures.filter((m) => m.vulnId === v.id);
    w.bullet(
      w.t('summary_vuln', {
        code: v.processCode,
        description: v.description,
        priority: w.n.int(v.score.priority),
        level: w.levelText(v.score.priorityLevel),
        measures: w.n.int(ms.length),
        done: w.n.int(ms.filter((m) => m.status === 'done').length),
      }),
      SMALL,
    );
  }
}

function progress(w: Writer) {
  const h = w.p.summary.head;
  if (!h.measures.total && !h.indicators.length) return;
  w.subheading(w.t('summary_progress'));
  if (h.measures.total)
    w.bullet(
      w.t('summary_measures', {
        done: w.n.int(h.measures.done),
        total: w.n.int(h.measures.total),
        pct: w.n.ratio(h.measures.done / h.measures.total),
        late: w.n.int(h.measures.late),
      }),
      SMALL,
    );
  const measured = h.indicators.filter((i) => i.onTarget !== null);
  if (measured.length)
    w.bullet(
      w.t('summary_indicators', {
        onTarget: w.n.int(measured.filter((i) => i.onTarget).length),
        total: w.n.int(measured.length),
      }),
      SMALL,
    );
}

export interface KpiChange {
  kpi: KpiSeries;
  dimension: string | null;
  previous: { period: string; value: number };
  latest: { period: string; value: number; variation: number };
}

/** For each indicator and dimension, its latest value against the period before; largest relative changes first. */
export function kpiChanges(p: PlanData): KpiChange[] {
  const out: KpiChange[] = [];
  for (const k of p.kpis?.kpis ?? []) {
    const dims = [...new Set(k.points.map((x) => x.dimension))];
    for (const d of dims) {
      const pts = k.points.filter((x) => x.dimension === d && x.value !== null);
      const last = pts.at(-1);
      const prev = pts.at(-2);
      if (!last || !prev || last.variation === null) continue;
      out.push({
        kpi: k,
        dimension: d,
        previous: { period: prev.period, value: prev.value! },
        latest: { period: last.period, value: last.value!, variation: last.variation },
      });
    }
  }
  return out.sort(
    (a, b) => Math.abs(b.latest.variation) - Math.abs(a.latest.variation) || a.kpi.code.localeCompare(b.kpi.code),
  );
}

function kpis(w: Writer) {
  if (!w.p.kpis) return;
  w.subheading(w.t('summary_kpis'));
  const top = kpiChanges(w.p).slice(0, 5);
  if (!top.length) return w.para(w.t('summary_kpis_none'), { size: SMALL });
  w.table(
    [w.col('kpi_name'), w.col('previous'), w.col('latest'), w.col('variation')],
    top.map((c) => [
      c.dimension ? `${c.kpi.name} — ${w.dimension(c.dimension)}` : c.kpi.name,
      `${c.previous.period}: ${w.n.kpi(c.previous.value, c.kpi.unit)}`,
      `${c.latest.period}: ${w.n.kpi(c.latest.value, c.kpi.unit)}`,
      w.n.change(c.latest.variation),
    ]),
    { numeric: [1, 2, 3], fontSize: SMALL - 1, minChars: [40, 0, 0, 12], spacer: false },
  );
}

function pending(w: Writer) {
  const s = w.p.summary;
  w.subheading(w.t('summary_pending'));
  const props = s.head.pending.proposals;
  if (!props.length) w.bullet(w.t('summary_no_proposals'), SMALL);
  else {
    w.bullet(w.t('summary_proposals', { n: w.n.int(props.length) }), SMALL);
    for (const x of props.slice(0, 3))
      w.children.push(
        new Paragraph({
          indent: { left: 720 },
          spacing: { after: 20 },
          children: [
            new TextRun({
              text: w.t('summary_proposal', {
                id: x.id,
                kind: w.G.value(x.kind),
                summary: x.summary,
                by: x.proposedBy,
              }),
              size: SMALL,
            }),
          ],
        }),
      );
    if (props.length > 3)
      w.children.push(
        new Paragraph({
          indent: { left: 720 },
          children: [new TextRun({ text: w.t('summary_more', { n: w.n.int(props.length - 3) }), size: SMALL })],
        }),
      );
  }
  w.bullet(
    w.t('summary_actions', {
      open: w.n.int(s.head.pending.openActions),
      overdue: w.n.int(s.head.pending.overdueActions),
    }),
    SMALL,
  );
}

export function executiveSummary(w: Writer) {
  w.heading(w.t('s_summary'));
  figures(w);
  segments(w);
  vulnerabilities(w);
  progress(w);
  kpis(w);
  pending(w);
}

/** Section 1: what this administration's data holds, and why the operator counts differ. */
export function context(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_context'));
  if (p.data.lines)
    w.para(
      w.t('context_data', {
        lines: w.n.int(p.data.lines),
        first: w.n.date(p.data.first),
        last: w.n.date(p.data.last),
        withLines: w.n.int(p.data.operators),
      }),
    );
  const row = (size: string) => p.table4?.rows.find((r) => r.size === size && r.level === null);
  if (p.run && p.table4) {
    w.para(
      w.t('context_window', {
        first: w.n.date(p.run.window.first),
        last: w.n.date(p.run.window.end),
        scored: w.n.int(row('total')?.operators),
        value: w.n.money(row('total')?.value),
        large: w.n.int(row('large')?.operators),
        pctLarge: w.n.pct(row('large')?.pctOperators),
        pctValueLarge: w.n.pct(row('large')?.pctValue),
        small: w.n.int(row('small')?.operators),
        pctSmall: w.n.pct(row('small')?.pctOperators),
        pctValueSmall: w.n.pct(row('small')?.pctValue),
      }),
    );
    w.para(
      w.t('context_counts', {
        register: w.n.int(p.summary.registerOperators),
        withLines: w.n.int(p.data.operators),
        scored: w.n.int(row('total')?.operators),
      }),
    );
  } else if (p.data.lines) w.para(w.t('summary_no_run'));
  if (p.summary.currency) w.para(w.t('context_currency', { currency: p.summary.currency }));
  w.para(w.t('context_text'));
  if (p.table1) {
    w.table(
      [w.col('size'), w.col('operators'), w.col('pct_operators'), w.valueCol(), w.col('pct_value')],
      p.table1.rows.map((r) => [
        w.value(r.size),
        w.n.int(r.operators),
        w.n.pct(r.pctOperators),
        w.n.int(r.value),
        w.n.pct(r.pctValue),
      ]),
      { numeric: [1, 2, 3, 4] },
    );
  }
}
