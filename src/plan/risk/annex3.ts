// Annex 3: a CIP narrowed to one compliance risk. Sensitive HS codes (given, or proposed from finding rates)
// → indicators per HS code with their periodic variation → importers' segmentation per HS code → the
// operational treatment matrix → the register's vulnerabilities for that risk. Aggregation runs in DuckDB.
import { z } from 'zod';
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import type { Dialect } from '../../engine/dialect.ts';
import { engineFor } from '../../engine/engine.ts';
import { lastLineDate } from '../../segmentation/aggregate.ts';
import { lookupCode, registerScales } from '../config.ts';
import { listVulnerabilities, VulnerabilitySchema } from '../register/store.ts';
import { listMeasures, MeasureSchema } from '../measures/store.ts';
import { IndicatorSchema, listIndicators } from '../measures/indicators.ts';
import { getMatrix, resolveMatrix, SIZES, RISKS, TreatmentCellSchema } from '../treatments/matrix.ts';

export class RiskCipError extends DomainError {}

const Period = z.object({ start: z.string(), end: z.string() });
export const WindowsSchema = z.object({ end: z.string(), months: z.number(), current: Period, previous: Period });
export type Windows = z.infer<typeof WindowsSchema>;

export const ProposedHsSchema = z.object({
  hs: z.string(),
  inspected: z.number(),
  findings: z.number(),
  findingRate: z.number(),
  reassessed: z.number(),
});
export type ProposedHs = z.infer<typeof ProposedHsSchema>;

export const MetricSchema = z.object({
  current: z.number(),
  previous: z.number(),
  /** percent change against the previous period; null when the previous is 0 */
  variation: z.number().nullable(),
});
export type Metric = z.infer<typeof MetricSchema>;

export const HsIndicatorsSchema = z.object({
  hs: z.string(),
  cif: MetricSchema,
  vat: MetricSchema,
  duty: MetricSchema,
  excise: MetricSchema,
  importers: MetricSchema,
});
export type HsIndicators = z.infer<typeof HsIndicatorsSchema>;

export const HsSegmentRowSchema = z.object({
  size: z.string(),
  level: z.string(),
  importers: z.number(),
  pctImporters: z.number(),
  repeatOffenders: z.number(),
  repeatOffendersPrevious: z.number(),
  repeatOffendersVariation: z.number().nullable(),
  cif: z.number(),
  pctCif: z.number(),
  collection: z.number(),
  pctCollection: z.number(),
});
export type HsSegmentRow = z.infer<typeof HsSegmentRowSchema>;

export const HsSegmentationSchema = z.object({
  hs: z.string(),
  importers: z.number(),
  unsegmented: z.number(),
  rows: z.array(HsSegmentRowSchema),
});
export type HsSegmentation = z.infer<typeof HsSegmentationSchema>;

/** Annex 3 for one compliance risk (the API's answer). */
export const RiskCipSchema = z.object({
  risk: z.string(),
  windows: WindowsSchema,
  hsSource: z.enum(['given', 'proposed']),
  proposed: z.array(ProposedHsSchema),
  hsCodes: z.array(z.string()),
  operators: z.number(),
  indicators: z.array(HsIndicatorsSchema),
  segmentation: z.array(HsSegmentationSchema),
  segmentationAvailable: z.boolean(),
  treatments: z.array(TreatmentCellSchema),
  vulnerabilities: z.array(
    VulnerabilitySchema.extend({ measures: z.array(MeasureSchema), indicators: z.array(IndicatorSchema) }),
  ),
});
export type RiskCip = z.infer<typeof RiskCipSchema>;

export interface RiskCipOptions {
  hs?: string[];
  end?: string;
  months?: number;
  /** proposal: how many HS codes, at which digit level, with how many inspected lines at least */
  top?: number;
  digits?: number;
  minSupport?: number;
}

const variation = (cur: number, prev: number): number | null =>
  prev ? Math.round(((cur - prev) / prev) * 1000) / 10 : null;
const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 10 : 0);

export function normaliseHsCode(code: string): string {
  const c = code.replace(/[.\s]/g, '');
  if (!/^\d{2,10}$/.test(c))
    throw new RiskCipError(`HS code '${code}': expected 2 to 10 digits (dots allowed), e.g. 6403.99 or 640399`);
  return c;
}

async function resolveWindows(ws: Workspace, endOpt: string | undefined, months: number): Promise<Windows> {
  const end = endOpt ?? (await lastLineDate(ws));
  if (!end)
    throw new RiskCipError(
      'no declaration lines in the workspace: import declarations first (cip import) or create a demo',
    );
  const r = await ws.one<{ cs: string; ps: string }>(
    `SELECT ($end::DATE - to_months($m))::DATE::VARCHAR AS cs, ($end::DATE - to_months(2 * $m))::DATE::VARCHAR AS ps`,
    { end, m: months },
  );
  return { end, months, current: { start: r!.cs, end }, previous: { start: r!.ps, end: r!.cs } };
}

/** A finding of the risk: compliance_risk equal to the code or one of its aliases (any case; $risk_names a list). */
const riskPred = (x: Dialect) => x.listContains('$risk_names', 'lower(trim(compliance_risk))');

/** HS codes (at `digits` digits) with the highest finding rate for the risk among inspected lines of both periods. */

export async function proposeHs(
  ws: Workspace,
  riskNames: string[],
  w: Windows,
  top: number,
  digits: number,
  minSupport: number,
): Promise<ProposedHs[]> {
  const engine = await engineFor(ws);
  const x = engine.dialect;
  const found = `finding AND ${riskPred(x)}`;
  return engine.rows<ProposedHs>(
    `SELECT left(hs_code, $digits) AS hs, count(*)::BIGINT AS inspected,
            count(*) FILTER (WHERE ${found})::BIGINT AS findings,
            ${x.round(`100.0 * count(*) FILTER (WHERE ${found}) / count(*)`, 1)} AS "findingRate",
            coalesce(${x.sumWhere('amount_reassessed', found)}, 0) AS reassessed
     FROM declaration_lines
     WHERE date > $ps::DATE AND date <= $end::DATE AND (inspected OR finding) AND length(hs_code) >= $digits
     GROUP BY hs HAVING count(*) >= $min AND count(*) FILTER (WHERE ${found}) > 0
     ORDER BY "findingRate" DESC, reassessed DESC, hs LIMIT $top`,
    { digits, risk_names: x.listParam(riskNames), ps: w.previous.start, end: w.end, min: minSupport, top },
  );
}

export async function riskCip(ws: Workspace, riskInput: string, opts: RiskCipOptions = {}): Promise<RiskCip> {
  const scales = await registerScales(ws);
  const hit = lookupCode(scales.compliance_risks, riskInput);
  if (!hit)
    throw new RiskCipError(
      `unknown compliance risk '${riskInput}' (expected one of ${scales.compliance_risks.map((r) => r.code).join(', ')})`,
    );
  const risk = hit.code;
  const riskNames = [hit.code, ...hit.aliases].map((x) => x.toLowerCase());
  const engine = await engineFor(ws);
  const x = engine.dialect;
  const months = opts.months ?? 12;
  if (!Number.isInteger(months) || months < 1)
    throw new RiskCipError(`--months ${months}: expected a whole number of months ≥ 1`);
  const w = await resolveWindows(ws, opts.end, months);
  let proposed: ProposedHs[] = [];
  let hsCodes: string[];
  if (opts.hs?.length) hsCodes = [...new Set(opts.hs.map(normaliseHsCode))];
  else {
    proposed = await proposeHs(ws, riskNames, w, opts.top ?? 5, opts.digits ?? 6, opts.minSupport ?? 30);
    if (proposed.length === 0) {
      const [tagged] = await engine.rows<{ n: number }>(
        'SELECT count(*) AS n FROM declaration_lines WHERE finding AND compliance_risk IS NOT NULL',
      );
      if (!Number(tagged.n)) {
        throw new RiskCipError(
          'the declaration lines carry no compliance_risk on their findings, so sensitive HS codes cannot be proposed for a risk; give them with --hs',
        );
      }
      throw new RiskCipError(
        `no HS code has findings for '${risk}' with at least ${opts.minSupport ?? 30} inspected lines between ${w.previous.start} and ${w.end}; ` +
          'give the sensitive codes with --hs or lower --min-support',
      );
    }
    hsCodes = proposed.map((p) => p.hs);
  }
  const dates = { ps: w.previous.start, cs: w.current.start, end: w.end };

  // Step 1: the lines of the sensitive codes in both periods (one scan, on the lines' engine), tagged by code (each
  // code a line starts with) and period; and the repeat offenders of the risk in each period.
  await engine.into(
    'plan_a3_lines',
    `SELECT ${x.unnestPrefixes('l.hs_code', '$codes')} AS hs, l.operator_id, l.value, coalesce(l.vat, 0) AS vat,
            coalesce(l.duty, 0) AS duty, coalesce(l.excise, 0) AS excise,
            CASE WHEN l.date > $cs::DATE THEN 'cur' ELSE 'prev' END AS per
     FROM declaration_lines l
     WHERE l.date > $ps::DATE AND l.date <= $end::DATE AND coalesce(l.flow, 'import') = 'import'`,
    { ...dates, codes: x.listParam(hsCodes) },
  );
  await engine.into(
    'plan_a3_ro',
    `SELECT operator_id, CASE WHEN date > $cs::DATE THEN 'cur' ELSE 'prev' END AS per
     FROM declaration_lines
     WHERE date > $ps::DATE AND date <= $end::DATE AND finding AND ${riskPred(x)}
     GROUP BY operator_id, per HAVING count(DISTINCT declaration_id) >= 2`,
    { ...dates, risk_names: x.listParam(riskNames) },
  );
  try {
    const ind = await ws.all<{
      hs: string;
      per: string;
      cif: number;
      vat: number;
      duty: number;
      excise: number;
      importers: number;
    }>(
      `SELECT hs, per, sum(value) AS cif, sum(vat) AS vat, sum(duty) AS duty, sum(excise) AS excise, count(DISTINCT operator_id)::BIGINT AS importers
       FROM plan_a3_lines GROUP BY 1, 2`,
    );
    const metric = (hs: string, k: 'cif' | 'vat' | 'duty' | 'excise' | 'importers'): Metric => {
      const cur = ind.find((r) => r.hs === hs && r.per === 'cur')?.[k] ?? 0;
      const prev = ind.find((r) => r.hs === hs && r.per === 'prev')?.[k] ?? 0;
      return { current: cur, previous: prev, variation: variation(cur, prev) };
    };
    const indicators = hsCodes.map((hs) => ({
      hs,
      cif: metric(hs, 'cif'),
      vat: metric(hs, 'vat'),
      duty: metric(hs, 'duty'),
      excise: metric(hs, 'excise'),
      importers: metric(hs, 'importers'),
    }));
    const operators = await ws.scalar<number>(
      `SELECT count(DISTINCT operator_id)::BIGINT FROM plan_a3_lines WHERE per = 'cur'`,
    );

    // Step 2: importers per HS code by size × GRI level, with repeat offenders of this risk in each period.
    const segmentationAvailable = ((await ws.scalar<number>('SELECT count(*) FROM operator_segments')) ?? 0) > 0;
    const seg = await ws.all<{
      hs: string;
      size: string | null;
      level: string | null;
      importers: number;
      ro: number;
      ro_prev: number;
      cif: number;
      collection: number;
    }>(
      `WITH ro AS NOT MATERIALIZED (SELECT * FROM plan_a3_ro),
       imp AS (SELECT hs, operator_id, sum(value) AS cif, sum(vat + duty + excise) AS collection FROM plan_a3_lines WHERE per = 'cur' GROUP BY 1, 2)
       SELECT i.hs, s.size_segment AS size, s.risk_level AS level, count(*)::BIGINT AS importers,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ro WHERE ro.operator_id = i.operator_id AND ro.per = 'cur'))::BIGINT AS ro,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ro WHERE ro.operator_id = i.operator_id AND ro.per = 'prev'))::BIGINT AS ro_prev,
              sum(i.cif) AS cif, sum(i.collection) AS collection
       FROM imp i LEFT JOIN operator_segments s USING (operator_id)
       GROUP BY 1, 2, 3`,
    );
    const segmentation: HsSegmentation[] = hsCodes.map((hs) => {
      const mine = seg.filter((r) => r.hs === hs);
      const tot = { importers: 0, cif: 0, collection: 0 };
      for (const r of mine) {
        tot.importers += r.importers;
        tot.cif += r.cif;
        tot.collection += r.collection;
      }
      const rows: HsSegmentRow[] = [];
      for (const size of SIZES) {
        for (const level of RISKS) {
          const r = mine.find((x) => x.size === size && x.level === level);
          const imp = r?.importers ?? 0,
            ro = r?.ro ?? 0,
            rp = r?.ro_prev ?? 0,
            cif = r?.cif ?? 0,
            col = r?.collection ?? 0;
          rows.push({
            size,
            level,
            importers: imp,
            pctImporters: pct(imp, tot.importers),
            repeatOffenders: ro,
            repeatOffendersPrevious: rp,
            repeatOffendersVariation: variation(ro, rp),
            cif,
            pctCif: pct(cif, tot.cif),
            collection: col,
            pctCollection: pct(col, tot.collection),
          });
        }
      }
      return {
        hs,
        importers: tot.importers,
        unsegmented: mine.filter((r) => r.size === null).reduce((a, r) => a + r.importers, 0),
        rows,
      };
    });

    // Steps 3–4: the operational matrix and the register's vulnerabilities for this risk.
    const treatments = await getMatrix(ws, await resolveMatrix(ws, risk));
    const [vulns, measures, inds] = await Promise.all([
      listVulnerabilities(ws, { complianceRisk: risk }),
      listMeasures(ws),
      listIndicators(ws),
    ]);
    const vulnerabilities = vulns.map((v) => ({
      ...v,
      measures: measures.filter((m) => m.vulnId === v.id),
      indicators: inds.filter((i) => i.vulnId === v.id),
    }));
    return {
      risk,
      windows: w,
      hsSource: opts.hs?.length ? 'given' : 'proposed',
      proposed,
      hsCodes,
      operators,
      indicators,
      segmentation,
      segmentationAvailable,
      treatments,
      vulnerabilities,
    };
  } finally {
    await ws.run('DROP TABLE IF EXISTS plan_a3_lines; DROP TABLE IF EXISTS plan_a3_ro');
  }
}
