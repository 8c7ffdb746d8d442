// Text rendering of the segmentation outputs for the terminal (the CLI's non-JSON output).
import { formatTable } from '../cli/output.ts';
import type { Table1, Table4 } from './tables.ts';
import type { Run } from './pipeline.ts';
import type { Explanation } from './explain.ts';

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
export const money = (x: number | null | undefined) =>
  x === null || x === undefined ? '' : Math.round(x).toLocaleString('en');
export const pctText = (x: number) => `${x.toFixed(1)}%`;
/** Counts as everywhere in the terminal: 4,796 (English separators; the CLI speaks English). */
export const count = (x: number | null | undefined) => (x === null || x === undefined ? '' : x.toLocaleString('en'));
/** A timestamp as people write it: 2026-12-03 10:24 UTC. */
export const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
/** 'general@v0' in words: which GRI, with which version of its settings. */
export function configText(configId: string): string {
  const m = /^(.+)@v(\d+)$/.exec(configId);
  if (!m) return configId;
  const gri = m[1] === 'general' ? 'general GRI' : `GRI for ${m[1]}`;
  return `${gri}, ${m[2] === '0' ? 'default settings' : `settings version ${m[2]}`}`;
}

export function renderTable1(t: Table1): string {
  return (
    `Table 1. Distribution by size — window ${t.window.first} .. ${t.window.end}, value ${t.basis === 'both' ? 'CIF/FOB' : t.basis.toUpperCase()}, ` +
    `large ≥ ${money(t.thresholds.large)}, medium ≥ ${money(t.thresholds.medium)}\n` +
    formatTable(
      ['Size', 'Operators', '% operators', 'CIF/FOB value', '% value'],
      t.rows.map((r) => [
        cap(r.size),
        count(r.operators),
        pctText(r.pctOperators),
        money(r.value),
        pctText(r.pctValue),
      ]),
    )
  );
}

export function renderTable4(t: Table4, extended: boolean): string {
  const head = ['Size', 'GRI level', 'Operators', '% operators', 'Value', '% value'];
  if (extended) head.push('VAT', 'Duty', 'Excise', 'Repeat offenders', 'Without control');
  const rows = t.rows.map((r) => {
    const base: (string | number)[] = [
      r.level ? '' : cap(r.size),
      r.level ? cap(r.level) : '',
      count(r.operators),
      pctText(r.pctOperators),
      money(r.value),
      pctText(r.pctValue),
    ];
    if (extended)
      base.push(
        money(r.vat),
        money(r.duty),
        money(r.excise),
        count(r.repeatOffenders ?? 0),
        count(r.withoutControl ?? 0),
      );
    return base;
  });
  return (
    `Table 4. Segmentation by size and GRI level — ${configText(t.configId)}, computed ${when(t.computedAt)}\n` +
    formatTable(head, rows)
  );
}

export function renderRun(run: Run): string {
  const s = run.scoring;
  const lines = [
    `GRI '${run.risk}' (${run.configId}) over ${run.lines.toLocaleString('en')} lines, ${run.operators.toLocaleString('en')} operators, window ${run.window.first} .. ${run.window.end}`,
    `Risky lists: ${run.risky.map((r) => `${r.kind} ${r.count}`).join(', ') || 'none'}; base finding rate ${run.baseRate === null ? 'n/a' : pctText(100 * run.baseRate)}`,
    '',
    formatTable(
      ['Indicator', 'Family', 'Available', 'Flagged', 'Threshold', 'Weight'],
      run.indicators.map((ind, i) => [
        ind.code,
        ind.family,
        ind.available ? 'yes' : `no (${ind.missing.join(', ')})`,
        ind.flagged ?? 0,
        ind.threshold === null
          ? 'expression'
          : ind.threshold.type === 'absolute'
            ? String(ind.threshold.value)
            : ind.threshold.type,
        (s.weights[i]?.weight ?? 0).toFixed(4),
      ]),
    ),
    '',
    `Weights: ${s.method}${s.table3 ? ` (tolerance ${s.table3.tolerance}, ${s.table3.operators} non-compliant operators, ## = ${s.table3.total})` : ''}`,
    ...(run.notes ?? []).map((n) => n.text),
    `Bars: medium ≥ ${s.bars.medium.toFixed(4)}, high ≥ ${s.bars.high.toFixed(4)} → high ${s.levels.high}, medium ${s.levels.medium}, low ${s.levels.low}`,
    `Time: ${Object.entries(run.timings)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')}`,
  ];
  return lines.join('\n');
}

export function renderTable3(run: Run): string {
  const t = run.scoring.table3;
  if (!t) return 'Table 3 is produced with frequency weights (cip gri compute --weights frequency).';
  return (
    `Table 3. Indicators' weights — ${t.operators} non-compliant operators, ## = ${t.total}, tolerance ${t.tolerance}\n` +
    formatTable(
      ['Indicator', '1s (A_i)', 'A_i/##', 'Significant', 'Weight'],
      t.rows.map((r) => [r.code, r.ones, r.share.toFixed(4), r.significant ? 'yes' : 'no', r.weight.toFixed(4)]),
    )
  );
}

export function renderExplanation(e: Explanation): string {
  return [
    `${e.operatorId}: GRI ${e.gri.toFixed(4)} → ${e.riskLevel.toUpperCase()} (bars medium ≥ ${e.bars.medium.toFixed(4)}, high ≥ ${e.bars.high.toFixed(4)}); rank ${e.rank} of ${e.operators}`,
    `Size ${e.sizeSegment} (value ${money(e.totalValue)}, ${e.lines} lines); repeat offender: ${e.repeatOffender ? 'yes' : 'no'}; controlled in window: ${e.controlled ? 'yes' : 'no'}; config ${e.configId}`,
    '',
    formatTable(
      ['Indicator', 'Flag', 'Weight', 'Contribution', 'Evidence'],
      e.indicators.map((i) => [
        i.code,
        i.available ? (i.flag ? '1' : '0') : 'n/a',
        i.weight.toFixed(4),
        i.contribution.toFixed(4),
        i.evidence,
      ]),
    ),
  ].join('\n');
}
