// The GRI pipeline on the two engines side by side (issue #17): the same generated lines scanned by DuckDB in the
// workspace file and by ClickHouse in-process (chdb), `cip gri compute` + Table 4 in child processes, alternating,
// with wall time, CPU time and peak memory from /usr/bin/time. `npm run bench engines`
// (BENCH_ENGINE_SIZES=1000000 for a quick run; default 10M lines; RUNS=3 pairs). Copying the lines to chdb is timed
// once. Figures go to docs/scale-out.md. Workspaces are kept in bench-output/engines-<lines>[-ch].
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../src/workspace/workspace.ts';
import { backupWorkspace } from '../src/workspace/backup.ts';
import { engineFor } from '../src/engine/engine.ts';
import { pushLines } from '../src/engine/lines.ts';
import { chdbAvailable } from '../src/engine/transport.ts';
import { generateLines } from './gri.bench.ts';
import { cip, fmtLoad, ROOT, type ChildRun } from './measure.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function setup(lines: number): Promise<{ duck: string; ch: string }> {
  const duck = join(ROOT, 'bench-output', `engines-${lines}`);
  const ch = `${duck}-ch`;
  let ws = await Workspace.open(duck, { create: true });
  try {
    if (Number(await ws.scalar('SELECT count(*) FROM declaration_lines')) !== lines) {
      await ws.run('DELETE FROM declaration_lines; DELETE FROM operators; DELETE FROM tax_records; DELETE FROM cases');
      const t = performance.now();
      await generateLines(ws, lines, Math.max(1000, Math.round(lines / 100)));
      await ws.run('CHECKPOINT');
      console.log(`generated ${lines.toLocaleString('en')} lines in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      rmSync(ch, { recursive: true, force: true });
    }
    if (!existsSync(ch)) await backupWorkspace(ws, ch);
  } finally {
    ws.close();
  }
  ws = await Workspace.open(ch);
  try {
    await ws.setSetting('engine', `chdb:${join(ch, 'chdb')}`);
    const e = await engineFor(ws);
    const there = Number((await e.rows<{ n: number }>('SELECT count(*) AS n FROM declaration_lines'))[0].n);
    if (there !== lines) {
      const t = performance.now();
      const r = await pushLines(ws, e.transport!);
      console.log(
        `copied ${r.lines.toLocaleString('en')} lines to chdb (cip engine push) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    // The copy's own lines are emptied: every line it scans is ClickHouse's.
    await ws.run('DELETE FROM declaration_lines');
    await ws.run('CHECKPOINT');
  } finally {
    ws.close();
  }
  return { duck, ch };
}

const fmt = (r: ChildRun) =>
  `${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU, ${r.peakMiB.toFixed(0)} MiB peak, load ${fmtLoad(r.load)}`;

export async function main(): Promise<void> {
  const reason = await chdbAvailable();
  if (reason) {
    console.log(`engines bench skipped: chdb cannot be loaded (${reason})`);
    return;
  }
  const sizes = (process.env.BENCH_ENGINE_SIZES ?? '10000000').split(',').map(Number);
  const runs = Number(process.env.RUNS ?? 3);
  for (const lines of sizes) {
    const { duck, ch } = await setup(lines);
    const gri = (dir: string) => cip('gri', 'compute', '--weights', 'equal', '-w', dir, '--json');
    gri(duck); // warm both (file cache, first-run tables)
    gri(ch);
    const a: ChildRun[] = [];
    const b: ChildRun[] = [];
    for (let k = 0; k < runs; k++) {
      a.push(gri(duck));
      b.push(gri(ch));
    }
    const same =
      JSON.stringify(JSON.parse(a[0].stdout).scoring.levels) === JSON.stringify(JSON.parse(b[0].stdout).scoring.levels);
    const med = (rs: ChildRun[], k: 'seconds' | 'cpuSeconds' | 'peakMiB') => median(rs.map((r) => r[k]));
    console.log(
      `lines=${lines.toLocaleString('en')}: cip gri compute --weights equal, ${runs} alternating runs each (median)\n` +
        `  DuckDB (workspace file): ${med(a, 'seconds').toFixed(2)} s wall, ${med(a, 'cpuSeconds').toFixed(2)} s CPU, ${med(a, 'peakMiB').toFixed(0)} MiB peak\n` +
        `  ClickHouse (chdb):       ${med(b, 'seconds').toFixed(2)} s wall, ${med(b, 'cpuSeconds').toFixed(2)} s CPU, ${med(b, 'peakMiB').toFixed(0)} MiB peak\n` +
        `  ratio chdb/DuckDB wall ${(med(b, 'seconds') / med(a, 'seconds')).toFixed(2)}; same levels per size: ${same}\n` +
        `  runs: ${a.map((r, k) => `\n    duckdb ${fmt(r)}\n    chdb   ${fmt(b[k])}`).join('')}`,
    );
  }
}
