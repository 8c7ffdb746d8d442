// `npm run bench validity`: GRI validity on the demo generator (issue #14, item 4). For each seed, a demo workspace
// at the default size; the GRI fitted on 2023–2024 ranks operators by any finding in 2025; its AUC is divided by the
// oracle's (the latent propensity's AUC on the same operators), per weighting. Target: the default (auto) ≥ 0.97.
// BENCH_VALIDITY_SEEDS=42,7,3 (default), BENCH_VALIDITY_ROWS (default: the demo's default size).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../src/workspace/workspace.ts';
import { DEFAULT_ROWS, generateDemo } from '../src/demo/index.ts';
import { griValidity } from '../src/demo/studies/validity.ts';

const TARGET = 0.97;

export async function main(): Promise<void> {
  const seeds = (process.env.BENCH_VALIDITY_SEEDS ?? '42,7,3').split(',').map(Number);
  const rows = Number(process.env.BENCH_VALIDITY_ROWS ?? DEFAULT_ROWS);
  const methods = ['auto', 'equal', 'frequency', 'learned'];
  const ratios = new Map<string, number[]>(methods.map((m) => [m, []]));
  console.log(`GRI validity: demo ${rows.toLocaleString('en')} lines, GRI on 2023–2024, any finding in 2025`);
  for (const seed of seeds) {
    const dir = mkdtempSync(join(tmpdir(), 'cip-validity-'));
    const ws = await Workspace.open(dir, { create: true });
    try {
      await generateDemo(ws, { rows, seed });
      const res = await griValidity(ws, methods);
      console.log(
        `  seed ${seed}: ${res[0].operators} operators, ${res[0].positives} with a finding; oracle AUC ${res[0].oracleAuc.toFixed(4)}`,
      );
      for (const r of res) {
        ratios.get(r.method)!.push(r.ratio);
        console.log(
          `    ${r.method.padEnd(9)} ${r.method === r.used ? ''.padEnd(10) : `(${r.used})`.padEnd(10)} AUC ${r.auc.toFixed(4)}  ratio ${r.ratio.toFixed(4)}`,
        );
      }
    } finally {
      ws.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('  mean ratio per weighting:');
  for (const [m, rs] of ratios) {
    const mean = rs.reduce((a, b) => a + b, 0) / rs.length;
    console.log(
      `    ${m.padEnd(9)} ${mean.toFixed(4)} (min ${Math.min(...rs).toFixed(4)})${m === 'auto' ? `  target ≥ ${TARGET}: ${Math.min(...rs) >= TARGET ? 'met' : 'NOT MET'}` : ''}`,
    );
  }
}
