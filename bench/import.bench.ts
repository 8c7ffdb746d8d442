// Import throughput (issue #2): N generated declaration lines (default 10M) as CSV and as Parquet, each
// imported into a fresh workspace through the real CLI (`cip import declarations FILE --mapping ... --json`),
// timed end to end (process start to exit, SHA-256 and quality checks included), peak memory of the child
// process from /usr/bin/time -v. Files are generated once with DuckDB COPY and cached in bench-output/import/.
//   npm run bench import                       (10M lines)
//   BENCH_IMPORT_LINES=1000000 npm run bench import
// Figures go to docs/benchmarks/ingest.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench-output', 'import');
const CIP = join(ROOT, 'bin', 'cip.js');

/** 13 columns as a national export would have them: 3 lines per declaration, 50k importers, 900k HS codes. */
function generatorSql(n: number): string {
  return `SELECT 'D' || (i // 3) AS "DECLARATION", (i % 3) + 1 AS "LINE",
    strftime(DATE '2022-01-01' + CAST(i % 1000 AS INTEGER), '%Y-%m-%d') AS "DATE",
    'T' || lpad(CAST((i * 7919) % 50000 AS VARCHAR), 8, '0') AS "IMPORTER", 'B' || ((i * 31) % 300) AS "BROKER",
    'S' || ((i * 17) % 20000) AS "SUPPLIER", lpad(CAST((i * 104729) % 900000 + 100000 AS VARCHAR), 6, '0') || '00' AS "HS",
    ['CN', 'US', 'DE', 'BR', 'IN'][(i % 5) + 1] AS "ORIGIN", round(100 + (i * 7907 % 100000) / 3.0, 2) AS "CIF",
    round((i % 5000) / 7.0, 3) AS "NET_KG", ['green', 'yellow', 'red'][(i % 3) + 1] AS "CHANNEL",
    round((i * 13 % 9000) / 9.0, 2) AS "DUTY", round((i * 11 % 9000) / 7.0, 2) AS "VAT"
  FROM range(${Math.floor(n)}) t(i)`;
}

const MAPPING = `# Mapping of the generated benchmark files.
fields:
  declaration_id: DECLARATION
  line_no: LINE
  date: DATE
  operator_id: IMPORTER
  declarant_id: BROKER
  supplier_id: SUPPLIER
  hs_code: HS
  origin_country: ORIGIN
  value: CIF
  net_mass_kg: NET_KG
  channel: CHANNEL
  duty: DUTY
  vat: VAT
`;

export async function ensureFiles(n: number): Promise<{ csv: string; parquet: string }> {
  mkdirSync(OUT, { recursive: true });
  const csv = join(OUT, `lines-${n}.csv`);
  const parquet = join(OUT, `lines-${n}.parquet`);
  if (existsSync(csv) && existsSync(parquet)) return { csv, parquet };
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const t = performance.now();
  if (!existsSync(csv)) await c.run(`COPY (${generatorSql(n)}) TO '${csv}' (HEADER)`);
  if (!existsSync(parquet)) await c.run(`COPY (${generatorSql(n)}) TO '${parquet}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  console.log(
    `generated ${n.toLocaleString('en')} lines as CSV and Parquet in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  return { csv, parquet };
}

interface Run {
  format: string;
  lines: number;
  seconds: number;
  linesPerSecond: number;
  peakMiB: number;
  cpuSeconds: number;
  summary: unknown;
}

function runImport(format: string, file: string, mapping: string, n: number): Run {
  const ws = join(OUT, `ws-${format}`);
  rmSync(ws, { recursive: true, force: true });
  const init = spawnSync(process.execPath, [CIP, 'init', ws, '--json'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const t = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, CIP, 'import', 'declarations', file, '--mapping', mapping, '--json', '-w', ws],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`import of ${file} failed:\n${r.stderr}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const cpu = ['User', 'System'].reduce(
    (a, k) => a + Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN),
    0,
  );
  const summary = JSON.parse(r.stdout) as { imported: number };
  if (summary.imported !== n) throw new Error(`expected ${n} lines imported, got ${JSON.stringify(summary)}`);
  rmSync(ws, { recursive: true, force: true });
  return { format, lines: n, seconds, linesPerSecond: n / seconds, peakMiB: kb / 1024, cpuSeconds: cpu, summary };
}

export async function main(): Promise<void> {
  const n = Number(process.env.BENCH_IMPORT_LINES ?? 10_000_000);
  const { csv, parquet } = await ensureFiles(n);
  const mapping = join(OUT, 'mapping.yaml');
  writeFileSync(mapping, MAPPING);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadBefore = load();
  const runs = [runImport('parquet', parquet, mapping, n), runImport('csv', csv, mapping, n)];
  console.log('format   lines        seconds  lines/s     peak MiB  CPU s (user+sys)');
  for (const r of runs) {
    console.log(
      `${r.format.padEnd(8)} ${r.lines.toLocaleString('en').padEnd(12)} ${r.seconds.toFixed(1).padStart(7)}  ` +
        `${Math.round(r.linesPerSecond).toLocaleString('en').padStart(10)}  ${r.peakMiB.toFixed(0).padStart(8)}  ${r.cpuSeconds.toFixed(1).padStart(8)}`,
    );
  }
  console.log('targets: parquet >= 1,000,000 lines/s, csv >= 500,000 lines/s, peak < 2048 MiB');
  console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()}`);
}
