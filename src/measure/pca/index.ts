// The annual post-clearance-audit (PCA) plan: candidates ranked by GRI and value at risk, favouring
// operators without control (no audit, no inspected line) in the window. Shared by CLI, server and UI.
import { engineFor } from '../../engine/engine.ts';
import { lastLineDate } from '../../segmentation/aggregate.ts';
import { DomainError } from '../../errors/index.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Workspace } from '../../workspace/workspace.ts';
import { csvLine } from '../../exports/cells.ts';

export class PcaPlanError extends DomainError {}

const LEVEL_ORDER = ['low', 'medium', 'high'] as const;
const configSchema = z.object({
  min_level: z.enum(LEVEL_ORDER),
  no_audit_factor: z.number().min(1),
  no_inspection_factor: z.number().min(1),
  top_flags: z.number().int().min(0),
});
export type PcaConfig = z.infer<typeof configSchema>;
const FILE = new URL('./plan.yaml', import.meta.url);

export function pcaDefaults(): PcaConfig {
  const r = configSchema.safeParse(parse(readFileSync(FILE, 'utf8')));
  if (!r.success)
    throw new Error(`${FILE.pathname}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
  return r.data;
}

export interface PcaOptions {
  capacity: number;
  /** Control window: [end − months, end]; default the window of the latest GRI run. */
  windowMonths?: number;
  minLevel?: PcaConfig['min_level'];
  noAuditFactor?: number;
  noInspectionFactor?: number;
}

export const PcaCandidateSchema = z.object({
  rank: z.number(),
  operator_id: z.string(),
  name: z.string().nullable(),
  size_segment: z.string(),
  risk_level: z.string(),
  gri: z.number(),
  total_value: z.number(),
  value_at_risk: z.number(),
  audits_in_window: z.number(),
  last_audit: z.string().nullable(),
  inspected_lines: z.number(),
  findings: z.number(),
  priority: z.number(),
  reasons: z.array(z.string()),
});
export type PcaCandidate = z.infer<typeof PcaCandidateSchema>;

/** The audit plan (the API's answer, /api/pca). */
export const PcaPlanSchema = z.object({
  capacity: z.number(),
  /** start exclusive, end inclusive */
  window: z.object({ start: z.string(), end: z.string() }),
  gri_computed_at: z.string(),
  eligible: z.number(),
  factors: z.object({ no_audit: z.number(), no_inspection: z.number(), min_level: z.string() }),
  candidates: z.array(PcaCandidateSchema),
});
export type PcaPlan = z.infer<typeof PcaPlanSchema>;

type Row = Omit<PcaCandidate, 'rank' | 'reasons'>;

export async function pcaPlan(ws: Workspace, opts: PcaOptions): Promise<PcaPlan> {
  const cfg = pcaDefaults();
  const minLevel = opts.minLevel ?? cfg.min_level;
  const fAudit = opts.noAuditFactor ?? cfg.no_audit_factor;
  const fInsp = opts.noInspectionFactor ?? cfg.no_inspection_factor;
  if (!Number.isInteger(opts.capacity) || opts.capacity < 1)
    throw new PcaPlanError(`capacity: expected a whole number of audits ≥ 1, got ${opts.capacity}`);

  const seg = await ws.one<{ n: number; computed_at: string | null }>(
    `SELECT count(*) AS n, max(computed_at) AS computed_at FROM operator_segments`,
  );
  if (!seg || seg.n === 0)
    throw new PcaPlanError("no GRI computed yet (operator_segments is empty): run 'cip gri compute' first");
  const window = await controlWindow(ws, opts.windowMonths);

  // Inspected lines and findings per operator in the window, from the lines on their engine.
  await (
    await engineFor(ws)
  ).into(
    'pca_insp',
    `SELECT operator_id, count(*) FILTER (WHERE coalesce(inspected, false) OR coalesce(finding, false)) AS inspected_lines,
       count(*) FILTER (WHERE finding) AS findings
     FROM declaration_lines WHERE date > $w_start::DATE AND date <= $w_end::DATE GROUP BY operator_id`,
    { w_start: window.start, w_end: window.end },
  );
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE pca_ranked AS
     WITH aud AS NOT MATERIALIZED (
       SELECT operator_id, count(*) FILTER (WHERE start_date > $w_start::DATE AND start_date <= $w_end::DATE) AS audits_in_window,
         max(start_date) FILTER (WHERE start_date <= $w_end::DATE) AS last_audit
       FROM audits GROUP BY 1),
     insp AS NOT MATERIALIZED (SELECT * FROM pca_insp),
     names AS NOT MATERIALIZED (SELECT operator_id, any_value(name) AS name FROM operators GROUP BY 1)
     SELECT s.operator_id, names.name, s.size_segment, s.risk_level, s.gri, s.total_value, s.gri * s.total_value AS value_at_risk,
       coalesce(aud.audits_in_window, 0) AS audits_in_window, aud.last_audit::VARCHAR AS last_audit,
       coalesce(insp.inspected_lines, 0) AS inspected_lines, coalesce(insp.findings, 0) AS findings,
       s.gri * s.total_value
         * CASE WHEN coalesce(aud.audits_in_window, 0) = 0 THEN $f_audit ELSE 1 END
         * CASE WHEN coalesce(insp.inspected_lines, 0) = 0 THEN $f_insp ELSE 1 END AS priority
     FROM operator_segments s
     LEFT JOIN aud USING (operator_id) LEFT JOIN insp USING (operator_id) LEFT JOIN names USING (operator_id)
     WHERE list_position(['low', 'medium', 'high'], s.risk_level) >= $min_rank AND s.gri > 0`,
    {
      w_start: window.start,
      w_end: window.end,
      f_audit: fAudit,
      f_insp: fInsp,
      min_rank: LEVEL_ORDER.indexOf(minLevel) + 1,
    },
  );
  try {
    const eligible = Number(await ws.scalar(`SELECT count(*) FROM pca_ranked`));
    const rows = await ws.all<Row>(
      `SELECT * FROM pca_ranked ORDER BY priority DESC, gri DESC, operator_id LIMIT $cap`,
      { cap: opts.capacity },
    );
    // The candidates' ids as constants: the filter goes below the operator_indicator_flags view, whose evidence text
    // is then formatted for these operators only (segmentation formats evidence when it is read).
    const flags = rows.length
      ? await ws.all<{ operator_id: string; indicator_code: string; evidence: string }>(
          `SELECT f.operator_id, f.indicator_code, f.evidence FROM operator_indicator_flags f
           WHERE f.flag AND f.operator_id IN (${rows.map(() => '?').join(', ')})
           ORDER BY f.operator_id, f.indicator_code`,
          rows.map((r) => r.operator_id),
        )
      : [];
    const candidates = rows.map((r, i) => ({
      rank: i + 1,
      ...r,
      reasons: reasons(
        r,
        window,
        flags.filter((f) => f.operator_id === r.operator_id).slice(0, cfg.top_flags),
        fAudit,
        fInsp,
      ),
    }));
    return {
      capacity: opts.capacity,
      window,
      gri_computed_at: String(seg.computed_at),
      eligible,
      factors: { no_audit: fAudit, no_inspection: fInsp, min_level: minLevel },
      candidates,
    };
  } finally {
    await ws.run(`DROP TABLE IF EXISTS pca_ranked; DROP TABLE IF EXISTS pca_insp`);
  }
}

/** The control window: given months back from the last line, else the latest GRI run's window. */
async function controlWindow(ws: Workspace, months?: number): Promise<{ start: string; end: string }> {
  if (months === undefined) {
    const json = await ws
      .scalar<string | null>(`SELECT run_json FROM seg_runs WHERE risk = 'general'`)
      .catch(() => null);
    const w = json ? (JSON.parse(json) as { window?: { start?: string; end?: string } }).window : undefined;
    if (w?.start && w.end) return { start: w.start, end: w.end };
    months = 24;
  }
  const end = await lastLineDate(ws);
  if (!end) throw new PcaPlanError('no declaration lines in the workspace');
  const start = await ws.scalar<string>(`SELECT ($end::DATE - to_months($m))::DATE::VARCHAR`, { end, m: months });
  return { start, end };
}

const money = (v: number) => Math.round(v).toLocaleString('en-US');

/** Plain-language reasons for one candidate, in the order an auditor reads them. */
export function reasons(
  r: Row,
  w: { start: string; end: string },
  flags: { indicator_code: string; evidence: string }[],
  fAudit: number,
  fInsp: number,
): string[] {
  const out = [
    `GRI ${r.gri.toFixed(3)} (${r.risk_level} risk, ${r.size_segment} operator)`,
    `value at risk ${money(r.value_at_risk)} = GRI × value ${money(r.total_value)}`,
  ];
  if (r.audits_in_window === 0) {
    out.push(
      `no post-clearance audit after ${w.start}${r.last_audit ? ` (last ${r.last_audit})` : ' (never audited)'}: priority × ${fAudit}`,
    );
  } else out.push(`${r.audits_in_window} audit(s) in the window, last ${r.last_audit}`);
  if (r.inspected_lines === 0) out.push(`no inspected declaration line after ${w.start}: priority × ${fInsp}`);
  else out.push(`${r.inspected_lines} inspected line(s) in the window, ${r.findings} with a finding`);
  for (const f of flags) out.push(`${f.indicator_code}: ${f.evidence}`);
  return out;
}

/** RFC 4180 CSV of the plan (one row per candidate, reasons joined by ' | '). */
export function pcaPlanCsv(plan: PcaPlan): string {
  const cols = [
    'rank',
    'operator_id',
    'name',
    'size_segment',
    'risk_level',
    'gri',
    'total_value',
    'value_at_risk',
    'audits_in_window',
    'last_audit',
    'inspected_lines',
    'findings',
    'priority',
    'reasons',
  ] as const;
  const cell = (v: unknown) => (Array.isArray(v) ? v.join(' | ') : v);
  return [csvLine(cols), ...plan.candidates.map((c) => csvLine(cols.map((k) => cell(c[k]))))].join('\r\n') + '\r\n';
}
