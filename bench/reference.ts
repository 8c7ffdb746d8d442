// The plain reference of the benchmarks: bench/reference/gri.sql (a hand-written GRI) run by DuckDB on the same
// lines as the product, in a child process of the same run, timed from process start to exit with its peak memory
// from the OS (/usr/bin/time -v). Sources: the generated Parquet or CSV file (bench/national.ts), or a workspace's
// declaration_lines (read-only).
//   node bin/run-ts.js bench/reference.ts parquet|csv|workspace PATH     (prints {"seconds", "operators"})
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { timedChild, type ChildRun } from './measure.ts';

const SCRIPT = join(import.meta.dirname, 'reference', 'gri.sql');

export type ReferenceSource = 'parquet' | 'csv' | 'workspace';

/** The canonical columns the script reads, from the generated file's columns (bench/national.ts). */
function fileView(reader: string): string {
  return `CREATE VIEW lines AS SELECT "DECLARATION" AS declaration_id, CAST("DATE" AS DATE) AS date, "IMPORTER" AS operator_id,
    "BROKER" AS declarant_id, "SUPPLIER" AS supplier_id, CAST("HS" AS VARCHAR) AS hs_code, "ORIGIN" AS origin_country,
    CAST("CIF" AS DOUBLE) AS value, CAST("FINDING" AS BOOLEAN) AS finding, NULL::VARCHAR AS exemption_code FROM ${reader}`;
}

async function run(source: ReferenceSource, path: string): Promise<void> {
  const t = performance.now();
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const lit = `'${path.replace(/'/g, "''")}'`;
  if (source === 'parquet') await c.run(fileView(`read_parquet(${lit})`));
  else if (source === 'csv') await c.run(fileView(`read_csv(${lit}, header = true)`));
  else {
    await c.run(`ATTACH ${lit} AS ws (READ_ONLY)`);
    await c.run(`CREATE VIEW lines AS SELECT * FROM ws.declaration_lines`);
  }
  const statements = readFileSync(SCRIPT, 'utf8')
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of statements) await c.run(s);
  const ops = Number((await c.runAndReadAll('SELECT count(*) FROM ref_gri')).getRowsJS()[0][0]);
  c.closeSync();
  db.closeSync();
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, operators: ops }));
}

/** The reference on `path`, in a child process: wall time from process start to exit, CPU and peak memory. */
export function runReference(source: ReferenceSource, path: string): ChildRun & { operators: number } {
  const r = timedChild([join(import.meta.dirname, '..', 'bin', 'run-ts.js'), import.meta.filename, source, path]);
  return { ...r, operators: (JSON.parse(r.stdout.trim().split('\n').pop()!) as { operators: number }).operators };
}

if (process.argv[1] === import.meta.filename && process.argv[2]) {
  await run(process.argv[2] as ReferenceSource, process.argv[3]);
}
