// `npm run bench operators`: `cip gri operators` at 200,000 operators (issue #14, item 5). Synthetic lines from
// gri.bench.ts (BENCH_OPERATORS_LINES, default 2,000,000) for BENCH_OPERATORS (default 200,000) operators, the
// general GRI with equal weights, then the list's first page (unfiltered, by level, by unit) and the whole-list
// exports to CSV and XLSX. Target: a page of the list in under a second.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../src/workspace/workspace.ts';
import { computeSegmentation, parseConfig } from '../src/segmentation/index.ts';
import { operatorList, writeOperatorList, type OperatorListFilter } from '../src/segmentation/operator-list.ts';
import { generateLines } from './gri.bench.ts';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

export async function main(): Promise<void> {
  const operators = Number(process.env.BENCH_OPERATORS ?? 200_000);
  const lines = Number(process.env.BENCH_OPERATORS_LINES ?? 2_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'cip-operators-'));
  const ws = await Workspace.open(dir, { create: true });
  try {
    await generateLines(ws, lines, operators);
    await ws.run(
      `UPDATE operators SET office = 'OF' || (hash(operator_id) % 40), region = 'DR' || (hash(operator_id) % 5)`,
    );
    const [run, tg] = await timed(() =>
      computeSegmentation(ws, { config: parseConfig({ weights: { method: 'equal' } }) }),
    );
    console.log(
      `GRI over ${lines.toLocaleString('en')} lines: ${run.operators.toLocaleString('en')} operators in ${tg.toFixed(1)} s`,
    );
    const base: OperatorListFilter = { risk: 'general', offices: null };
    for (const [name, f] of [
      ['all operators, first page', base],
      ['level high', { ...base, level: 'high' }],
      ['unit DR3, size small', { ...base, unit: 'DR3', size: 'small' }],
      ["an office user's scope (OF7)", { ...base, offices: ['OF7'] }],
    ] as [string, OperatorListFilter][]) {
      await operatorList(ws, f); // warm
      const [l, s] = await timed(() => operatorList(ws, f, { offset: 0, limit: 50 }));
      console.log(
        `  list ${name}: ${l.total.toLocaleString('en')} operators, page of 50 in ${(s * 1000).toFixed(0)} ms`,
      );
    }
    for (const format of ['csv', 'xlsx'] as const) {
      const file = join(dir, `operators.${format}`);
      const [n, s] = await timed(() => writeOperatorList(ws, base, format, file));
      console.log(
        `  export ${format}: ${n.toLocaleString('en')} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s`,
      );
    }
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
