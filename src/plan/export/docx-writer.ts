// Layout primitives of the plan document: headings, paragraphs, tables sized to the page (fixed layout, column
// widths in twips that add up to the text width), pictures, numbers and dates in the reader's language.
import {
  AlignmentType,
  BorderStyle,
  HeadingLevel,
  ImageRun,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { defaultTreatmentData, label } from '../config.ts';
import type { PlanData } from './gather.ts';
import { ExportText, PLAN_LABELS } from './labels.ts';
import { NumberText } from './format.ts';
import { GOVERNANCE_LABELS } from '../../governance/labels.ts';

/** A4 in twips, 2 cm margins. */
export const PAGE = { short: 11906, long: 16838, margin: 1134 };
export const TEXT_WIDTH = { portrait: PAGE.short - 2 * PAGE.margin, landscape: PAGE.long - 2 * PAGE.margin };
/** Twips per pixel of a picture (96 dpi). */
const TWIPS_PER_PX = 15;

export type Txt = string | number | null | undefined;
export interface CellSpec {
  text: Txt;
  fill?: string;
  bold?: boolean;
}
export type CellIn = Txt | CellSpec;
export interface TableOptions {
  /** right-aligned columns (numbers) */
  numeric?: number[];
  /** smallest share of the width a column gets, in characters (default from its content) */
  minChars?: number[];
  fontSize?: number;
  header?: boolean;
  /** an empty paragraph after the table (default true) */
  spacer?: boolean;
}

const isSpec = (v: CellIn): v is CellSpec => typeof v === 'object' && v !== null;
const textOf = (v: CellIn) => String((isSpec(v) ? v.text : v) ?? '');

/**
 * Column widths for a table of `width` twips: each column wants its longest line (capped at 45 characters, at least
 * its header's longest word), and gets its share of the width; the widths add up to exactly `width`.
 */
export function columnWidths(headers: string[], rows: CellIn[][], width: number, minChars: number[] = []): number[] {
  const want = headers.map((h, i) => {
    const longestWord = Math.max(3, ...h.split(/\s+/).map((w) => w.length));
    const longestLine = Math.max(
      0,
      ...rows.map((r) =>
        Math.max(
          0,
          ...textOf(r[i])
            .split('\n')
            .map((l) => l.length),
        ),
      ),
    );
    return Math.max(longestWord + 1, Math.min(45, longestLine + 1), minChars[i] ?? 0);
  });
  const total = want.reduce((a, b) => a + b, 0);
  const w = want.map((x) => Math.floor((width * x) / total));
  w[w.length - 1] += width - w.reduce((a, b) => a + b, 0);
  return w;
}

export class Writer {
  readonly children: (Paragraph | Table)[] = [];
  readonly T: ExportText;
  readonly G: ExportText;
  readonly n: NumberText;
  /** text width of the section being written */
  width = TEXT_WIDTH.landscape;
  constructor(readonly p: PlanData) {
    this.T = new ExportText(PLAN_LABELS, p.language);
    this.G = new ExportText(GOVERNANCE_LABELS, p.language);
    this.n = new NumberText(p.language, p.summary.currency);
  }
  t(key: string, vars?: Record<string, string | number | null | undefined>) {
    return this.T.doc(key, vars);
  }
  col(code: string) {
    return this.T.col(code);
  }
  /** The value column's header, naming the reporting currency when known. */
  valueCol(code = 'value') {
    return this.p.summary.currency ? `${this.col(code)} (${this.p.summary.currency})` : this.col(code);
  }
  value(code: string | null | undefined) {
    return this.T.value(code);
  }
  heading(text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel] = HeadingLevel.HEADING_1) {
    this.children.push(new Paragraph({ text, heading: level, keepNext: true, spacing: { before: 240, after: 120 } }));
  }
  para(text: string, opts: { bold?: boolean; italic?: boolean; size?: number; after?: number } = {}) {
    this.children.push(
      new Paragraph({
        children: [new TextRun({ text, bold: opts.bold, italics: opts.italic, size: opts.size })],
        spacing: { after: opts.after ?? 120 },
      }),
    );
  }
  /** A heading that stays out of the table of contents (the summary's parts, the contents' own title). */
  subheading(text: string, opts: { size?: number; pageBreakBefore?: boolean } = {}) {
    this.children.push(
      new Paragraph({
        keepNext: true,
        pageBreakBefore: opts.pageBreakBefore,
        spacing: { before: 160, after: 80 },
        children: [new TextRun({ text, bold: true, color: '2E74B5', size: opts.size ?? 24 })],
      }),
    );
  }
  /** A dimension of a Box 2 indicator in words: risk levels, compliance risks, then the export's values. */
  dimension(code: string | null) {
    if (code === null) return '';
    if (['high', 'medium', 'low'].includes(code)) return this.levelText(code);
    const risk = this.p.scales.compliance_risks.find((r) => r.code === code);
    return risk ? label(risk.labels, this.p.language) : this.value(code);
  }
  /** A paragraph with a bold lead-in: "Lead: text". */
  lead(leadIn: string, text: string, size?: number) {
    this.children.push(
      new Paragraph({
        children: [new TextRun({ text: `${leadIn} `, bold: true, size }), new TextRun({ text, size })],
        spacing: { after: 80 },
      }),
    );
  }
  bullet(text: string, size?: number) {
    this.children.push(
      new Paragraph({ children: [new TextRun({ text, size })], bullet: { level: 0 }, spacing: { after: 40 } }),
    );
  }
  intervention(code: string) {
    const it = defaultTreatmentData().intervention_types.find((x) => x.code === code);
    return it ? label(it.labels, this.p.language) : code;
  }
  levelText(code: string | null) {
    if (!code) return '';
    const b = this.p.scales.priority_bands.bands.find((x) => x.code === code);
    return b ? label(b.labels, this.p.language) : this.value(code);
  }
  levelColour(code: string | null): string | undefined {
    return code ? this.p.scales.priority_bands.bands.find((x) => x.code === code)?.colour.replace('#', '') : undefined;
  }
  /** A table as wide as the text, its columns sized to their content; the header row repeats on every page. */
  table(headers: string[], rows: CellIn[][], o: TableOptions = {}) {
    const size = o.fontSize ?? 18;
    const numeric = new Set(o.numeric ?? []);
    const widths = columnWidths(headers, rows, this.width, o.minChars);
    const cell = (v: CellIn, i: number, header = false) => {
      const s = isSpec(v) ? v : { text: v };
      return new TableCell({
        width: { size: widths[i], type: WidthType.DXA },
        shading: header
          ? { type: ShadingType.CLEAR, fill: '1F4E79', color: 'auto' }
          : s.fill
            ? { type: ShadingType.CLEAR, fill: s.fill, color: 'auto' }
            : undefined,
        children: textOf(v)
          .split('\n')
          .map(
            (l) =>
              new Paragraph({
                alignment: numeric.has(i) && !header ? AlignmentType.RIGHT : AlignmentType.LEFT,
                children: [
                  new TextRun({ text: l, bold: header || s.bold, color: header ? 'FFFFFF' : undefined, size }),
                ],
              }),
          ),
      });
    };
    this.children.push(
      new Table({
        width: { size: this.width, type: WidthType.DXA },
        columnWidths: widths,
        layout: TableLayoutType.FIXED,
        rows: [
          ...(o.header === false
            ? []
            : [new TableRow({ tableHeader: true, children: headers.map((h, i) => cell(h, i, true)) })]),
          ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i)) })),
        ],
      }),
    );
    if (o.spacer !== false) this.children.push(new Paragraph({ text: '', spacing: { after: 60 } }));
  }
  /** Pictures side by side in a borderless grid of `perRow` columns, each with a caption above it. */
  pictureGrid(items: { caption: string; png: Buffer; width: number; height: number }[], perRow: number) {
    const colW = Math.floor(this.width / perRow);
    const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
    const borders = { top: none, bottom: none, left: none, right: none, insideHorizontal: none, insideVertical: none };
    const rows: TableRow[] = [];
    for (let k = 0; k < items.length; k += perRow) {
      const slice = items.slice(k, k + perRow);
      while (slice.length < perRow) slice.push(null as never);
      rows.push(
        new TableRow({
          cantSplit: true,
          children: slice.map(
            (it) =>
              new TableCell({
                width: { size: colW, type: WidthType.DXA },
                children: it
                  ? [
                      new Paragraph({ children: [new TextRun({ text: it.caption, bold: true, size: 16 })] }),
                      new Paragraph({ children: [this.imageRun(it.png, it.width, it.height, it.caption)] }),
                    ]
                  : [new Paragraph('')],
              }),
          ),
        }),
      );
    }
    this.children.push(
      new Table({
        width: { size: colW * perRow, type: WidthType.DXA },
        columnWidths: Array(perRow).fill(colW),
        layout: TableLayoutType.FIXED,
        borders,
        rows,
      }),
    );
    this.children.push(new Paragraph({ text: '', spacing: { after: 60 } }));
  }
  private imageRun(png: Buffer, width: number, height: number, caption: string) {
    // never wider than the text
    const max = Math.floor(this.width / TWIPS_PER_PX);
    const scale = width > max ? max / width : 1;
    return new ImageRun({
      type: 'png',
      data: png,
      transformation: { width: Math.round(width * scale), height: Math.round(height * scale) },
      altText: { name: caption, description: caption, title: caption },
    });
  }
  image(png: Buffer, width: number, height: number, caption: string) {
    this.children.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        keepNext: true,
        children: [this.imageRun(png, width, height, caption)],
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
