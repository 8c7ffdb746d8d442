// cip export xlsx|docx: the plan as an Excel workbook (the note's tables) and as a Word document.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { printJson, UserError, withCommonOptions } from '../output.ts';
import type { GatherOptions } from '../../plan/export/gather.ts';
import { parseDate } from '../../plan/measures/store.ts';
import { clientPath } from '../transport/context.ts';

// The writers pull in exceljs, docx, echarts and resvg: loaded only when an export runs, so that every
// other `cip` command starts without them.
const gatherPlan: typeof import('../../plan/export/gather.ts').gatherPlan = async (...a) =>
  (await import('../../plan/export/gather.ts')).gatherPlan(...a);

interface Opts {
  workspace?: string;
  json?: boolean;
  pseudonymise?: boolean;
  risk?: string;
  hs?: string;
  today?: string;
  lang?: string;
  currency?: string;
  kpiPeriod?: string;
}

const KPI_PERIODS = ['month', 'quarter', 'year'] as const;

async function gatherOpts(o: Opts): Promise<GatherOptions> {
  const { parseLanguage } = await import('../../plan/export/labels.ts');
  const { currencyCode } = await import('../../plan/export/format.ts');
  if (o.currency && !currencyCode(o.currency))
    throw new UserError(`--currency: expected an ISO 4217 code such as USD or EUR, got '${o.currency}'`);
  if (o.kpiPeriod && !(KPI_PERIODS as readonly string[]).includes(o.kpiPeriod))
    throw new UserError(`--kpi-period: expected one of ${KPI_PERIODS.join(', ')}, got '${o.kpiPeriod}'`);
  return {
    ...baseOpts(o),
    language: o.lang ? parseLanguage(o.lang) : undefined,
    currency: o.currency ? currencyCode(o.currency) : undefined,
    kpiPeriod: o.kpiPeriod as GatherOptions['kpiPeriod'],
  };
}

const baseOpts = (o: Opts): GatherOptions => ({
  pseudonymise: o.pseudonymise,
  risks: o.risk
    ? o.risk
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined,
  hs: o.hs
    ? o.hs
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined,
  today: o.today ? parseDate(o.today, '--today') : undefined,
});

function common(cmd: Command): Command {
  return withCommonOptions(cmd)
    .option('--pseudonymise', 'replace TINs by stable pseudonyms (HMAC with a secret kept in the workspace)')
    .option(
      '--risk <risks>',
      'compliance risks for the Annex 3 part, comma-separated (default: those linked in the register)',
    )
    .option('--hs <codes>', 'sensitive HS codes for Table 5 and Annex 3 (default: proposed from finding rates)')
    .option('--today <date>', 'reference date for late measures (default today)')
    .option('--lang <lang>', "language of the file: en | es | fr | pt (default: the workspace setting 'language')")
    .option('--currency <code>', "reporting currency, ISO 4217 (default: the workspace setting 'currency')")
    .option('--kpi-period <p>', 'period of the Box 2 indicators: month | quarter | year', 'year');
}

export function register(program: Command): void {
  const ex = program
    .command('export')
    .description("hand the plan on: Excel workbook with the note's tables, Word plan document");

  common(
    ex
      .command('xlsx <out>')
      .description(
        'workbook: a sheet per table of the note (Tables 1, 3, 4, extended, 5, 6, 7, A2.1–A2.4, Annex 3, Box 2)',
      ),
  ).action(async (out: string, o: Opts) => {
    if (!/\.xlsx$/i.test(out)) throw new UserError(`${out}: the workbook file name must end in .xlsx`);
    await withWorkspace(o.workspace, async (ws) => {
      const plan = await gatherPlan(ws, await gatherOpts(o));
      const { writeWorkbook } = await import('../../plan/export/xlsx.ts');
      const r = await writeWorkbook(plan, clientPath(out));
      if (o.json) return printJson({ file: out, ...r, notes: plan.notes, historyHead: plan.historyHead });
      console.log(`Workbook written to ${out}: ${r.sheets.map((s) => `${s.code} (${s.rows})`).join(', ')}.`);
      for (const n of plan.notes) console.log(`  note: ${n}`);
      console.log(`History head: ${plan.historyHead} (keep it; cip history verify --anchor checks it later)`);
    });
  });

  common(
    ex
      .command('docx <out>')
      .description(
        'plan document: executive summary, contents, context, segmentation with charts, treatments, register, measures, indicators with trends, risk plans, governance and decisions',
      ),
  ).action(async (out: string, o: Opts) => {
    if (!/\.docx$/i.test(out)) throw new UserError(`${out}: the document file name must end in .docx`);
    await withWorkspace(o.workspace, async (ws) => {
      const plan = await gatherPlan(ws, await gatherOpts(o));
      const { writeDocument } = await import('../../plan/export/docx.ts');
      const r = await writeDocument(plan, clientPath(out));
      if (o.json) return printJson({ file: out, ...r, notes: plan.notes, historyHead: plan.historyHead });
      console.log(
        `Plan document written to ${out} (${Math.round(r.bytes / 1024)} KB, ${plan.language}): ${r.sections.join(' | ')}.`,
      );
      for (const n of plan.notes) console.log(`  note: ${n}`);
      console.log(`History head: ${plan.historyHead} (keep it; cip history verify --anchor checks it later)`);
    });
  });
}
