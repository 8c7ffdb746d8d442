// cip selectivity export: scores with reasons for a cargo-selectivity module, per line or per operator.
// The CSV is written by DuckDB (COPY), so millions of lines never pass through JS.
// A share of declarations is drawn by lot for inspection whatever their score (the ASYCUDA practice of a minimum
// random rate): column `selected` says random or score. Their findings are the unbiased control of the targeting
// (import them back with selection_reason = random). The lot is a hash of the declaration id and the seed: the same
// seed draws the same declarations, whatever else the file holds.
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { keyNames, type Lang, type SelectivityConfig } from './config.ts';
import { fitModelKeeping, scoreLines, type SelectivityModel } from './model.ts';
import { reasonTextTableSql, topReasonsSql } from './reasons.ts';
import { LABELLED, LOT_SQL, profiledFactors, scoredSql, targetLotCountSql } from './sql.ts';
import { saveModel } from './store.ts';
import { bindSpec } from './profiles.ts';
import { safeCellSql } from '../../exports/cells.ts';

export interface ExportOptions {
  out: string;
  level: 'line' | 'operator';
  /** Learn from labelled lines up to this date and score the lines after it; default: learn from all
   *  labelled lines and score the lines without an outcome (finding empty, or not inspected). */
  asOf?: string;
  lang?: Lang;
  reasons?: number;
  /** Share of declarations selected by lot, 0..0.5 (default 5 %); 0 writes no `selected` column. */
  randomShare?: number;
  /** Seed of the lot (default 1): the same seed selects the same declarations. */
  seed?: number;
}

export const DEFAULT_RANDOM_SHARE = 0.05;
export const DEFAULT_RANDOM_SEED = 1;

export interface ExportResult {
  file: string;
  level: 'line' | 'operator';
  rows: number;
  scoredLines: number;
  historyUntil: string;
  historyLines: number;
  model: SelectivityModel;
  modelId: number;
  /** The lot: share asked, seed, and the lines and declarations it selected (line level; null when share is 0). */
  random: { share: number; seed: number; lines: number; declarations: number } | null;
}

export class SelectivityExportError extends DomainError {}

export async function exportSelectivity(
  ws: Workspace,
  cfg: SelectivityConfig,
  o: ExportOptions,
): Promise<ExportResult> {
  if (o.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.asOf)) {
    throw new SelectivityExportError(`--as-of: expected a date YYYY-MM-DD, got '${o.asOf}'`);
  }
  const share = o.randomShare ?? DEFAULT_RANDOM_SHARE;
  const seed = o.seed ?? DEFAULT_RANDOM_SEED;
  if (!(share >= 0 && share <= 0.5))
    throw new SelectivityExportError(`--random-share: expected a share from 0 to 0.5 (e.g. 0.05), got ${share}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)
    throw new SelectivityExportError(`--seed: expected a whole number from 0 to 2147483647, got ${seed}`);
  const lastLabelled = await ws.scalar<string | null>(
    `SELECT max(date)::VARCHAR FROM declaration_lines d WHERE ${LABELLED}`,
  );
  if (!lastLabelled) {
    throw new SelectivityExportError(
      'no declaration line has an inspection outcome (inspected, with a finding value): import declarations with outcomes first (cip import declarations ...)',
    );
  }
  const until = o.asOf ?? lastLabelled;
  const { model, kept } = await fitModelKeeping(ws, cfg, { history: { until } });
  const target = o.asOf ? { from: nextDay(o.asOf) } : { unlabelledOnly: true };
  const stats = await scoreLines(ws, cfg, model, target, kept);
  if (stats.targetLines === 0) {
    throw new SelectivityExportError(
      o.asOf
        ? `no declaration lines dated after ${o.asOf} to score`
        : `every declaration line already has an outcome (inspected, with a finding value): pass --as-of DATE to learn from lines up to DATE and score the lines after it`,
    );
  }
  const modelId = await saveModel(ws, cfg, model, { purpose: `export-${o.level}`, scoredLines: stats.targetLines });
  const lang = o.lang ?? 'en';
  const p: Record<string, unknown> = { out: o.out };
  const F = cfg.factors;
  let sql: string;
  const lot = share > 0;
  if (lot) Object.assign(p, { share, seed });
  if (o.level === 'line') {
    const profiled = profiledFactors(cfg);
    for (let j = 0; j < F.length; j++) {
      const tp: Record<string, unknown> = {};
      if (profiled[j]) await ws.run(reasonTextTableSql(cfg, j, lang, tp), tp);
    }
    const reasons = topReasonsSql(cfg, lang, o.reasons ?? 3, p, true);
    p.b = model.intercept;
    sql = `COPY (SELECT * REPLACE (${safeCells(LINE_TEXT)}) FROM (SELECT declaration_id, line_no, date, operator_id, declarant_id, supplier_id, office, hs_code, origin_country, tax_type,
        round(score, 4) AS score, round(p, 4) AS probability, level, ${lot ? `${LOT_SQL} AS selected, ` : ''}${reasons} AS reasons, round($b, 4) AS intercept,
        ${F.map((f, j) => `round(c_${j}, 4) AS "c_${f.id}"`).join(', ')}
      FROM (${scoredSql(cfg, 'params', true)}) ORDER BY score DESC, declaration_id, line_no)) TO $out (HEADER, DELIMITER ',')`;
  } else {
    const reasons = topReasonsSql(cfg, lang, o.reasons ?? 3, p);
    // The operator's top line: its highest score, ties to the first line as the line export orders them; its reasons
    // are formatted for that line only, from the columns carried along.
    const carried = [
      'declaration_id',
      'line_no',
      'uv_ratio',
      'p0c',
      ...keyNames(cfg).map((_, i) => `k_${i}`),
      ...F.flatMap((_, j) => [`n_${j}`, `s_${j}`, `r_${j}`, `c_${j}`]),
    ];
    sql = `COPY (SELECT * REPLACE (${safeCells(OPERATOR_TEXT)}) FROM (
      SELECT operator_id, lines, expected_findings, probability_any_finding, max_score, high_lines, ${lot ? 'random_lines, ' : ''}level, gri, gri_level,
        declaration_id || '/' || line_no AS top_line, ${reasons} AS top_line_reasons, ${F.map((f) => `"c_${f.id}"`).join(', ')}
      FROM (SELECT a.* EXCLUDE (top), ${carried.map((c) => `a.top.${c} AS ${c}`).join(', ')} FROM (
        SELECT e.operator_id, count(*) AS lines, round(sum(p), 3) AS expected_findings,
          round(1 - exp(sum(ln(greatest(1 - p, 1e-12)))), 4) AS probability_any_finding, round(max(score), 4) AS max_score,
          count(*) FILTER (WHERE level = 'high') AS high_lines,${
            lot
              ? `
          count(*) FILTER (WHERE ${LOT_SQL} = 'random') AS random_lines,`
              : ''
          }
          CASE max(CASE level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS level,
          any_value(g.gri) AS gri, any_value(g.risk_level) AS gri_level,
          arg_min({${carried.map((c) => `'${c}': ${c}`).join(', ')}}, {'s': -score, 'd': declaration_id, 'l': line_no}) AS top,
          ${F.map((f, j) => `round(avg(c_${j}), 4) AS "c_${f.id}"`).join(', ')}
        FROM sel_target e LEFT JOIN operator_segments g ON g.operator_id = e.operator_id
        GROUP BY e.operator_id) a)
      ORDER BY probability_any_finding DESC, operator_id)) TO $out (HEADER, DELIMITER ',')`;
  }
  const written = await ws.all<Record<string, unknown>>(sql, await bindSpec(ws, sql, p));
  const rows = Number(Object.values(written[0] ?? {})[0] ?? 0);
  let random: ExportResult['random'] = null;
  if (lot) {
    const c = await ws.one<{ lines: number; declarations: number }>(targetLotCountSql, { share, seed });
    random = { share, seed, lines: Number(c?.lines ?? 0), declarations: Number(c?.declarations ?? 0) };
  }
  return {
    file: o.out,
    level: o.level,
    rows,
    scoredLines: stats.targetLines,
    historyUntil: until,
    historyLines: stats.historyLines,
    model,
    modelId,
    random,
  };
}

/** The first columns of the line-level export; the text ones are written through safeCellSql. */
const LINE_COLUMNS = [
  'declaration_id',
  'line_no',
  'date',
  'operator_id',
  'declarant_id',
  'supplier_id',
  'office',
  'hs_code',
  'origin_country',
  'tax_type',
];

/** Text columns of the exports that come from imported data or labels: neutralised against formula injection. */
const LINE_TEXT = [
  'declaration_id',
  'operator_id',
  'declarant_id',
  'supplier_id',
  'office',
  'hs_code',
  'origin_country',
  'tax_type',
  'reasons',
];
const OPERATOR_TEXT = ['operator_id', 'top_line', 'top_line_reasons'];
const safeCells = (cols: string[]) => cols.map((c) => `${safeCellSql(c)} AS ${c}`).join(', ');

function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}
