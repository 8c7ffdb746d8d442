// Benchmark of the segmentation pipeline (issue #3): full pipeline at 10M and 50M lines vs one plain
// GROUP BY operator_id pass, and re-scoring (new weights / bars) without rescanning lines for 1M operators.
// `npm run bench gri` (BENCH_GRI_SIZES=1000000 for a quick run). Figures go to docs/benchmarks/segmentation.md.
// Generated workspaces are kept in bench-output/gri-<lines> (≈ 5 min to generate 50M lines) and reused while their
// line count matches: delete them after changing generateLines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Workspace } from '../src/workspace/workspace.ts';
import { computeSegmentation, parseConfig, rescore, previewRescore } from '../src/segmentation/index.ts';
import { table4, extendedTable } from '../src/segmentation/index.ts';
import { operatorTable } from '../src/segmentation/evidence.ts';
import { ensureLinesClustered } from '../src/workspace/layout.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Synthetic lines with DuckDB range(): `operators` importers, brokers/suppliers/origins/HS codes with
 * operator-dependent risk so findings cluster; 3 years of dates. Also tax records, cases and operators.
 */
export async function generateLines(ws: Workspace, lines: number, operators: number): Promise<void> {
  await ws.run(
    `
    INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, declarant_id, supplier_id, hs_code,
      origin_country, value, duty, vat, excise, exemption_code, inspected, finding, compliance_risk)
    SELECT 'D' || (i // 3), (i % 3)::INTEGER + 1,
      DATE '2023-01-01' + ((hash(i, 1) % 1095))::INTEGER,
      CASE WHEN op % 10 = 0 THEN 'export' ELSE 'import' END,
      'OP' || lpad(op::VARCHAR, 7, '0'),
      'AG' || lpad((CASE WHEN op % 7 = 0 THEN hash(i, 2) % 20 ELSE 20 + hash(i, 2) % 180 END)::VARCHAR, 4, '0'),
      'SUP' || ((op * 13 + hash(i, 3) % 5) % 50000),
      lpad((CASE WHEN op % 11 = 0 THEN 100 + hash(i, 4) % 20 ELSE 120 + hash(i, 4) % 9000 END)::VARCHAR, 4, '0') || lpad((hash(i, 5) % 100)::VARCHAR, 2, '0'),
      ['CN','VN','US','DE','TR','IN','BR','MX','JP','KR'][1 + (CASE WHEN op % 13 = 0 THEN hash(i, 6) % 2 ELSE hash(i, 6) % 10 END)::INTEGER],
      v, v * 0.05, v * 0.15, CASE WHEN hash(i, 7) % 20 = 0 THEN v * 0.1 END,
      CASE WHEN hash(i, 8) % (CASE WHEN op % 17 = 0 THEN 3 ELSE 15 END) = 0 THEN 'EX1' END,
      hash(i, 9) % 10 = 0,
      hash(i, 9) % 10 = 0 AND hash(i, 10) % 100 < (CASE WHEN op % 7 = 0 OR op % 11 = 0 OR op % 13 = 0 THEN 40 ELSE 5 END),
      'valuation'
    FROM (SELECT range AS i, (hash(range, 0) % $ops)::BIGINT AS op, 100 + (hash(range, 11) % 20000)::DOUBLE AS v FROM range($n))`,
    { n: lines, ops: operators },
  );
  await ws.run(
    `
    INSERT INTO operators (operator_id, name, isic_sector)
    SELECT 'OP' || lpad(range::VARCHAR, 7, '0'), 'Operator ' || range, (4600 + range % 40)::VARCHAR FROM range($ops)`,
    { ops: operators },
  );
  await ws.run(
    `
    INSERT INTO tax_records (operator_id, period_start, period_end, return_filed, vat_on_imports_declared, imports_declared,
      audit_irregularities, transfer_pricing_finding)
    SELECT 'OP' || lpad((range // 3)::VARCHAR, 7, '0'), DATE '2023-01-01' + to_months((range % 3) * 12), DATE '2023-12-31' + to_months((range % 3) * 12),
      hash(range, 1) % 20 <> 0, NULL, NULL, hash(range, 2) % 30 = 0, hash(range, 3) % 50 = 0
    FROM range($n)`,
    { n: operators * 3 },
  );
  await ws.run(
    `
    INSERT INTO cases (case_id, operator_id, date, compliance_risk, serious, amount)
    SELECT 'C' || range, 'OP' || lpad(((hash(range, 1) % $ops) // 7 * 7)::VARCHAR, 7, '0'), DATE '2023-01-01' + (hash(range, 2) % 1095)::INTEGER,
      'valuation', hash(range, 3) % 4 = 0, 1000 FROM range($c)`,
    { ops: operators, c: Math.round(operators / 5) },
  );
}

function peakRss(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * Set-up (child process, cached in bench-output/gri-<lines>): generated lines, rewritten in operator order as the
 * workspace keeps them (the first segmentation run after an import does that itself; timed apart).
 */
async function setup(dir: string, lines: number, operators: number): Promise<void> {
  const ws = await Workspace.open(dir, { create: true, memoryLimit: '3GB' });
  try {
    if (Number(await ws.scalar('SELECT count(*) FROM declaration_lines')) !== lines) {
      await ws.run('DELETE FROM declaration_lines; DELETE FROM operators; DELETE FROM tax_records; DELETE FROM cases');
      const t = performance.now();
      await generateLines(ws, lines, operators);
      await ws.run('CHECKPOINT');
      console.log(
        `generated ${lines.toLocaleString('en')} lines, ${operators.toLocaleString('en')} operators in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    const c = await ensureLinesClustered(ws);
    if (c)
      console.log(
        `  clustered the lines by operator (once after the lines change): ${c.seconds.toFixed(2)} s, peak RSS ${peakRss()} MiB`,
      );
  } finally {
    ws.close();
  }
}

/** The measured part (its own child process, so the peak RSS is the pipeline's): plain GROUP BY, then the pipeline. */
async function pipeline(dir: string, lines: number): Promise<void> {
  const ws = await Workspace.open(dir, { memoryLimit: '3GB' });
  try {
    let t = performance.now();
    const pc0 = process.cpuUsage();
    await ws.run(
      `CREATE OR REPLACE TEMP TABLE plain AS SELECT operator_id, count(*) n, sum(value) v FROM declaration_lines GROUP BY operator_id`,
    );
    const plain = performance.now() - t;
    const plainCpu = process.cpuUsage(pc0);

    t = performance.now();
    const cpu0 = process.cpuUsage();
    // A fixed weighting: the pipeline of issue #3. The default (weights.method auto) adds a training pass for the
    // held-out choice of the weighting, timed separately below.
    const run = await computeSegmentation(ws, { config: parseConfig({ weights: { method: 'equal' } }) });
    await table4(ws);
    await extendedTable(ws);
    const full = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    t = performance.now();
    const auto = await computeSegmentation(ws, { risk: 'general' });
    const withChoice = performance.now() - t;
    console.log(
      `lines=${lines} operators=${run.operators} indicators=${run.indicators.length} (available ${run.indicators.filter((i) => i.available).length})` +
        `\n  plain GROUP BY operator_id: ${(plain / 1000).toFixed(2)} s (CPU ${((plainCpu.user + plainCpu.system) / 1e6).toFixed(2)} s)` +
        `\n  full pipeline (size + indicators + weights + GRI + levels + Table 4 + extended): ${(full / 1000).toFixed(2)} s  ratio ${(full / plain).toFixed(1)}x` +
        `\n  steps ms: ${JSON.stringify(run.timings)}` +
        `\n  default weighting (auto: held-out choice, chose ${auto.scoring.method}): ${(withChoice / 1000).toFixed(2)} s, steps ms ${JSON.stringify(auto.timings)}` +
        `\n  full pipeline CPU (all threads) ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s; load average ${loadavg()[0].toFixed(1)}` +
        `\n  peak RSS ${peakRss()} MiB`,
    );
  } finally {
    ws.close();
  }
}

function child(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`gri bench ${args[0]} failed (exit ${r.status})`);
}

async function bench(lines: number): Promise<void> {
  const operators = Math.max(1000, Math.round(lines / 50));
  const dir = join(ROOT, 'bench-output', `gri-${lines}`);
  child('setup', dir, String(lines), String(operators));
  child('pipeline', dir, String(lines));
}

/**
 * Re-scoring 1M operators: the run's operator table (what re-scoring reads: operator, size, value, lines, flags over
 * 16 indicators) generated directly in place of a real run's, then new weights and bars.
 */
async function benchRescore(operators: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cip-gri-rescore-'));
  const ws = await Workspace.open(dir, { create: true });
  try {
    await generateLines(ws, 200_000, 5000);
    await computeSegmentation(ws, { risk: 'general' });
    await ws.run(
      `
      CREATE OR REPLACE TABLE ${operatorTable('general')} AS
      SELECT 'OP' || range AS operator_id, CASE WHEN range % 10 = 0 THEN 'large' WHEN range % 3 = 0 THEN 'medium' ELSE 'small' END AS size_segment,
        (range % 1000000)::DOUBLE AS total_value, 10::BIGINT AS basis_lines, 0::DOUBLE AS vat, 0::DOUBLE AS duty, 0::DOUBLE AS excise,
        false AS repeat_offender, true AS controlled, hash(range) % 5 = 0 AS noncompliant,
        (hash(range, 1) % 65536)::UBIGINT & (hash(range, 2) % 65536)::UBIGINT & (hash(range, 3) % 65536)::UBIGINT AS flags
      FROM range($n)`,
      { n: operators },
    );
    const patches = [
      { weights: { method: 'frequency' as const } },
      { levels: { method: 'quantile' as const } },
      { levels: { method: 'manual' as const, manual: { medium: 0.05, high: 0.2 } } },
      { weights: { method: 'equal' as const } },
    ];
    // The cube is rebuilt from the generated operator rows, as computeFlags does after a full run.
    await ws.run(`DELETE FROM seg_pattern_cube`);
    await ws.run(`INSERT INTO seg_pattern_cube SELECT 'general', flags, size_segment, count(*), count(*) FILTER (WHERE noncompliant), sum(total_value), 0, 0, 0, 0, 0
                  FROM ${operatorTable('general')} GROUP BY ALL`);
    const preview: number[] = [];
    const persist: number[] = [];
    for (const [k, patch] of patches.entries()) {
      let t = performance.now();
      await previewRescore(ws, 'general', patch);
      preview.push(performance.now() - t);
      t = performance.now();
      await rescore(ws, 'general', patch, 'bench', `bench ${k}`);
      persist.push(performance.now() - t);
    }
    const n = Number(await ws.scalar(`SELECT count(*) FROM operator_segments`));
    const patterns = Number(await ws.scalar(`SELECT count(DISTINCT flags) FROM seg_pattern_cube`));
    console.log(
      `re-scoring ${n.toLocaleString('en')} operators (${patterns} flag patterns) without rescanning lines:` +
        `\n  preview (levels, histogram, Table 4 from the pattern cube): ${preview.map((x) => x.toFixed(0) + ' ms').join(', ')}` +
        `\n  applied (new config version + operator_segments rewritten): ${persist.map((x) => x.toFixed(0) + ' ms').join(', ')}`,
    );
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'setup') await setup(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
if (process.argv[2] === 'pipeline') await pipeline(process.argv[3], Number(process.argv[4]));

export async function main(): Promise<void> {
  const sizes = (process.env.BENCH_GRI_SIZES ?? '10000000,50000000').split(',').map(Number);
  for (const n of sizes) await bench(n);
  await benchRescore(Number(process.env.BENCH_GRI_OPERATORS ?? 1_000_000));
}
