// Collects everything the exports show, from each context's public API. What cannot be computed (no data
// yet, no segmentation run) is listed in `notes` instead of failing the export.
import type { Workspace } from '../../workspace/workspace.ts';
import { table1, table4, hsTable, lastRun, type Table1, type Table4, type Run } from '../../segmentation/index.ts';
import { computeKpis, type KpiReport } from '../../measure/kpi/index.ts';
import { registerScales, workspaceLanguage, type Language, type RegisterScales } from '../config.ts';
import { listVulnerabilities, type Vulnerability } from '../register/store.ts';
import { listMeasuresWithSchedule, type MeasureWithSchedule } from '../measures/store.ts';
import { listIndicators, type Indicator } from '../measures/indicators.ts';
import { getMatrix, type TreatmentCell } from '../treatments/matrix.ts';
import { riskCip, type RiskCip } from '../risk/annex3.ts';
import { identity, pseudonymiser, type Pseudonymiser } from './pseudonym.ts';
import { gatherSummary, type PlanSummary } from './summary.ts';
import { formatAnchor, historyHead } from '../../history/anchor.ts';

export interface Table5 {
  hsCode: string;
  rows: { size: string; level: string; importers: number; tin: string; gri: number; value: number }[];
}

export interface PlanData {
  generatedAt: string;
  /** The history head (SEQ:HASH) the plan was made at. */
  historyHead: string;
  today: string;
  language: Language;
  pseudonymised: boolean;
  scales: RegisterScales;
  data: { lines: number; operators: number; first: string | null; last: string | null };
  run: Run | null;
  table1: Table1 | null;
  table4: Table4 | null;
  extended: Table4 | null;
  table5: Table5[];
  matrix: TreatmentCell[];
  applied: { treatment: string; segment: string | null; operators: number; start: string }[];
  vulnerabilities: Vulnerability[];
  measures: MeasureWithSchedule[];
  indicators: Indicator[];
  riskCips: RiskCip[];
  kpis: KpiReport | null;
  changes: { actor: string; changes: number; last: string }[];
  /** executive summary and context: register size, last two runs, progress, decisions */
  summary: PlanSummary;
  notes: string[];
}

export interface GatherOptions {
  pseudonymise?: boolean;
  /** compliance risks for Annex 3 (default: those linked in the register) */
  risks?: string[];
  /** sensitive HS codes for Table 5 and Annex 3 (default: proposed per risk) */
  hs?: string[];
  today?: string;
  kpiPeriod?: 'month' | 'quarter' | 'year';
  /** the reader's language (default: the workspace's) */
  language?: Language;
  /** reporting currency, ISO 4217 (default: the workspace setting 'currency') */
  currency?: string | null;
}

async function attempt<T>(notes: string[], what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    notes.push(`${what}: ${(e as Error).message}`);
    return null;
  }
}

export async function gatherPlan(ws: Workspace, opts: GatherOptions = {}): Promise<PlanData> {
  const notes: string[] = [];
  const pseudo: Pseudonymiser = opts.pseudonymise ? await pseudonymiser(ws) : identity;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const data = (await ws.one<PlanData['data']>(
    `SELECT count(*)::BIGINT AS lines, count(DISTINCT operator_id)::BIGINT AS operators, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last FROM declaration_lines`,
  ))!;
  const run = await attempt(notes, 'Segmentation', () => lastRun(ws));
  if (!run)
    notes.push('Segmentation: no GRI run yet (cip gri compute); Tables 3, 4, 5 and the extended table are empty');
  const t1 = data.lines ? await attempt(notes, 'Table 1', () => table1(ws)) : null;
  const t4 = run ? await attempt(notes, 'Table 4', () => table4(ws)) : null;
  const ext = run ? await attempt(notes, 'Extended table', () => table4(ws, 'general', { extended: true })) : null;

  const vulnerabilities = await listVulnerabilities(ws);
  const risks = opts.risks ?? [...new Set(vulnerabilities.flatMap((v) => v.complianceRisks))];
  const riskCips: RiskCip[] = [];
  if (data.lines) {
    for (const r of risks) {
      const c = await attempt(notes, `Annex 3 (${r})`, () => riskCip(ws, r, { hs: opts.hs, end: undefined }));
      if (c) riskCips.push(c);
    }
  }
  const hsCodes = opts.hs ?? [...new Set(riskCips.flatMap((c) => c.hsCodes))];
  const table5: Table5[] = [];
  if (run) {
    for (const hs of hsCodes) {
      const t = await attempt(notes, `Table 5 (${hs})`, () => hsTable(ws, hs, { limit: 50 }));
      if (t) {
        table5.push({
          hsCode: t.hsCode,
          rows: t.cells.flatMap((c) =>
            c.operators.map((o) => ({
              size: c.size,
              level: c.level,
              importers: c.importers,
              tin: pseudo(o.tin),
              gri: o.gri,
              value: o.value,
            })),
          ),
        });
      }
    }
  }
  const language = opts.language ?? (await workspaceLanguage(ws));
  const kpis = data.lines
    ? await attempt(notes, 'Box 2 KPIs', () => computeKpis(ws, { period: opts.kpiPeriod ?? 'year', lang: language }))
    : null;
  const applied = await ws.all<PlanData['applied'][number]>(
    `SELECT treatment, any_value(segment) AS segment, count(DISTINCT operator_id)::BIGINT AS operators, min(start_date)::VARCHAR AS start
     FROM treatments_applied GROUP BY treatment ORDER BY treatment`,
  );
  const changes = await ws.all<PlanData['changes'][number]>(
    `SELECT actor, count(*)::BIGINT AS changes, strftime(max(changed_at), '%Y-%m-%d %H:%M') AS last FROM history GROUP BY actor ORDER BY changes DESC, actor`,
  );
  return {
    generatedAt: new Date().toISOString(),
    historyHead: formatAnchor(await historyHead(ws)),
    today,
    language,
    pseudonymised: !!opts.pseudonymise,
    scales: await registerScales(ws),
    data,
    run,
    table1: t1,
    table4: t4,
    extended: ext,
    table5,
    matrix: await getMatrix(ws, 'general', language),
    applied,
    vulnerabilities,
    measures: await listMeasuresWithSchedule(ws, today),
    indicators: await listIndicators(ws),
    riskCips,
    kpis,
    changes,
    summary: await gatherSummary(ws, today, { currency: opts.currency }),
    notes,
  };
}
