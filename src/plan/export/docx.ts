// The plan document (Word), in the reader's language: a title page with the executive summary, a table of contents,
// then context, segmentation with charts, treatment strategy, vulnerability register, measures and timeline,
// indicators, risk-specific plans and governance. Pages are A4: the summary portrait, the body landscape.
import { writeFileSync } from 'node:fs';
import {
  Document,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  TableOfContents,
  type ISectionOptions,
} from 'docx';
import { estimatePageNumbersWith } from 'docx/layout';
import { label } from '../config.ts';
import type { PlanData } from './gather.ts';
import { barChartPng, timelinePng } from './charts.ts';
import { PAGE, TEXT_WIDTH, Writer } from './docx-writer.ts';
import { context, executiveSummary, titleBlock } from './docx-summary.ts';
import { governance, indicators } from './docx-followup.ts';

function segmentation(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_segmentation'));
  const t = p.extended ?? p.table4;
  if (!t) return w.para(w.t('none'), { italic: true });
  w.table(
    [
      w.col('size'),
      w.col('level'),
      w.col('operators'),
      w.col('pct_operators'),
      w.valueCol(),
      w.col('pct_value'),
      w.col('repeat_offenders'),
      w.col('without_control'),
    ],
    t.rows.map((r) => [
      { text: w.value(r.size), bold: r.level === null },
      { text: w.levelText(r.level), fill: w.levelColour(r.level) },
      w.n.int(r.operators),
      w.n.pct(r.pctOperators),
      w.n.int(r.value),
      w.n.pct(r.pctValue),
      w.n.int(r.repeatOffenders),
      w.n.int(r.withoutControl),
    ]),
    { numeric: [2, 3, 4, 5, 6, 7] },
  );
  const sizes = ['large', 'medium', 'small'];
  const cell = (s: string, l: string) => t.rows.find((r) => r.size === s && r.level === l);
  const series = (k: 'operators' | 'pctValue') =>
    (['high', 'medium', 'low'] as const).map((l) => ({
      name: w.levelText(l),
      colour: '#' + w.levelColour(l),
      values: sizes.map((s) => Math.round((cell(s, l)?.[k] ?? 0) * 10) / 10),
    }));
  w.image(
    barChartPng({
      title: w.t('chart_operators'),
      categories: sizes.map((s) => w.value(s)),
      series: series('operators'),
      format: (v) => w.n.int(v),
    }),
    600,
    280,
    w.t('chart_operators'),
  );
  w.image(
    barChartPng({
      title: w.t('chart_value'),
      categories: sizes.map((s) => w.value(s)),
      series: series('pctValue'),
      format: (v) => w.n.pct(v),
    }),
    600,
    280,
    w.t('chart_value'),
  );
}

function treatments(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_treatments'));
  const headings = ['low', 'medium', 'high'];
  w.table(
    [w.col('size'), ...headings.map((h) => w.levelText(h))],
    ['large', 'medium', 'small'].map((s) => [
      {
        text: `${w.value(s)}\n(${w.intervention(p.matrix.find((c) => c.size === s)?.intervention ?? '')})`,
        bold: true,
      },
      ...headings.map((h) => {
        const c = p.matrix.find((x) => x.size === s && x.risk === h)!;
        const extra = [
          c.how && `${w.col('how')}: ${c.how}`,
          c.when && `${w.col('when')}: ${c.when}`,
          c.responsibleUnit && `${w.col('responsible')}: ${c.responsibleUnit}`,
          c.monitoringUnit && `${w.col('monitoring')}: ${c.monitoringUnit}`,
        ].filter(Boolean);
        return {
          text: [c.package.toUpperCase(), ...c.what.map((x) => `• ${x}`), ...extra].join('\n'),
          fill: w.levelColour(h),
        };
      }),
    ]),
  );
  w.heading(w.t('applied_text'), HeadingLevel.HEADING_2);
  if (p.applied.length === 0) w.para(w.t('none'), { italic: true });
  else
    w.table(
      [w.col('treatment'), w.col('segment'), w.col('operators'), w.col('start')],
      p.applied.map((a) => [a.treatment, a.segment, w.n.int(a.operators), w.n.date(a.start)]),
      { numeric: [2] },
    );
}

function register(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_register'));
  if (p.vulnerabilities.length === 0) return w.para(w.t('none'), { italic: true });
  const sorted = [...p.vulnerabilities].sort((a, b) => (b.score.priority ?? -1) - (a.score.priority ?? -1));
  w.table(
    [
      w.col('process_code'),
      w.col('description'),
      w.col('institutional_risk'),
      w.col('compliance_risks'),
      w.col('expected_effect'),
      w.col('probability'),
      w.col('priority'),
      w.col('priority_level'),
    ],
    sorted.map((v) => [
      v.processCode,
      v.description,
      label(
        p.scales.institutional_risks.find((r) => r.code === v.institutionalRisk)?.labels ?? { en: v.institutionalRisk },
        p.language,
      ),
      v.complianceRisks
        .map((c) => label(p.scales.compliance_risks.find((r) => r.code === c)?.labels ?? { en: c }, p.language))
        .join(', '),
      v.score.expectedEffect,
      `${v.score.probability}/${v.score.periods}`,
      v.score.priority ?? '',
      { text: w.levelText(v.score.priorityLevel), fill: w.levelColour(v.score.priorityLevel) },
    ]),
    { numeric: [4, 5, 6] },
  );
  const scored = sorted.filter((v) => v.score.priority !== null).slice(0, 15);
  if (scored.length) {
    w.image(
      barChartPng({
        title: w.t('chart_priority'),
        horizontal: true,
        height: 120 + 32 * scored.length,
        categories: scored.map((v) => `${v.processCode} ${v.id}`),
        series: [{ name: w.col('priority'), values: scored.map((v) => v.score.priority!), colour: '#1F4E79' }],
      }),
      600,
      Math.round(((120 + 32 * scored.length) * 600) / 900),
      w.t('chart_priority'),
    );
  }
}

function measures(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_measures'));
  if (p.measures.length === 0) return w.para(w.t('none'), { italic: true });
  const code = new Map(p.vulnerabilities.map((v) => [v.id, v.processCode]));
  w.table(
    [
      w.col('process_code'),
      w.col('measure_id'),
      w.col('measure'),
      w.col('responsible'),
      w.col('supporting'),
      w.col('expected'),
      w.col('forecast'),
      w.col('status'),
      w.col('depends_on'),
    ],
    p.measures.map((m) => [
      code.get(m.vulnId) ?? m.vulnId,
      m.id,
      m.description,
      m.responsibleUnit,
      m.supportingUnits.join(', '),
      m.expectedDate ?? m.expectedComment ?? '',
      {
        text: m.schedule.forecastDate ?? '',
        fill: m.schedule.late || m.schedule.delayedBy.length ? 'F8696B' : undefined,
      },
      m.status === 'done' ? `${w.value('done')} ${w.n.date(m.completedOn)}` : w.value(m.status),
      m.dependsOn.join(', '),
    ]),
  );
  const timeline = timelinePng(
    w.t('chart_timeline'),
    p.measures.map((m) => ({
      label: m.id,
      expected: m.expectedDate,
      forecast: m.schedule.forecastDate,
      done: m.status === 'done' ? m.completedOn : null,
    })),
    { planned: w.col('expected'), delay: w.col('late'), done: w.col('completed_on') },
  );
  if (timeline) {
    const n = p.measures.filter((m) => m.expectedDate || m.schedule.forecastDate || m.completedOn).length;
    w.image(timeline, 600, Math.round(((110 + 30 * n) * 600) / 900), w.t('chart_timeline'));
  }
  const late = p.measures.filter((m) => m.schedule.late || m.schedule.pushesBack.length);
  if (late.length) {
    w.heading(w.t('late_text'), HeadingLevel.HEADING_2);
    for (const m of late)
      w.bullet(
        `${m.id} (${m.expectedDate ?? m.expectedComment ?? ''} → ${m.schedule.forecastDate ?? '?'})${m.schedule.pushesBack.length ? ': ' + w.col('pushes_back') + ' ' + m.schedule.pushesBack.join(', ') : ''}`,
      );
  }
}

function riskPlans(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_risk'));
  if (p.riskCips.length === 0) return w.para(w.t('none'), { italic: true });
  for (const r of p.riskCips) {
    const name = label(p.scales.compliance_risks.find((c) => c.code === r.risk)?.labels ?? { en: r.risk }, p.language);
    w.heading(
      `${name} (${w.n.date(r.windows.current.start)} – ${w.n.date(r.windows.current.end)})`,
      HeadingLevel.HEADING_2,
    );
    w.para(`${w.col('hs')}: ${r.hsCodes.join(', ')} — ${w.col('importers')}: ${w.n.int(r.operators)}`);
    const change = (x: number | null) => (x === null ? '' : w.n.change(x / 100));
    w.table(
      [
        w.col('hs'),
        p.summary.currency ? `${w.col('cif')} (${p.summary.currency})` : w.col('cif'),
        w.col('variation'),
        w.col('vat'),
        w.col('duty'),
        w.col('excise'),
        w.col('importers'),
        w.col('variation'),
      ],
      r.indicators.map((i) => [
        i.hs,
        w.n.int(i.cif.current),
        change(i.cif.variation),
        w.n.int(i.vat.current),
        w.n.int(i.duty.current),
        w.n.int(i.excise.current),
        w.n.int(i.importers.current),
        change(i.importers.variation),
      ]),
      { numeric: [1, 2, 3, 4, 5, 6, 7] },
    );
    if (r.vulnerabilities.length)
      for (const v of r.vulnerabilities)
        w.bullet(
          `${v.processCode} ${v.description} — ${w.col('priority')} ${v.score.priority ?? '–'} ${w.levelText(v.score.priorityLevel)}`,
        );
  }
}

const SECTIONS = [
  's_context',
  's_segmentation',
  's_treatments',
  's_register',
  's_measures',
  's_indicators',
  's_risk',
  's_governance',
];

export async function writeDocument(p: PlanData, file: string): Promise<{ sections: string[]; bytes: number }> {
  const w = new Writer(p);
  const margin = { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin };
  // Title page (portrait): the executive summary, then the table of contents on its own page.
  w.width = TEXT_WIDTH.portrait;
  titleBlock(w);
  executiveSummary(w);
  w.subheading(w.t('toc'), { size: 32, pageBreakBefore: true });
  const front = w.children.splice(0);
  const toc = new TableOfContents(w.t('toc'), { hyperlink: true, headingStyleRange: '1-2' });
  // Body (landscape): the plan's sections.
  w.width = TEXT_WIDTH.landscape;
  context(w);
  segmentation(w);
  treatments(w);
  register(w);
  measures(w);
  indicators(w);
  riskPlans(w);
  governance(w);
  const sections: ISectionOptions[] = [
    {
      properties: { page: { size: { width: PAGE.short, height: PAGE.long }, margin } },
      children: [...front, toc],
    },
    {
      properties: {
        page: {
          size: { width: PAGE.short, height: PAGE.long, orientation: PageOrientation.LANDSCAPE },
          margin,
        },
      },
      children: w.children,
    },
  ];
  const doc = new Document({
    creator: 'CIP Workbench',
    title: w.t('title'),
    styles: { default: { document: { run: { font: 'Calibri', size: 21 } } } },
    // page numbers of the table of contents, worked out as Word lays the pages out
    pageNumbers: estimatePageNumbersWith({ guess: true }),
    sections,
  });
  const buf = await Packer.toBuffer(doc);
  writeFileSync(file, buf);
  return { sections: SECTIONS.map((k) => w.t(k)), bytes: buf.length };
}
