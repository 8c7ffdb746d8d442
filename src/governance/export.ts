// Exports of the committee's record: a meeting's minutes and the decision log, to Word (docx) and Excel (xlsx).
// Corrections to a signed-off meeting are printed after the entry they correct, marked as corrections.
import ExcelJS from 'exceljs';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { Workspace } from '../workspace/workspace.ts';
import { getMeeting, listMinutes, type MinuteEntry } from './meetings.ts';
import { agendaOf, listActions, listDecisions, type Decision } from './decisions.ts';
import { roleLabel } from './committee.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { workspaceLanguage } from '../plan/config.ts';

const LABELS = parse(readFileSync(new URL('./export-labels.yaml', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, string>
>;
/** An export text in the workspace language (English when missing), with {name} placeholders filled in. */
export function exportText(
  key: string,
  lang: string,
  vars: Record<string, string | number | null | undefined> = {},
): string {
  const l = LABELS[key];
  if (!l) throw new Error(`no export label '${key}'`);
  return (l[lang] ?? l.en).replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}

const attendanceKey = (present: boolean | null) => (present === null ? 'not_recorded' : present ? 'present' : 'absent');

export interface MinutesData {
  meeting: Awaited<ReturnType<typeof getMeeting>>;
  items: { key: string; no: number; title: string; minutes: MinuteEntry[] }[];
  general: MinuteEntry[];
  decisions: Decision[];
  actions: { id: string; description: string; ownerUnit: string; dueDate: string; status: string; origin: string }[];
}

export async function gatherMinutes(ws: Workspace, ref: string): Promise<MinutesData> {
  const meeting = await getMeeting(ws, ref);
  const minutes = await listMinutes(ws, ref);
  const agenda = await agendaOf(ws, ref);
  const all = await listActions(ws);
  const carried = new Set(agenda.filter((i) => i.action).map((i) => i.action!.id));
  return {
    meeting,
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

const cell = (t: string | number | null, bold = false) =>
  new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: String(t ?? ''), bold })] })] });
const table = (head: string[], rows: (string | number | null)[][]) =>
  new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ children: head.map((h) => cell(h, true)), tableHeader: true }),
      ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
    ],
  });
type L = (key: string, vars?: Record<string, string | number | null | undefined>) => string;
const entryParagraph = (m: MinuteEntry, L: L) =>
  new Paragraph({
    children: [
      new TextRun({
        text: m.kind === 'correction' ? `${L('correction', { user: m.author, date: m.writtenAt.slice(0, 10) })}: ` : '',
        bold: true,
        italics: m.kind === 'correction',
      }),
      new TextRun(m.body),
    ],
  });

/** The minutes as a Word document, in the workspace language. */
export async function minutesDocx(ws: Workspace, ref: string): Promise<Buffer> {
  const d = await gatherMinutes(ws, ref);
  const lang = await workspaceLanguage(ws);
  const L: L = (k, v) => exportText(k, lang, v);
  const m = d.meeting;
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: L('title_minutes', { ref: m.ref }), heading: HeadingLevel.TITLE }),
    new Paragraph(`${L('date_chair', { date: m.heldOn, chair: m.chair })}${m.title ? ' ' + m.title : ''}`),
    new Paragraph(
      m.status === 'signed' ? L('signed', { user: m.signedBy, date: m.signedAt?.slice(0, 10) }) : L('draft'),
    ),
    new Paragraph({ text: L('attendees'), heading: HeadingLevel.HEADING_1 }),
    table(
      [L('name'), L('role'), L('unit'), L('attendance')],
      m.attendees.map((a) => [a.name, roleLabel(a.role, lang), a.unit, L(attendanceKey(a.present))]),
    ),
    ...m.signatures.map(
      (s) =>
        new Paragraph(
          L('signature', { name: s.name, capacity: L(`capacity_${s.capacity}`), date: s.signedAt.slice(0, 10) }),
        ),
    ),
    new Paragraph({ text: L('agenda'), heading: HeadingLevel.HEADING_1 }),
  ];
  for (const i of d.items) {
    children.push(new Paragraph({ text: `${i.no}. ${i.title}`, heading: HeadingLevel.HEADING_2 }));
    for (const e of i.minutes) children.push(entryParagraph(e, L));
    for (const dec of d.decisions.filter((x) => x.itemKey === i.key))
      children.push(
        new Paragraph({
          children: [
            new TextRun({ text: `${L('decision')} ${dec.id} (${dec.outcome}): `, bold: true }),
            new TextRun(dec.text),
          ],
        }),
      );
  }
  if (d.general.length) {
    children.push(new Paragraph({ text: L('other'), heading: HeadingLevel.HEADING_2 }));
    for (const e of d.general) children.push(entryParagraph(e, L));
  }
  children.push(new Paragraph({ text: L('decisions'), heading: HeadingLevel.HEADING_1 }));
  children.push(
    table(
      [L('decision'), L('subject'), L('outcome'), L('text')],
      d.decisions.map((x) => [x.id, `${x.subjectType} ${x.subjectId ?? ''}`.trim(), x.outcome, x.text]),
    ),
  );
  children.push(new Paragraph({ text: L('actions'), heading: HeadingLevel.HEADING_1 }));
  children.push(
    table(
      [L('action'), L('description'), L('owner'), L('due'), L('status'), L('origin')],
      d.actions.map((a) => [
        a.id,
        a.description,
        a.ownerUnit,
        a.dueDate,
        a.status,
        a.origin === 'assigned' ? L('assigned') : L('carried_from', { ref: a.origin.slice('carried from '.length) }),
      ]),
    ),
  );
  const doc = new Document({
    creator: 'CIP Workbench',
    title: L('title_minutes', { ref: m.ref }),
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

function sheet(wb: ExcelJS.Workbook, name: string, head: string[], rows: (string | number | null)[][]) {
  const s = wb.addWorksheet(name);
  s.addRow(head).font = { bold: true };
  for (const r of rows) s.addRow(r);
  s.views = [{ state: 'frozen', ySplit: 1 }];
  s.columns.forEach(
    (c, i) => (c.width = Math.min(60, Math.max(10, head[i].length + 2, ...rows.map((r) => String(r[i] ?? '').length)))),
  );
}

export async function minutesXlsx(ws: Workspace, ref: string): Promise<Buffer> {
  const d = await gatherMinutes(ws, ref);
  const wb = new ExcelJS.Workbook();
  sheet(
    wb,
    'Meeting',
    ['Reference', 'Date', 'Chair', 'Status', 'Signed by', 'Signed at'],
    [[d.meeting.ref, d.meeting.heldOn, d.meeting.chair, d.meeting.status, d.meeting.signedBy, d.meeting.signedAt]],
  );
  sheet(
    wb,
    'Attendees',
    ['Member', 'Name', 'Role', 'Unit', 'Attendance'],
    d.meeting.attendees.map((a) => [
      a.memberId,
      a.name,
      roleLabel(a.role),
      a.unit,
      exportText(attendanceKey(a.present), 'en'),
    ]),
  );
  sheet(
    wb,
    'Signatures',
    ['Member', 'Name', 'Account', 'Capacity', 'Signed at'],
    d.meeting.signatures.map((s) => [s.memberId, s.name, s.account, s.capacity, s.signedAt]),
  );
  sheet(
    wb,
    'Minutes',
    ['Item', 'Title', 'Entry', 'Kind', 'Text', 'Author', 'Written at'],
    [
      ...d.items.flatMap((i) =>
        (i.minutes.length ? i.minutes : [null]).map((e) => [
          i.no,
          i.title,
          e?.entryNo ?? null,
          e?.kind ?? null,
          e?.body ?? null,
          e?.author ?? null,
          e?.writtenAt ?? null,
        ]),
      ),
      ...d.general.map((e) => [e.itemKey, '', e.entryNo, e.kind, e.body, e.author, e.writtenAt]),
    ],
  );
  sheet(
    wb,
    'Decisions',
    ['Decision', 'Item', 'Subject type', 'Subject', 'Outcome', 'Text', 'Recorded by'],
    d.decisions.map((x) => [x.id, x.itemKey, x.subjectType, x.subjectId, x.outcome, x.text, x.recordedBy]),
  );
  sheet(
    wb,
    'Actions',
    ['Action', 'Description', 'Owner unit', 'Due', 'Status', 'Origin'],
    d.actions.map((a) => [a.id, a.description, a.ownerUnit, a.dueDate, a.status, a.origin]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const logRows = (ds: Decision[]) =>
  ds.map((x) => [
    x.id,
    x.ref,
    x.heldOn,
    `${x.subjectType} ${x.subjectId ?? ''}`.trim(),
    x.outcome,
    x.text,
    x.recordedBy,
  ]);
const LOG_HEAD = ['Decision', 'Meeting', 'Date', 'Subject', 'Outcome', 'Text', 'Recorded by'];

export async function decisionLogXlsx(ws: Workspace): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  sheet(wb, 'Decision log', LOG_HEAD, logRows(await listDecisions(ws)));
  sheet(
    wb,
    'Actions',
    ['Action', 'Meeting', 'Description', 'Owner unit', 'Due', 'Status', 'Closed in'],
    (await listActions(ws)).map((a) => [
      a.id,
      a.ref,
      a.description,
      a.ownerUnit,
      a.dueDate,
      a.status,
      a.closedIn ?? a.closedOn,
    ]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function decisionLogDocx(ws: Workspace): Promise<Buffer> {
  const lang = await workspaceLanguage(ws);
  const L: L = (k, v) => exportText(k, lang, v);
  const head = [L('decision'), L('meeting'), L('date'), L('subject'), L('outcome'), L('text'), L('recorded_by')];
  const doc = new Document({
    creator: 'CIP Workbench',
    title: L('title_log'),
    sections: [
      {
        children: [
          new Paragraph({ text: L('title_log'), heading: HeadingLevel.TITLE }),
          table(head, logRows(await listDecisions(ws))),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
