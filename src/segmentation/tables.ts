// Outputs of the segmentation: Table 1 (size), Table 4 and the extended table (size × risk), Table 5 (a
// sensitive HS code), links between operators, brokers and suppliers. Aggregated in SQL, arranged in TS.
import type { Workspace } from '../workspace/workspace.ts';
import { basisPred, resolveWindow, WINDOW_LINES, windowParams } from './aggregate.ts';
import { getConfig } from './config.ts';
import { requireRun, SegmentationError } from './pipeline.ts';
import { hasOperatorTable, predates } from './evidence.ts';
import { engineFor } from '../engine/engine.ts';

export const SIZES = ['large', 'medium', 'small'] as const;
export const LEVELS = ['high', 'medium', 'low'] as const;
const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : 0);

export interface Table1Row {
  size: string;
  operators: number;
  pctOperators: number;
  value: number;
  pctValue: number;
}
export interface Table1 {
  window: { first: string; end: string };
  basis: string;
  thresholds: { large: number; medium: number };
  rows: Table1Row[]; // large, medium, small, total
}

/** Step 1 / Table 1, computed from the lines with the configuration in force (no GRI needed). */
export async function table1(ws: Workspace, risk = 'general'): Promise<Table1> {
  const { config: cfg } = await getConfig(ws, risk);
  const w = await resolveWindow(ws, cfg);
  if (!w) throw new SegmentationError('no declaration lines in the workspace: import declarations first', 'not_found');
  const engine = await engineFor(ws);
  const d = engine.dialect;
  const rows = await engine.rows<{ size: string; operators: number; value: number }>(
    `WITH ${d.cte('l', WINDOW_LINES)},
     o AS (SELECT operator_id, sum(value) AS v FROM l WHERE ${basisPred(cfg.value.basis)} GROUP BY operator_id)
     SELECT CASE WHEN v >= $large THEN 'large' WHEN v >= $medium THEN 'medium' ELSE 'small' END AS size,
            count(*)::BIGINT AS operators, ${d.round('sum(v)', 2)} AS value FROM o GROUP BY 1 ORDER BY 1`,
    { ...windowParams(w), large: cfg.size.large, medium: cfg.size.medium },
  );
  const totalOps = rows.reduce((a, r) => a + r.operators, 0);
  const totalVal = rows.reduce((a, r) => a + r.value, 0);
  const out: Table1Row[] = SIZES.map((s) => {
    const r = rows.find((x) => x.size === s) ?? { operators: 0, value: 0 };
    return {
      size: s,
      operators: r.operators,
      pctOperators: pct(r.operators, totalOps),
      value: r.value,
      pctValue: pct(r.value, totalVal),
    };
  });
  out.push({
    size: 'total',
    operators: totalOps,
    pctOperators: totalOps ? 100 : 0,
    value: totalVal,
    pctValue: totalVal ? 100 : 0,
  });
  return { window: { first: w.first, end: w.end }, basis: cfg.value.basis, thresholds: cfg.size, rows: out };
}

export interface Table4Row {
  size: string;
  level: string | null; // null = the size subtotal (and 'total' row)
  operators: number;
  pctOperators: number;
  value: number;
  pctValue: number;
  vat?: number;
  duty?: number;
  excise?: number;
  repeatOffenders?: number;
  withoutControl?: number;
}
export interface Table4 {
  risk: string;
  configId: string;
  computedAt: string;
  rows: Table4Row[];
}

const segTable = (risk: string) => (risk === 'general' ? 'operator_segments' : 'operator_risk_segments');

/** Table 4 (size × GRI level); extended adds VAT, duty, excise, repeat offenders and operators without control. */
export async function table4(ws: Workspace, risk = 'general', opts: { extended?: boolean } = {}): Promise<Table4> {
  const run = await requireRun(ws, risk);
  // Money sums rounded to cents and cells in a fixed order: parallel floating-point sums otherwise differ in
  // the last digit from one call to the next (an exported workbook must equal the CLI's numbers).
  // Cells from the run's pattern cube (operators and sums per flag pattern and size) joined with the scores of the
  // patterns (the same levels the scoring wrote into operator_segments): a few hundred rows, not one per operator.
  if (!(await hasOperatorTable(ws, risk))) throw new SegmentationError(predates(risk));
  const cells = await ws.all<Required<Omit<Table4Row, 'pctOperators' | 'pctValue'>>>(
    `SELECT c.size_segment AS size, s.risk_level AS level, sum(c.operators)::BIGINT AS operators, round(sum(c.value), 2) AS value,
            round(sum(c.vat), 2) AS vat, round(sum(c.duty), 2) AS duty, round(sum(c.excise), 2) AS excise,
            sum(c.repeat_offenders)::BIGINT AS "repeatOffenders", sum(c.without_control)::BIGINT AS "withoutControl"
     FROM seg_pattern_cube c JOIN seg_pattern_scores s ON s.risk = c.risk AND s.flags = c.flags WHERE c.risk = $risk
     GROUP BY 1, 2 ORDER BY 1, 2`,
    { risk },
  );
  const keys = ['operators', 'value', 'vat', 'duty', 'excise', 'repeatOffenders', 'withoutControl'] as const;
  const sum = (rs: typeof cells) =>
    Object.fromEntries(keys.map((k) => [k, rs.reduce((a, r) => a + Number(r[k]), 0)])) as Record<
      (typeof keys)[number],
      number
    >;
  const total = sum(cells);
  const row = (size: string, level: string | null, s: ReturnType<typeof sum>): Table4Row => {
    const r: Table4Row = {
      size,
      level,
      operators: s.operators,
      pctOperators: pct(s.operators, total.operators),
      value: s.value,
      pctValue: pct(s.value, total.value),
    };
    if (opts.extended)
      Object.assign(r, {
        vat: s.vat,
        duty: s.duty,
        excise: s.excise,
        repeatOffenders: s.repeatOffenders,
        withoutControl: s.withoutControl,
      });
    return r;
  };
  const rows: Table4Row[] = [];
  for (const size of SIZES) {
    rows.push(row(size, null, sum(cells.filter((c) => c.size === size))));
    for (const level of LEVELS)
      rows.push(row(size, level, sum(cells.filter((c) => c.size === size && c.level === level))));
  }
  rows.push(row('total', null, total));
  return { risk, configId: run.configId, computedAt: run.computedAt, rows };
}

export const extendedTable = (ws: Workspace, risk = 'general') => table4(ws, risk, { extended: true });

export function normaliseHs(code: string): string {
  const c = code.replace(/[.\s]/g, '');
  if (!/^\d{2,10}$/.test(c))
    throw new SegmentationError(`HS code '${code}': expected 2 to 10 digits (dots allowed), e.g. 8471.30 or 847130`);
  return c;
}

export interface Table5Cell {
  size: string;
  level: string;
  importers: number;
  operators: { tin: string; gri: number; lines: number; value: number }[];
}

/** Table 5: operators trading a sensitive HS code (prefix) in the window, by size × level, with TINs and GRIs. */
export async function hsTable(
  ws: Workspace,
  code: string,
  opts: { risk?: string; limit?: number } = {},
): Promise<{ hsCode: string; window: { first: string; end: string }; cells: Table5Cell[]; importers: number }> {
  const risk = opts.risk ?? 'general';
  const run = await requireRun(ws, risk);
  const hs = normaliseHs(code);
  // The operators' lines of the HS code from the lines' engine; ranks and levels from the workspace.
  const engine = await engineFor(ws);
  await engine.into(
    'seg_hs_lines',
    `SELECT operator_id, count(*)::BIGINT AS lines, sum(value) AS value FROM (${WINDOW_LINES}) l
     WHERE ${engine.dialect.startsWith('hs_code', '$hs')} GROUP BY operator_id`,
    { ...windowParams(run.window), hs },
  );
  const rows = await ws.all<{
    size: string;
    level: string;
    tin: string;
    gri: number;
    lines: number;
    value: number;
    n: number;
    k: number;
  }>(
    `WITH h AS (SELECT * FROM seg_hs_lines),
     j AS (SELECT s.size_segment AS size, s.risk_level AS level, s.operator_id AS tin, s.gri, h.lines, h.value,
                  count(*) OVER (PARTITION BY s.size_segment, s.risk_level)::BIGINT AS n,
                  row_number() OVER (PARTITION BY s.size_segment, s.risk_level ORDER BY s.gri DESC, h.value DESC, s.operator_id) AS k
           FROM h JOIN ${segTable(risk)} s USING (operator_id) ${risk === 'general' ? '' : 'WHERE s.risk = $risk'})
     SELECT * FROM j WHERE k <= $limit ORDER BY size, level, k`,
    { limit: opts.limit ?? 20, ...(risk === 'general' ? {} : { risk }) },
  );
  const cells: Table5Cell[] = [];
  for (const size of SIZES)
    for (const level of LEVELS) {
      const rs = rows.filter((r) => r.size === size && r.level === level);
      cells.push({
        size,
        level,
        importers: rs[0]?.n ?? 0,
        operators: rs.map((r) => ({ tin: r.tin, gri: r.gri, lines: r.lines, value: r.value })),
      });
    }
  return {
    hsCode: hs,
    window: { first: run.window.first, end: run.window.end },
    cells,
    importers: cells.reduce((a, c) => a + c.importers, 0),
  };
}

export interface LinkHub {
  id: string;
  operators: number;
  highRiskOperators: number;
  lines: number;
  value: number;
  members: { tin: string; gri: number; level: string; lines: number }[];
}

/** Brokers and suppliers shared by two or more operators trading the same sensitive HS code, riskiest first. */
export async function links(
  ws: Workspace,
  code: string,
  opts: { risk?: string; limit?: number } = {},
): Promise<{ hsCode: string; brokers: LinkHub[]; suppliers: LinkHub[] }> {
  const risk = opts.risk ?? 'general';
  const run = await requireRun(ws, risk);
  const hs = normaliseHs(code);
  const engine = await engineFor(ws);
  const hubs = async (col: 'declarant_id' | 'supplier_id') => {
    await engine.into(
      'seg_link_lines',
      `SELECT ${col} AS id, operator_id, count(*)::BIGINT AS lines, sum(value) AS value FROM (${WINDOW_LINES}) l
       WHERE ${engine.dialect.startsWith('hs_code', '$hs')} AND ${col} IS NOT NULL GROUP BY ${col}, operator_id`,
      { ...windowParams(run.window), hs },
    );
    return ws.all<LinkHub>(
      `WITH e AS (SELECT * FROM seg_link_lines),
       j AS (SELECT e.*, s.gri, s.risk_level FROM e JOIN ${segTable(risk)} s USING (operator_id) ${risk === 'general' ? '' : 'WHERE s.risk = $risk'})
       SELECT id, count(*)::BIGINT AS operators, count(*) FILTER (WHERE risk_level = 'high')::BIGINT AS "highRiskOperators",
              sum(lines)::BIGINT AS lines, sum(value) AS value,
              list({'tin': operator_id, 'gri': gri, 'level': risk_level, 'lines': lines} ORDER BY gri DESC, operator_id)[1:10] AS members
       FROM j GROUP BY id HAVING count(*) >= 2
       ORDER BY "highRiskOperators" DESC, operators DESC, id LIMIT $limit`,
      { limit: opts.limit ?? 20, ...(risk === 'general' ? {} : { risk }) },
    );
  };
  return { hsCode: hs, brokers: await hubs('declarant_id'), suppliers: await hubs('supplier_id') };
}
