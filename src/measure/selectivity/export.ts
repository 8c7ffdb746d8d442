// cip selectivity export: scores with reasons for a cargo-selectivity module, per line or per operator.
// The CSV is written by DuckDB (COPY), so millions of lines never pass through JS.
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import type { Lang, SelectivityConfig } from './config.ts';
import { fitModel, scoreLines, type SelectivityModel } from './model.ts';
import { topReasonsSql } from './reasons.ts';
import { LABELLED } from './profiles.ts';
import { saveModel } from './store.ts';
import { safeCellSql } from '../../exports/cells.ts';

export interface ExportOptions {
  out: string;
  level: 'line' | 'operator';
  /** Learn from labelled lines up to this date and score the lines after it; default: learn from all
   *  labelled lines and score the lines without an outcome (finding empty, or not inspected). */
  asOf?: string;
  lang?: Lang;
  reasons?: number;
}

export interface ExportResult {
  file: string;
  level: 'line' | 'operator';
  rows: number;
  scoredLines: number;
  historyUntil: string;
  historyLines: number;
  model: SelectivityModel;
  modelId: number;
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
  const lastLabelled = await ws.scalar<string | null>(
    `SELECT max(date)::VARCHAR FROM declaration_lines d WHERE ${LABELLED}`,
  );
  if (!lastLabelled) {
    throw new SelectivityExportError(
      'no declaration line has an inspection outcome (inspected, with a finding value): import declarations with outcomes first (cip import declarations ...)',
    );
  }
  const until = o.asOf ?? lastLabelled;
  const model = await fitModel(ws, cfg, { history: { until } });
  const target = o.asOf ? { from: nextDay(o.asOf) } : { unlabelledOnly: true };
  const stats = await scoreLines(ws, cfg, model, target);
  if (stats.targetLines === 0) {
    throw new SelectivityExportError(
      o.asOf
        ? `no declaration lines dated after ${o.asOf} to score`
        : `every declaration line already has an outcome (inspected, with a finding value): pass --as-of DATE to learn from lines up to DATE and score the lines after it`,
    );
  }
  const modelId = await saveModel(ws, cfg, model, { purpose: `export-${o.level}`, scoredLines: stats.targetLines });
  const lang = o.lang ?? 'en';
  const rp: Record<string, unknown> = {};
  const reasons = topReasonsSql(cfg, lang, o.reasons ?? 3, rp);
  const F = cfg.factors;
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_export AS
SELECT s.*, d.hs_code, d.origin_country, d.tax_type, d.declarant_id, d.supplier_id, d.office, ${reasons} AS reasons
FROM sel_scores s
JOIN (SELECT * EXCLUDE (y, date, operator_id, declaration_id, line_no, hs_code) FROM sel_feat) f USING (lid)
JOIN declaration_lines d ON d.declaration_id = s.declaration_id AND d.line_no = s.line_no`,
    rp,
  );
  let rows: number;
  if (o.level === 'line') {
    await ws.run(
      `COPY (SELECT ${LINE_COLUMNS.map((c) => (c === 'line_no' || c === 'date' ? c : `${safeCellSql(c)} AS ${c}`)).join(', ')},
        round(score, 4) AS score, round(p, 4) AS probability, level, ${safeCellSql('reasons')} AS reasons, round($b, 4) AS intercept,
        ${F.map((f, j) => `round(c_${j}, 4) AS "c_${f.id}"`).join(', ')}
      FROM sel_export ORDER BY score DESC, declaration_id, line_no) TO $out (HEADER, DELIMITER ',')`,
      { out: o.out, b: model.intercept },
    );
    rows = stats.targetLines;
  } else {
    await ws.run(
      `COPY (SELECT ${safeCellSql('e.operator_id')} AS operator_id, count(*) AS lines, round(sum(p), 3) AS expected_findings,
        round(1 - exp(sum(ln(greatest(1 - p, 1e-12)))), 4) AS probability_any_finding, round(max(score), 4) AS max_score,
        count(*) FILTER (WHERE level = 'high') AS high_lines,
        CASE max(CASE level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS level,
        any_value(g.gri) AS gri, any_value(g.risk_level) AS gri_level,
        ${safeCellSql("arg_max(declaration_id || '/' || line_no, score)")} AS top_line,
        ${safeCellSql('arg_max(reasons, score)')} AS top_line_reasons,
        ${F.map((f, j) => `round(avg(c_${j}), 4) AS "c_${f.id}"`).join(', ')}
      FROM sel_export e LEFT JOIN operator_segments g ON g.operator_id = e.operator_id
      GROUP BY e.operator_id ORDER BY probability_any_finding DESC, e.operator_id) TO $out (HEADER, DELIMITER ',')`,
      { out: o.out },
    );
    rows = Number(await ws.scalar('SELECT count(DISTINCT operator_id) FROM sel_scores'));
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

function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}
