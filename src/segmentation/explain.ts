// `cip explain OPERATOR`: why an operator has its GRI — every indicator with value, threshold, flag, weight,
// contribution and evidence (or why it is unavailable).
import type { Workspace } from '../workspace/workspace.ts';
import { requireRun, SegmentationError } from './pipeline.ts';

export interface ExplainedIndicator {
  code: string;
  name: string;
  family: string;
  available: boolean;
  missingData: string[];
  value: number | null;
  threshold: number | null;
  flag: boolean;
  weight: number;
  contribution: number;
  evidence: string;
}

export interface Explanation {
  operatorId: string;
  risk: string;
  configId: string;
  sizeSegment: string;
  totalValue: number;
  lines: number;
  gri: number;
  riskLevel: string;
  bars: { medium: number; high: number };
  rank: number;
  operators: number;
  repeatOffender: boolean;
  controlled: boolean;
  indicators: ExplainedIndicator[];
}

export async function explainOperator(ws: Workspace, operatorId: string, risk = 'general'): Promise<Explanation> {
  const run = await requireRun(ws, risk);
  const segTable = risk === 'general' ? 'operator_segments' : 'operator_risk_segments';
  const flagsTable = risk === 'general' ? 'operator_indicator_flags' : 'operator_risk_indicator_flags';
  const riskWhere = risk === 'general' ? '' : ' AND risk = $risk';
  const b = await ws.one<{
    size_segment: string; total_value: number; lines: number; vals: (number | null)[]; thr: (number | null)[]; flags: number;
    repeat_offender: boolean; controlled: boolean; gri: number; risk_level: string;
  }>(
    `SELECT b.size_segment, b.total_value, b.lines, b.vals, b.thr, b.flags::DOUBLE AS flags, b.repeat_offender, b.controlled, s.gri, s.risk_level
     FROM seg_operator_base b JOIN ${segTable} s ON s.operator_id = b.operator_id ${risk === 'general' ? '' : 'AND s.risk = b.risk'}
     WHERE b.risk = $risk AND b.operator_id = $op`,
    { risk, op: operatorId },
  );
  if (!b) throw new SegmentationError(`operator ${operatorId} has no lines in the window ${run.window.first} .. ${run.window.end} (or is unknown)`);
  const rank = Number(await ws.scalar(`SELECT count(*) + 1 FROM ${segTable} WHERE gri > $g${riskWhere}`, { g: b.gri, ...(riskWhere ? { risk } : {}) }));
  const ev = new Map(
    (await ws.all<{ code: string; evidence: string }>(`SELECT indicator_code AS code, evidence FROM ${flagsTable} WHERE operator_id = $op${riskWhere}`, { op: operatorId, ...(riskWhere ? { risk } : {}) })).map((r) => [r.code, r.evidence]),
  );
  const weights = new Map(run.scoring.weights.map((w) => [w.code, w.weight]));
  const indicators = run.indicators.map((ind, i): ExplainedIndicator => {
    const flag = Math.floor(b.flags / 2 ** i) % 2 === 1;
    const value = b.vals[i] ?? null;
    const threshold = b.thr[i] ?? null;
    const weight = weights.get(ind.code) ?? 0;
    let evidence = ev.get(ind.code) ?? '';
    if (!ind.available) evidence = `unavailable: no data in ${ind.missing.join(', ')}`;
    else if (!flag) evidence = value === null ? 'no data for this operator' : `not raised (value ${round(value)}${threshold === null ? '' : `, threshold ${round(threshold)}`})`;
    return {
      code: ind.code, name: ind.name, family: ind.family, available: ind.available, missingData: ind.missing,
      value, threshold, flag, weight, contribution: flag ? weight : 0, evidence,
    };
  });
  return {
    operatorId, risk, configId: run.configId, sizeSegment: b.size_segment, totalValue: b.total_value, lines: b.lines,
    gri: b.gri, riskLevel: b.risk_level, bars: run.scoring.bars, rank, operators: run.operators,
    repeatOffender: b.repeat_offender, controlled: b.controlled, indicators,
  };
}

const round = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en') : String(Math.round(x * 1000) / 1000));
