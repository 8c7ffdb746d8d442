// Benchmark of the plan context (issue #5): the Annex 3 risk-specific CIP (proposal of sensitive HS codes,
// indicators and segmentation per code: three scans of the lines) and both exports, on synthetic lines.
// `npm run bench plan` (BENCH_PLAN_SIZES=1000000 for a quick run). Figures go to docs/benchmarks/plan.md.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../src/workspace/workspace.ts';
import { computeSegmentation } from '../src/segmentation/index.ts';
import { generateLines } from './gri.bench.ts';
import { riskCip } from '../src/plan/risk/annex3.ts';
import { saveVulnerability } from '../src/plan/register/store.ts';
import { gatherPlan } from '../src/plan/export/gather.ts';
import { writeWorkbook } from '../src/plan/export/xlsx.ts';
import { writeDocument } from '../src/plan/export/docx.ts';

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await fn();
  console.log(`  ${name.padEnd(34)} ${((performance.now() - t) / 1000).toFixed(2)} s`);
  return r;
}

async function bench(lines: number): Promise<void> {
  const operators = Math.max(1000, Math.round(lines / 50));
  const dir = mkdtempSync(join(tmpdir(), 'cip-plan-bench-'));
  const ws = await Workspace.open(dir, { create: true, memoryLimit: '3GB' });
  try {
    console.log(
      `${lines.toLocaleString('en')} lines, ${operators.toLocaleString('en')} operators (load average ${loadavg()[0].toFixed(1)})`,
    );
    await timed('generate lines', () => generateLines(ws, lines, operators));
    await timed('segmentation (cip gri compute)', () => computeSegmentation(ws));
    await saveVulnerability(ws, 'bench', {
      processCode: '1.3.5',
      description: 'Lack of electronic customs value declaration',
      institutionalRisk: 'it_systems',
      complianceRisks: 'valuation',
      effects: 'low,low,high,medium',
      occurrence: '2023=Y,2024=Y',
    });
    const r = await timed('cip-risk valuation (proposed HS)', () => riskCip(ws, 'valuation', { top: 5 }));
    console.log(`    → HS ${r.hsCodes.join(', ')}; ${r.operators} importers`);
    const plan = await timed('gather plan (all tables)', () => gatherPlan(ws, { risks: ['valuation'] }));
    await timed('write xlsx', () => writeWorkbook(plan, join(dir, 'plan.xlsx')));
    await timed('write docx (with charts)', () => writeDocument(plan, join(dir, 'plan.docx')));
    console.log(
      `    → xlsx ${Math.round(statSync(join(dir, 'plan.xlsx')).size / 1024)} KB, docx ${Math.round(statSync(join(dir, 'plan.docx')).size / 1024)} KB; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const sizes = (process.env.BENCH_PLAN_SIZES ?? '1000000,10000000').split(',').map(Number);
  for (const n of sizes) await bench(n);
}
