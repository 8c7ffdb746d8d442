// Which outcomes the declaration lines hold (inspected, finding) and which analyses are therefore off, naming the
// field to map. Stated by the import, `cip info`, `cip quality` and the web overview, so missing outcomes never
// pass silently (an effect of "+0.00 pp" or a backtest with nothing to learn from).
import type { Workspace } from '../workspace/workspace.ts';
import { z } from 'zod';
import { MessageCatalogue, MessageSchema, type Message } from '../i18n/messages.ts';
import { kpiCatalogue } from '../measure/kpi/catalogue.ts';

/** The ingest context's sentences (messages.yaml). */
export const INGEST_TEXT = new MessageCatalogue(new URL('./messages.yaml', import.meta.url));
const TEXT = INGEST_TEXT;

/** Analyses that need an outcome field. */
export const OUTCOME_ANALYSES = [
  'effect',
  'backtest',
  'learned_weights',
  'frequency_weights',
  'risky_lists',
  'kpis',
] as const;
export type OutcomeAnalysis = (typeof OUTCOME_ANALYSES)[number];

/** What the lines hold and which analyses are off (zod: the API's answer and the web app's type). */
export const OutcomeReportSchema = z.object({
  lines: z.number(),
  /** Lines with a value (true or false) in each outcome field, and how many are true. */
  inspected: z.number(),
  inspectedTrue: z.number(),
  finding: z.number(),
  findingTrue: z.number(),
  channel: z.number(),
  /** Analyses that cannot run, with the field whose mapping would turn them on. */
  off: z.array(z.object({ analysis: z.enum(OUTCOME_ANALYSES), field: z.enum(['inspected', 'finding']) })),
  /** KPI codes off for want of an outcome field. */
  kpisOff: z.array(z.string()),
  /** What the data holds and what is off, for people (rendered in `lang`). */
  statements: z.array(MessageSchema),
  /** True when a statement says something is off or suspicious (the CLI prints those as warnings). */
  warning: z.boolean(),
});
export type OutcomeReport = z.infer<typeof OutcomeReportSchema>;

interface Counts {
  lines: number;
  inspected: number;
  inspected_true: number;
  finding: number;
  finding_true: number;
  channel: number;
}

/** One scan of the lines' outcome columns. */
async function counts(ws: Workspace): Promise<Counts> {
  const r = await ws.one<Counts>(
    `SELECT count(*) AS lines, count(inspected) AS inspected, count(*) FILTER (WHERE inspected) AS inspected_true,
            count(finding) AS finding, count(*) FILTER (WHERE finding) AS finding_true, count(channel) AS channel
     FROM declaration_lines`,
  );
  return Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)])) as unknown as Counts;
}

/** KPIs whose every alternative of some requirement is the missing outcome column. */
function kpisNeeding(column: 'inspected' | 'finding', otherTablesWithData: Set<string>): string[] {
  const col = `declaration_lines.${column}`;
  return kpiCatalogue()
    .kpis.filter((k) =>
      k.requires.some((req) => {
        const alts = req.split('|');
        return alts.includes(col) && alts.every((a) => a === col || !otherTablesWithData.has(a.split('.')[0]));
      }),
    )
    .map((k) => k.code);
}

export async function outcomeReport(ws: Workspace, lang = 'en'): Promise<OutcomeReport> {
  const c = await counts(ws);
  const off: OutcomeReport['off'] = [];
  const statements: Message[] = [];
  let kpisOff: string[] = [];
  if (c.lines === 0) {
    statements.push(TEXT.message('outcomes.no_lines', {}, lang));
    return { ...shape(c), off, kpisOff, statements, warning: false };
  }
  statements.push(
    TEXT.message(
      'outcomes.holds',
      {
        lines: c.lines,
        inspected: c.inspected,
        inspected_true: c.inspected_true,
        finding: c.finding,
        finding_true: c.finding_true,
      },
      lang,
    ),
  );
  const cases = Number(await ws.scalar('SELECT count(*) FROM cases'));
  const withData = new Set(cases > 0 ? ['cases'] : []);
  if (c.finding === 0) {
    const kpis = kpisNeeding('finding', withData);
    kpisOff = [...kpisOff, ...kpis];
    off.push(
      { analysis: 'effect', field: 'finding' },
      { analysis: 'backtest', field: 'finding' },
      { analysis: 'risky_lists', field: 'finding' },
      { analysis: 'kpis', field: 'finding' },
    );
    if (cases === 0)
      off.push({ analysis: 'learned_weights', field: 'finding' }, { analysis: 'frequency_weights', field: 'finding' });
    statements.push(TEXT.message('outcomes.missing_finding', { kpis: kpis.join(', ') || '-' }, lang));
  } else if (c.finding_true === c.finding && c.inspected_true <= c.finding_true) {
    // Only "found" is ever recorded and nothing else tells inspected lines apart: every inspected line looks like a hit.
    statements.push(TEXT.message('outcomes.finding_never_false', { finding_true: c.finding_true }, lang));
  }
  if (c.inspected === 0) {
    const kpis = kpisNeeding('inspected', withData);
    kpisOff = [...new Set([...kpisOff, ...kpis])];
    if (!off.some((o) => o.analysis === 'effect')) off.push({ analysis: 'effect', field: 'inspected' });
    if (!off.some((o) => o.analysis === 'kpis')) off.push({ analysis: 'kpis', field: 'inspected' });
    const channelHint =
      c.channel > 0 ? TEXT.message('outcomes.channel_present', { channel: c.channel }, lang).text : '';
    statements.push(
      TEXT.message('outcomes.missing_inspected', { kpis: kpis.join(', ') || '-', channel_hint: channelHint }, lang),
    );
  }
  return { ...shape(c), off, kpisOff, statements, warning: statements.length > 1 };
}

function shape(c: Counts) {
  return {
    lines: c.lines,
    inspected: c.inspected,
    inspectedTrue: c.inspected_true,
    finding: c.finding,
    findingTrue: c.finding_true,
    channel: c.channel,
  };
}

/** Whether the lines say which were inspected (the effect estimate and hit rates need it). */
export async function inspectionsKnown(ws: Workspace): Promise<boolean> {
  return Number(await ws.scalar('SELECT count(inspected) FROM declaration_lines')) > 0;
}
