// Exports of the committee's record: a meeting's minutes and the decision log, to Word (docx) and Excel (xlsx).
// Corrections to a signed-off meeting are printed after the entry they correct, marked as corrections.
import ExcelJS from 'exceljs';
import {
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Workspace } from '../workspace/workspace.ts';
import { getMeeting, listMinutes, type MinuteEntry } from './meetings.ts';
import { agendaOf, listActions, listDecisions, type Decision } from './decisions.ts';
import { roleLabel } from './committee.ts';
import { workspaceLanguage, type Language } from '../plan/config.ts';
import { ExportText } from '../plan/export/labels.ts';
import {
  fitWidth,
  HEADER_FILL,
  HEADER_FONT,
  shownLength,
  XLSX_FORMATS,
  type XlsxType,
} from '../plan/export/xlsx-style.ts';
import { GOVERNANCE_LABELS } from './labels.ts';
import { columnWidths, PAGE, TEXT_WIDTH } from '../plan/export/docx-writer.ts';
import { safeCell } from '../exports/cells.ts';
import { formatAnchor, historyHead } from '../history/anchor.ts';

/** The export texts in the reader's language (given), else the workspace's. */
async function texts(ws: Workspace, lang?: Language): Promise<ExportText> {
  return new ExportText(GOVERNANCE_LABELS, lang ?? (await workspaceLanguage(ws)));
}

const attendance = (present: boolean | null) => (present === null ? 'not_recorded' : present ? 'present' : 'absent');

export interface MinutesData {
  meeting: Awaited<ReturnType<typeof getMeeting>>;
  items: { key: string; no: number; title: string; minutes: MinuteEntry[] }[];
  general: MinuteEntry[];
  decisions: Decision[];
  actions: { id: string; description: string; ownerUnit: string; dueDate: string; status: string; origin: string }[];
  /** The history head (SEQ:HASH) the record was made at. */
  historyHead: string;
}

export async function gatherMinutes(ws: Workspace, ref: string, lang = 'en'): Promise<MinutesData> {
  const meeting = await getMeeting(ws, ref);
  const minutes = await listMinutes(ws, ref);
  const agenda = await agendaOf(ws, ref, lang);
  const all = await listActions(ws);
  const carried = new Set(agenda.filter((i) => i.action).map((i) => i.action!.id));
  return {
    meeting,
    historyHead: formatAnchor(await historyHead(ws)),
    items: agenda.map((i) => ({
      key: i.key,
      no: i.itemNo,
      title: i.title,
      minutes: minutes.filter((m) => m.itemKey === i.key),
    })),
    general: minutes.filter((m) => !agenda.some((i) => i.key === m.itemKey)),
    decisions: await listDecisions(ws, { ref }),
    actions: all
      .filter((a) => a.ref === ref || carried.has(a.id))
      .map((a) => {
        const here = a.updates.filter((u) => u.ref === ref).at(-1);
        return {
          id: a.id,
          description: a.description,
          ownerUnit: a.ownerUnit,
          dueDate: a.dueDate,
          status: here?.status ?? (a.ref === ref ? 'open' : 'carried'),
          origin: a.ref === ref ? 'assigned' : `carried from ${a.ref}`,
        };
      }),
  };
}

const cell = (t: string | number | null, width: number, bold = false) =>
  new TableCell({
    width: { size: width, type: WidthType.DXA },
    children: [new Paragraph({ children: [new TextRun({ text: String(t ?? ''), bold })] })],
  });
/** A table as wide as the text of an A4 portrait page, its columns sized to their content. */
const table = (head: string[], rows: (string | number | null)[][]) => {
  const widths = columnWidths(head, rows, TEXT_WIDTH.portrait);
  return new Table({
    width: { size: TEXT_WIDTH.portrait, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ children: head.map((h, i) => cell(h, widths[i], true)), tableHeader: true }),
      ...rows.map((r) => new TableRow({ children: r.map((c, i) => cell(c, widths[i])) })),
    ],
  });
};
const page = {
  page: {
    size: { width: PAGE.short, height: PAGE.long },
    margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
  },
};
const entryParagraph = (m: MinuteEntry, T: ExportText) =>
  new Paragraph({
    children: [
      new TextRun({
        text:
          m.kind === 'correction' ? `${T.doc('correction', { user: m.author, date: m.writtenAt.slice(0, 10) })}: ` : '',
        bold: true,
        italics: m.kind === 'correction',
      }),
      new TextRun(m.body),
    ],
  });
const subject = (T: ExportText, d: Decision) => `${T.value(d.subjectType)} ${d.subjectId ?? ''}`.trim();
const origin = (T: ExportText, o: string) =>
  o === 'assigned' ? T.value('assigned') : T.doc('carried_from', { ref: o.slice('carried from '.length) });

/** The minutes as a Word document, in the reader's language (default: the workspace's). */
export async function minutesDocx(ws: Workspace, ref: string, lang?: Language): Promise<Buffer> {
  const T = await texts(ws, lang);
  const d = await gatherMinutes(ws, ref, T.lang);
  const m = d.meeting;
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: T.doc('title_minutes', { ref: m.ref }), heading: HeadingLevel.TITLE }),
    new Paragraph(`${T.doc('date_chair', { date: m.heldOn, chair: m.chair })}${m.title ? ' ' + m.title : ''}`),
    new Paragraph(
      m.status === 'signed' ? T.doc('signed', { user: m.signedBy, date: m.signedAt?.slice(0, 10) }) : T.doc('draft'),
    ),
    new Paragraph({ children: [new TextRun({ text: `${T.doc('history_head')}: ${d.historyHead}`, italics: true })] }),
    new Paragraph({ text: T.doc('attendees'), heading: HeadingLevel.HEADING_1 }),
    table(
      [T.col('name'), T.col('role'), T.col('unit'), T.col('attendance')],
      m.attendees.map((a) => [a.name, roleLabel(a.role, T.lang), a.unit, T.value(attendance(a.present))]),
    ),
    ...m.signatures.map(
      (s) =>
        new Paragraph(
          T.doc('signature', { name: s.name, capacity: T.value(s.capacity), date: s.signedAt.slice(0, 10) }),
        ),
    ),
    new Paragraph({ text: T.doc('agenda'), heading: HeadingLevel.HEADING_1 }),
  ];
  for (const i of d.items) {
    children.push(new Paragraph({ text: `${i.no}. ${i.title}`, heading: HeadingLevel.HEADING_2 }));
    for (const e of i.minutes) children.push(entryParagraph(e, T));
    for (const dec of d.decisions.filter((x) => x.itemKey === i.key))
      children.push(
        new Paragraph({
          children: [
            new TextRun({ text: `${T.doc('decision')} ${dec.id} (${T.value(dec.outcome)}): `, bold: true }),
            new TextRun(dec.text),
          ],
        }),
      );
  }
  if (d.general.length) {
    children.push(new Paragraph({ text: T.doc('other'), heading: HeadingLevel.HEADING_2 }));
    for (const e of d.general) children.push(entryParagraph(e, T));
  }
  children.push(new Paragraph({ text: T.doc('decisions'), heading: HeadingLevel.HEADING_1 }));
  children.push(
    table(
      [T.col('decision'), T.col('subject'), T.col('outcome'), T.col('text')],
      d.decisions.map((x) => [x.id, subject(T, x), T.value(x.outcome), x.text]),
    ),
  );
  children.push(new Paragraph({ text: T.doc('actions'), heading: HeadingLevel.HEADING_1 }));
  children.push(
    table(
      [T.col('action'), T.col('description'), T.col('owner'), T.col('due'), T.col('status'), T.col('origin')],
      d.actions.map((a) => [a.id, a.description, a.ownerUnit, a.dueDate, T.value(a.status), origin(T, a.origin)]),
    ),
  );
  const doc = new Document({
    creator: 'CIP Workbench',
    title: T.doc('title_minutes', { ref: m.ref }),
    sections: [{ properties: page, children }],
  });
  return Packer.toBuffer(doc);
}

type Col = [code: string, type: XlsxType];
type Value = string | number | Date | null | undefined;
const day = (iso: string | null | undefined) => (iso ? new Date(`${iso.slice(0, 10)}T00:00:00Z`) : null);
const stamp = (iso: string | null | undefined) => (iso ? new Date(iso.includes('Z') ? iso : iso + 'Z') : null);

/** A sheet: a header row (frozen, with filters), typed cells with number and date formats, fitted column widths. */
function sheet(wb: ExcelJS.Workbook, T: ExportText, tab: string, cols: Col[], rows: Value[][]) {
  const s = wb.addWorksheet(T.tab(tab), { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = cols.map(([c]) => T.col(c));
  const h = s.addRow(head);
  h.font = HEADER_FONT;
  h.fill = HEADER_FILL;
  h.alignment = { vertical: 'middle', wrapText: true };
  // #13 (formula injection): text cells are written here; neutralise them with the shared function when it lands.
  for (const r of rows) s.addRow(r.map((v) => (v === undefined ? null : safeCell(v))));
  cols.forEach(([, type], i) => {
    const c = s.getColumn(i + 1);
    if (XLSX_FORMATS[type]) c.numFmt = XLSX_FORMATS[type]!;
    c.width = fitWidth(
      head[i],
      rows.map((r) => shownLength(r[i], type)),
    );
    if (rows.some((r) => typeof r[i] === 'string' && (r[i] as string).length > 60)) c.alignment = { wrapText: true };
  });
  if (rows.length) s.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
}

/** The minutes as a workbook, in the reader's language (default: the workspace's). */
export async function minutesXlsx(ws: Workspace, ref: string, lang?: Language): Promise<Buffer> {
  const T = await texts(ws, lang);
  const d = await gatherMinutes(ws, ref, T.lang);
  const wb = new ExcelJS.Workbook();
  const m = d.meeting;
  sheet(
    wb,
    T,
    'meeting',
    [
      ['reference', 'text'],
      ['date', 'date'],
      ['chair', 'text'],
      ['status', 'text'],
      ['signed_by', 'text'],
      ['signed_at', 'datetime'],
    ],
    [[m.ref, day(m.heldOn), m.chair, T.value(m.status), m.signedBy, stamp(m.signedAt)]],
  );
  sheet(
    wb,
    T,
    'attendees',
    [
      ['member', 'text'],
      ['name', 'text'],
      ['role', 'text'],
      ['unit', 'text'],
      ['attendance', 'text'],
    ],
    m.attendees.map((a) => [a.memberId, a.name, roleLabel(a.role, T.lang), a.unit, T.value(attendance(a.present))]),
  );
  sheet(
    wb,
    T,
    'signatures',
    [
      ['member', 'text'],
      ['name', 'text'],
      ['account', 'text'],
      ['capacity', 'text'],
      ['signed_at', 'datetime'],
    ],
    m.signatures.map((s) => [s.memberId, s.name, s.account, T.value(s.capacity), stamp(s.signedAt)]),
  );
  sheet(
    wb,
    T,
    'minutes',
    [
      ['item', 'int'],
      ['title', 'text'],
      ['entry', 'int'],
      ['kind', 'text'],
      ['text', 'text'],
      ['author', 'text'],
      ['written_at', 'datetime'],
    ],
    [
      ...d.items.flatMap((i) =>
        (i.minutes.length ? i.minutes : [null]).map((e) => [
          i.no,
          i.title,
          e?.entryNo ?? null,
          e ? T.value(e.kind) : null,
          e?.body ?? null,
          e?.author ?? null,
          stamp(e?.writtenAt),
        ]),
      ),
      ...d.general.map((e) => [e.itemKey, '', e.entryNo, T.value(e.kind), e.body, e.author, stamp(e.writtenAt)]),
    ],
  );
  sheet(
    wb,
    T,
    'decisions',
    [
      ['decision', 'text'],
      ['item', 'text'],
      ['subject_type', 'text'],
      ['subject', 'text'],
      ['outcome', 'text'],
      ['text', 'text'],
      ['recorded_by', 'text'],
    ],
    d.decisions.map((x) => [
      x.id,
      x.itemKey,
      T.value(x.subjectType),
      x.subjectId,
      T.value(x.outcome),
      x.text,
      x.recordedBy,
    ]),
  );
  sheet(
    wb,
    T,
    'actions',
    [
      ['action', 'text'],
      ['description', 'text'],
      ['owner', 'text'],
      ['due', 'date'],
      ['status', 'text'],
      ['origin', 'text'],
    ],
    d.actions.map((a) => [a.id, a.description, a.ownerUnit, day(a.dueDate), T.value(a.status), origin(T, a.origin)]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const LOG_COLS: Col[] = [
  ['decision', 'text'],
  ['meeting', 'text'],
  ['date', 'date'],
  ['subject', 'text'],
  ['outcome', 'text'],
  ['text', 'text'],
  ['recorded_by', 'text'],
];
const logRows = (T: ExportText, ds: Decision[], asDate: boolean) =>
  ds.map((x) => [
    x.id,
    x.ref,
    asDate ? day(x.heldOn) : x.heldOn,
    subject(T, x),
    T.value(x.outcome),
    x.text,
    x.recordedBy,
  ]);

/** The decision log and every action, as a workbook in the reader's language (default: the workspace's). */
export async function decisionLogXlsx(ws: Workspace, lang?: Language): Promise<Buffer> {
  const T = await texts(ws, lang);
  const wb = new ExcelJS.Workbook();
  sheet(wb, T, 'decision_log', LOG_COLS, logRows(T, await listDecisions(ws), true));
  sheet(
    wb,
    T,
    'actions',
    [
      ['action', 'text'],
      ['meeting', 'text'],
      ['description', 'text'],
      ['owner', 'text'],
      ['due', 'date'],
      ['status', 'text'],
      ['closed_in', 'text'],
    ],
    (await listActions(ws)).map((a) => [
      a.id,
      a.ref,
      a.description,
      a.ownerUnit,
      day(a.dueDate),
      T.value(a.status),
      a.closedIn ?? a.closedOn,
    ]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The decision log as a Word document, in the reader's language (default: the workspace's). */
export async function decisionLogDocx(ws: Workspace, lang?: Language): Promise<Buffer> {
  const T = await texts(ws, lang);
  const doc = new Document({
    creator: 'CIP Workbench',
    title: T.doc('title_log'),
    sections: [
      {
        properties: page,
        children: [
          new Paragraph({ text: T.doc('title_log'), heading: HeadingLevel.TITLE }),
          new Paragraph({
            children: [
              new TextRun({ text: `${T.doc('history_head')}: ${formatAnchor(await historyHead(ws))}`, italics: true }),
            ],
          }),
          table(
            LOG_COLS.map(([c]) => T.col(c)),
            logRows(T, await listDecisions(ws), false) as (string | null)[][],
          ),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
