// Unit-value analysis of a sensitive HS code, by origin: the distribution of value per kg (or per unit),
// the lines far below the norm and their importers. Shared by CLI, server and UI.
import { DomainError } from '../../errors/index.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Workspace } from '../../workspace/workspace.ts';
import { engineFor } from '../../engine/engine.ts';

export class UnitValueError extends DomainError {}

const schema = z.object({
  ratio: z.number().gt(0).lt(1),
  z: z.number().positive(),
  min_origin_lines: z.number().int().min(2),
  limit: z.number().int().min(1),
});
export type UnitValueConfig = z.infer<typeof schema>;
const FILE = new URL('./defaults.yaml', import.meta.url);

export function unitValueDefaults(): UnitValueConfig {
  const r = schema.safeParse(parse(readFileSync(FILE, 'utf8')));
  if (!r.success)
    throw new Error(`${FILE.pathname}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
  return r.data;
}

export const QUANTILES = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95] as const;

export interface UnitValueOptions {
  hsCode: string;
  per?: 'kg' | 'unit';
  basis?: 'code' | 'origin';
  from?: string | null;
  to?: string | null;
  ratio?: number;
  z?: number;
  limit?: number;
}

export interface Distribution {
  origin: string | null; // null = all origins
  lines: number;
  value: number;
  quantity: number;
  mean: number; // Σ value / Σ quantity (weighted)
  quantiles: Record<string, number>; // 'p5' … 'p95' of the line unit values
  median_log: number;
  mad_log: number;
}

export interface FlaggedLine {
  declaration_id: string;
  line_no: number;
  date: string;
  operator_id: string;
  hs_code: string;
  origin: string;
  value: number;
  quantity: number;
  unit_value: number;
  reference_median: number;
  ratio_to_median: number;
  robust_z: number | null;
  shortfall: number; // reference_median × quantity − value
  reason: string;
}

export interface Importer {
  operator_id: string;
  name: string | null;
  flagged_lines: number;
  lines: number;
  flagged_value: number;
  shortfall: number;
  min_ratio: number;
  origins: string[];
  gri: number | null;
  risk_level: string | null;
}

export interface UnitValueReport {
  hs_code: string;
  per: 'kg' | 'unit';
  basis: 'code' | 'origin';
  rule: { ratio: number; z: number; min_origin_lines: number };
  lines_total: number;
  lines_without_quantity: number;
  overall: Distribution | null;
  by_origin: Distribution[];
  flagged: { lines: number; value: number; shortfall: number; listed: FlaggedLine[] };
  importers: Importer[];
}

/** Digits only: '6109.10.00' → '61091000'. Errors name what was expected. */
export function normaliseHsCode(code: string): string {
  const c = code.replace(/[\s.\-]/g, '');
  if (!/^\d{2,10}$/.test(c))
    throw new UnitValueError(
      `HS code '${code}': expected 2 to 10 digits (dots and spaces allowed), e.g. 610910 or 6109.10`,
    );
  return c;
}

export async function unitValueAnalysis(ws: Workspace, opts: UnitValueOptions): Promise<UnitValueReport> {
  const d = unitValueDefaults();
  const hs = normaliseHsCode(opts.hsCode);
  const per = opts.per ?? 'kg';
  const basis = opts.basis ?? 'code';
  const rule = { ratio: opts.ratio ?? d.ratio, z: opts.z ?? d.z, min_origin_lines: d.min_origin_lines };
  const qty = per === 'kg' ? 'net_mass_kg' : 'quantity';
  const p = { hs, from: opts.from ?? null, to: opts.to ?? null };

  // Step 1: the code's import lines in the window, with their unit value (the one scan of the lines, on their engine).
  const engine = await engineFor(ws);
  const x = engine.dialect;
  await engine.into(
    'uv_lines',
    `SELECT declaration_id, line_no, date, operator_id, hs_code, coalesce(nullif(trim(origin_country), ''), 'unknown') AS origin,
       value, ${qty} AS quantity, CASE WHEN ${qty} > 0 AND value > 0 THEN value / ${qty} END AS uv
     FROM declaration_lines
     WHERE ${x.startsWith(x.digitsOnly('hs_code'), '$hs')} AND coalesce(lower(flow), 'import') = 'import'
       AND ($from::DATE IS NULL OR date >= $from::DATE) AND ($to::DATE IS NULL OR date <= $to::DATE)`,
    p,
  );
  try {
    const counts = (await ws.one<{ total: number; without: number }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE uv IS NULL) AS without FROM uv_lines`,
    ))!;
    if (counts.total === 0)
      throw new UnitValueError(
        `no import lines with an HS code starting ${hs}${opts.from || opts.to ? ' in the window' : ''}`,
      );

    // Step 2: distributions, overall and per origin.
    const qcols = QUANTILES.map((q, i) => `quantile_cont(uv, ${q}) AS q${i}`).join(', ');
    const dist = await ws.all<Record<string, number | string | null>>(
      `SELECT origin, count(*) AS lines, sum(value) AS value, sum(quantity) AS quantity, sum(value) / sum(quantity) AS mean, ${qcols},
         median(ln(uv)) AS median_log, mad(ln(uv)) AS mad_log
       FROM uv_lines WHERE uv IS NOT NULL GROUP BY GROUPING SETS ((), (origin)) ORDER BY grouping(origin) DESC, count(*) DESC, origin`,
    );
    const toDist = (r: Record<string, number | string | null>): Distribution => ({
      origin: (r.origin as string | null) ?? null,
      lines: Number(r.lines),
      value: Number(r.value),
      quantity: Number(r.quantity),
      mean: Number(r.mean),
      quantiles: Object.fromEntries(QUANTILES.map((q, i) => [`p${Math.round(q * 100)}`, Number(r[`q${i}`])])),
      median_log: Number(r.median_log),
      mad_log: Number(r.mad_log),
    });
    const overallRow = dist.find((r) => r.origin === null);
    const overall = overallRow ? toDist(overallRow) : null;
    const byOrigin = dist.filter((r) => r.origin !== null).map(toDist);

    // Step 3: lines far below their reference (the code's median, or the origin's when basis = origin).
    await ws.run(
      `CREATE OR REPLACE TEMP TABLE uv_flagged AS
       WITH ref AS NOT MATERIALIZED (
         SELECT origin, count(*) AS n, median(uv) AS med, median(ln(uv)) AS mlog, mad(ln(uv)) AS madlog FROM uv_lines WHERE uv IS NOT NULL GROUP BY 1),
       allref AS NOT MATERIALIZED (SELECT median(uv) AS med, median(ln(uv)) AS mlog, mad(ln(uv)) AS madlog FROM uv_lines WHERE uv IS NOT NULL),
       scored AS NOT MATERIALIZED (
         SELECT l.*,
           CASE WHEN $by_origin AND r.n >= $min_n THEN r.med ELSE a.med END AS ref_med,
           CASE WHEN $by_origin AND r.n >= $min_n THEN r.mlog ELSE a.mlog END AS ref_mlog,
           CASE WHEN $by_origin AND r.n >= $min_n THEN r.madlog ELSE a.madlog END AS ref_mad
         FROM uv_lines l JOIN ref r USING (origin) CROSS JOIN allref a WHERE l.uv IS NOT NULL)
       SELECT declaration_id, line_no, date::VARCHAR AS date, operator_id, hs_code, origin, value, quantity, uv AS unit_value,
         ref_med AS reference_median, uv / ref_med AS ratio_to_median,
         CASE WHEN ref_mad > 0 THEN (ln(uv) - ref_mlog) / (1.4826 * ref_mad) END AS robust_z,
         ref_med * quantity - value AS shortfall
       FROM scored
       WHERE uv < $ratio * ref_med OR (ref_mad > 0 AND (ln(uv) - ref_mlog) / (1.4826 * ref_mad) < -$z)`,
      { by_origin: basis === 'origin', min_n: rule.min_origin_lines, ratio: rule.ratio, z: rule.z },
    );
    const tot = (await ws.one<{ lines: number; value: number | null; shortfall: number | null }>(
      `SELECT count(*) AS lines, sum(value) AS value, sum(shortfall) AS shortfall FROM uv_flagged`,
    ))!;
    const listed = await ws.all<Omit<FlaggedLine, 'reason'>>(
      `SELECT * FROM uv_flagged ORDER BY shortfall DESC, declaration_id, line_no LIMIT $limit`,
      { limit: opts.limit ?? d.limit },
    );

    // Step 4: their importers.
    const hasSeg =
      Number(await ws.scalar(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'operator_segments'`)) >
      0;
    const importers = await ws.all<Importer>(
      `WITH f AS NOT MATERIALIZED (
         SELECT operator_id, count(*) AS flagged_lines, sum(value) AS flagged_value, sum(shortfall) AS shortfall,
           min(ratio_to_median) AS min_ratio, list(DISTINCT origin ORDER BY origin) AS origins
         FROM uv_flagged GROUP BY 1),
       n AS NOT MATERIALIZED (SELECT operator_id, count(*) AS lines FROM uv_lines GROUP BY 1)
       SELECT f.operator_id, o.name, f.flagged_lines, n.lines, f.flagged_value, f.shortfall, f.min_ratio, f.origins,
         ${hasSeg ? 's.gri, s.risk_level' : 'NULL::DOUBLE AS gri, NULL::VARCHAR AS risk_level'}
       FROM f JOIN n USING (operator_id)
       LEFT JOIN (SELECT operator_id, any_value(name) AS name FROM operators GROUP BY 1) o USING (operator_id)
       ${hasSeg ? 'LEFT JOIN operator_segments s USING (operator_id)' : ''}
       ORDER BY f.shortfall DESC, f.operator_id`,
    );
    return {
      hs_code: hs,
      per,
      basis,
      rule,
      lines_total: Number(counts.total),
      lines_without_quantity: Number(counts.without),
      overall,
      by_origin: byOrigin,
      flagged: {
        lines: Number(tot.lines),
        value: Number(tot.value ?? 0),
        shortfall: Number(tot.shortfall ?? 0),
        listed: listed.map((l) => ({ ...l, reason: reasonOf(l, rule, per) })),
      },
      importers,
    };
  } finally {
    await ws.run(`DROP TABLE IF EXISTS uv_flagged`);
    await ws.run(`DROP TABLE IF EXISTS uv_lines`);
  }
}

function reasonOf(l: Omit<FlaggedLine, 'reason'>, rule: { ratio: number; z: number }, per: string): string {
  const parts: string[] = [];
  if (l.ratio_to_median < rule.ratio)
    parts.push(
      `${(l.ratio_to_median * 100).toFixed(1)}% of the median ${l.reference_median.toFixed(2)}/${per} (< ${rule.ratio * 100}%)`,
    );
  if (l.robust_z !== null && l.robust_z < -rule.z) parts.push(`robust z ${l.robust_z.toFixed(2)} (< −${rule.z})`);
  return parts.join('; ');
}
