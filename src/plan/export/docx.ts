// The plan document (Word): context, segmentation with charts, treatment strategy, vulnerability register,
// measures and timeline, indicators, risk-specific plans, governance — in the workspace's language.
import { writeFileSync } from 'node:fs';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { defaultTreatmentData, label } from '../config.ts';
import type { PlanData } from './gather.ts';
import { barChartPng, timelinePng } from './charts.ts';
import { docText, exportLabels } from './sheets.ts';

const LOCALES: Record<string, string> = { en: 'en-US', es: 'es-ES', fr: 'fr-FR', pt: 'pt-BR' };

type Txt = string | number | null | undefined;

class Writer {
  readonly children: (Paragraph | Table)[] = [];
  readonly nf: Intl.NumberFormat;
  readonly pf: Intl.NumberFormat;
  constructor(readonly p: PlanData) {
    this.nf = new Intl.NumberFormat(LOCALES[p.language] ?? 'en-US', { maximumFractionDigits: 0 });
    this.pf = new Intl.NumberFormat(LOCALES[p.language] ?? 'en-US', {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
  }
  t(key: string, vars?: Record<string, string | number>) {
    return docText(key, this.p.language, vars);
  }
  col(code: string) {
    const l = exportLabels().columns[code];
    return l ? label(l, this.p.language) : code;
  }
  heading(text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel] = HeadingLevel.HEADING_1) {
    this.children.push(new Paragraph({ text, heading: level, spacing: { before: 240, after: 120 } }));
  }
  para(text: string, opts: { bold?: boolean; italic?: boolean } = {}) {
    this.children.push(
      new Paragraph({
        children: [new TextRun({ text, bold: opts.bold, italics: opts.italic })],
        spacing: { after: 120 },
      }),
    );
  }
  bullet(text: string) {
    this.children.push(new Paragraph({ text, bullet: { level: 0 } }));
  }
  num(x: Txt) {
    return typeof x === 'number' ? this.nf.format(x) : (x ?? '');
  }
  pct(x: Txt) {
    return typeof x === 'number' ? `${this.pf.format(x)}%` : (x ?? '');
  }
  value(code: string) {
    const l = exportLabels().values[code];
    return l ? label(l, this.p.language) : code;
  }
  intervention(code: string) {
    const it = defaultTreatmentData().intervention_types.find((x) => x.code === code);
    return it ? label(it.labels, this.p.language) : code;
  }
  levelText(code: string | null) {
    if (!code) return '';
    const b = this.p.scales.priority_bands.bands.find((x) => x.code === code);
    return b ? label(b.labels, this.p.language) : code;
  }
  levelColour(code: string | null): string | undefined {
    return code ? this.p.scales.priority_bands.bands.find((x) => x.code === code)?.colour.replace('#', '') : undefined;
  }
  table(headers: string[], rows: (Txt | { text: Txt; fill?: string; bold?: boolean })[][]) {
    const cell = (v: Txt | { text: Txt; fill?: string; bold?: boolean }, header = false) => {
      const o = typeof v === 'object' && v !== null ? v : { text: v };
      const lines = String(o.text ?? '').split('\n');
      return new TableCell({
        shading: header
          ? { type: ShadingType.CLEAR, fill: '1F4E79', color: 'auto' }
          : o.fill
            ? { type: ShadingType.CLEAR, fill: o.fill, color: 'auto' }
            : undefined,
        children: lines.map(
          (l) =>
            new Paragraph({
              children: [
                new TextRun({ text: l, bold: header || o.bold, color: header ? 'FFFFFF' : undefined, size: 18 }),
              ],
            }),
        ),
      });
    };
    this.children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: [
          new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }),
          ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
        ],
      }),
    );
    this.children.push(new Paragraph({ text: '' }));
  }
  image(png: Buffer, width: number, height: number, caption: string) {
    this.children.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new ImageRun({
            type: 'png',
            data: png,
            transformation: { width, height },
            altText: { name: caption, description: caption, title: caption },
          }),
        ],
      }),
    );
    this.children.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ text: caption, italics: true, size: 18 })],
        spacing: { after: 200 },
      }),
    );
  }
}

function context(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_context'));
  w.para(w.t('context_text'));
  if (p.data.lines)
    w.para(
      w.t('data_text', {
        lines: w.num(p.data.lines),
        operators: w.num(p.data.operators),
        first: p.data.first ?? '',
        last: p.data.last ?? '',
      }),
    );
  if (p.table1) {
    w.table(
      [w.col('size'), w.col('operators'), w.col('pct_operators'), w.col('value'), w.col('pct_value')],
      p.table1.rows.map((r) => [
        w.value(r.size),
        w.num(r.operators),
        w.pct(r.pctOperators),
        w.num(r.value),
        w.pct(r.pctValue),
      ]),
    );
  }
}

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
      w.col('value'),
      w.col('pct_value'),
      w.col('repeat_offenders'),
      w.col('without_control'),
    ],
    t.rows.map((r) => [
      { text: w.value(r.size), bold: r.level === null },
      { text: w.levelText(r.level), fill: w.levelColour(r.level) },
      w.num(r.operators),
      w.pct(r.pctOperators),
      w.num(r.value),
      w.pct(r.pctValue),
      w.num(r.repeatOffenders ?? null),
      w.num(r.withoutControl ?? null),
    ]),
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
    }),
    600,
    280,
    w.t('chart_operators'),
  );
  w.image(
    barChartPng({ title: w.t('chart_value'), categories: sizes.map((s) => w.value(s)), series: series('pctValue') }),
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
      p.applied.map((a) => [a.treatment, a.segment, w.num(a.operators), a.start]),
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
      m.status === 'done' ? `${m.status} ${m.completedOn}` : m.status,
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

function indicators(w: Writer) {
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
          w.num(v?.numerator ?? null),
          w.num(v?.denominator ?? null),
          w.pct(v?.value ?? null),
          k === 0 ? w.pct(i.goal) : '',
        ]),
      ),
    );
  }
  if (p.kpis && p.kpis.kpis.length) {
    w.heading(
      exportLabels().sheets.BOX2 ? label(exportLabels().sheets.BOX2, p.language) : 'Box 2',
      HeadingLevel.HEADING_2,
    );
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
          k.level,
          k.name,
          pt.dimension ?? '',
          pt.period,
          pt.value === null ? '' : Number(pt.value.toPrecision(6)),
          pt.variation === null ? '' : w.pct(pt.variation * 100),
        ]);
      }),
    );
  }
}

function riskPlans(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_risk'));
  if (p.riskCips.length === 0) return w.para(w.t('none'), { italic: true });
  for (const r of p.riskCips) {
    const name = label(p.scales.compliance_risks.find((c) => c.code === r.risk)?.labels ?? { en: r.risk }, p.language);
    w.heading(`${name} (${r.windows.current.start} – ${r.windows.current.end})`, HeadingLevel.HEADING_2);
    w.para(`${w.col('hs')}: ${r.hsCodes.join(', ')} — ${w.col('importers')}: ${w.num(r.operators)}`);
    w.table(
      [
        w.col('hs'),
        w.col('cif'),
        w.col('variation'),
        w.col('vat'),
        w.col('duty'),
        w.col('excise'),
        w.col('importers'),
        w.col('variation'),
      ],
      r.indicators.map((i) => [
        i.hs,
        w.num(i.cif.current),
        w.pct(i.cif.variation),
        w.num(i.vat.current),
        w.num(i.duty.current),
        w.num(i.excise.current),
        w.num(i.importers.current),
        w.pct(i.importers.variation),
      ]),
    );
    if (r.vulnerabilities.length)
      for (const v of r.vulnerabilities)
        w.bullet(
          `${v.processCode} ${v.description} — ${w.col('priority')} ${v.score.priority ?? '-'} ${w.levelText(v.score.priorityLevel)}`,
        );
  }
}

function governance(w: Writer) {
  const p = w.p;
  w.heading(w.t('s_governance'));
  w.para(w.t('governance_text'));
  if (p.changes.length)
    w.table(
      [w.col('actor'), w.col('changes'), w.col('last')],
      p.changes.map((c) => [c.actor, w.num(c.changes), c.last]),
    );
  if (p.notes.length) {
    w.heading(w.t('s_notes'), HeadingLevel.HEADING_2);
    for (const n of p.notes) w.bullet(n);
  }
}

export async function writeDocument(p: PlanData, file: string): Promise<{ sections: string[]; bytes: number }> {
  const w = new Writer(p);
  w.children.push(new Paragraph({ text: w.t('title'), heading: HeadingLevel.TITLE }));
  w.para(w.t('subtitle'), { italic: true });
  w.para(`${w.t('generated')} ${p.generatedAt.slice(0, 10)}${p.pseudonymised ? '. ' + w.t('pseudonymised') : ''}`);
  w.para(`${w.t('history_head')}: ${p.historyHead}`, { italic: true });
  context(w);
  segmentation(w);
  treatments(w);
  register(w);
  measures(w);
  indicators(w);
  riskPlans(w);
  governance(w);
  const doc = new Document({
    creator: 'CIP Workbench',
    title: w.t('title'),
    styles: { default: { document: { run: { font: 'Calibri', size: 21 } } } },
    sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } }, children: w.children }],
  });
  const buf = await Packer.toBuffer(doc);
  writeFileSync(file, buf);
  return {
    sections: [
      's_context',
      's_segmentation',
      's_treatments',
      's_register',
      's_measures',
      's_indicators',
      's_risk',
      's_governance',
    ].map((k) => w.t(k)),
    bytes: buf.length,
  };
}
