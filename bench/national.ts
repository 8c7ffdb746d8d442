// National-scale declaration lines for the benchmarks of issue #15: N lines over two years (2023–2024), 100,000
// importers (skewed: a few trade a lot), 2,000 brokers, 5,000 HS codes, 60,000 suppliers, 20 origins, 30 offices;
// ≈ 15 % of lines inspected (yellow/red channel), findings concentrated on risky HS × origin pairs, importers and
// brokers. Written once per size by DuckDB COPY as Parquet (and CSV when asked) under bench-output/national/.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const ROOT = resolve(import.meta.dirname, '..');
export const NATIONAL_DIR = join(ROOT, 'bench-output', 'national');

const u = (k: string, salt: number) => `((hash(${k}, ${salt}) % 1000000) / 1000000.0)`;

/** SELECT of n generated lines in the columns of a national export (names as such a file would have them). */
export function nationalSql(n: number): string {
  return `
WITH base AS (
  SELECT i, i // 3 AS decl, (i % 3) + 1 AS line,
    CAST(floor(100000 * pow(${u('i // 3', 2)}, 2.2)) AS BIGINT) AS op,
    CAST(floor(5000 * pow(${u('i', 4)}, 1.6)) AS BIGINT) AS h,
    CAST(floor(20 * pow(${u('i', 5)}, 2)) AS BIGINT) AS org
  FROM range(${Math.floor(n)}) t(i)
), x AS (
  SELECT *,
    CAST(hash(op, 3) % 2000 AS BIGINT) AS home_broker,
    (h % 7 = 0 AND org % 3 = 0) OR (h % 11 = 0 AND org = 1) AS risky_pair,
    op % 13 = 0 AS risky_op,
    ${u('decl', 7)} AS uc, ${u('i', 8)} AS uf, ${u('i', 9)} AS uv
  FROM base
)
SELECT 'D' || lpad(CAST(decl AS VARCHAR), 9, '0') AS "DECLARATION", line AS "LINE",
  strftime(DATE '2023-01-01' + CAST(hash(decl, 1) % 731 AS INTEGER), '%Y-%m-%d') AS "DATE",
  'T' || lpad(CAST(op AS VARCHAR), 8, '0') AS "IMPORTER",
  'B' || lpad(CAST(CASE WHEN hash(decl, 10) % 10 = 0 THEN hash(decl, 11) % 2000 ELSE home_broker END AS VARCHAR), 4, '0') AS "BROKER",
  'S' || CAST((op * 7 + hash(i, 6) % 8) % 60000 AS VARCHAR) AS "SUPPLIER",
  lpad(CAST(1 + h % 97 AS VARCHAR), 2, '0') || lpad(CAST((h * 37) % 10000 AS VARCHAR), 4, '0') || '00' AS "HS",
  ['CN','US','DE','VN','TR','IN','BR','MX','JP','KR','FR','IT','GB','ES','TH','ID','MY','PL','NL','ZA'][org + 1] AS "ORIGIN",
  CASE WHEN hash(decl, 12) % 8 = 0 THEN 'AE' ELSE ['CN','US','DE','VN','TR','IN','BR','MX','JP','KR','FR','IT','GB','ES','TH','ID','MY','PL','NL','ZA'][org + 1] END AS "DEPARTURE",
  'OF' || lpad(CAST(hash(op, 13) % 30 AS VARCHAR), 2, '0') AS "OFFICE",
  round(50 * exp(6 * uv), 2) AS "CIF",
  round(50 * exp(6 * uv) / (2 + h % 50) * (0.5 + ${u('i', 14)}), 1) AS "NET_KG",
  ['A', 'B', 'C'][1 + h % 3] AS "TAX_TYPE",
  CASE WHEN uc < 0.05 THEN 'red' WHEN uc < 0.15 THEN 'yellow' ELSE 'green' END AS "CHANNEL",
  uc < 0.15 AS "INSPECTED",
  CASE WHEN uc < 0.15 THEN uf < 0.06 + CASE WHEN risky_pair THEN 0.35 ELSE 0 END + CASE WHEN risky_op THEN 0.2 ELSE 0 END
    + CASE WHEN home_broker % 17 = 0 THEN 0.1 ELSE 0 END END AS "FINDING",
  round(50 * exp(6 * uv) * (h % 5) * 0.025, 2) AS "DUTY",
  round(50 * exp(6 * uv) * 0.1, 2) AS "VAT"
FROM x`;
}

export const NATIONAL_MAPPING = `# Mapping of the generated national benchmark files (bench/national.ts).
kind: declarations
fields:
  declaration_id: DECLARATION
  line_no: LINE
  date: DATE
  operator_id: IMPORTER
  declarant_id: BROKER
  supplier_id: SUPPLIER
  hs_code: HS
  origin_country: ORIGIN
  departure_country: DEPARTURE
  office: OFFICE
  value: CIF
  net_mass_kg: NET_KG
  tax_type: TAX_TYPE
  channel: CHANNEL
  inspected: INSPECTED
  finding: FINDING
  duty: DUTY
  vat: VAT
`;

export interface NationalFiles {
  parquet: string;
  csv?: string;
  mapping: string;
}

/** The generated files for n lines (made when missing; CSV only when asked). */
export async function nationalFiles(n: number, opts: { csv?: boolean } = {}): Promise<NationalFiles> {
  mkdirSync(NATIONAL_DIR, { recursive: true });
  const parquet = join(NATIONAL_DIR, `lines-${n}.parquet`);
  const csv = join(NATIONAL_DIR, `lines-${n}.csv`);
  const mapping = join(NATIONAL_DIR, 'mapping.yaml');
  writeFileSync(mapping, NATIONAL_MAPPING);
  const todo = [!existsSync(parquet) && 'parquet', opts.csv && !existsSync(csv) && 'csv'].filter(Boolean);
  if (todo.length) {
    const db = await DuckDBInstance.create(':memory:', { temp_directory: join(NATIONAL_DIR, '.tmp') });
    const c = await db.connect();
    const t = performance.now();
    // Written next to the final name and renamed, so an interrupted run leaves no partial file behind.
    if (todo.includes('parquet')) {
      await c.run(`COPY (${nationalSql(n)}) TO '${parquet}.part' (FORMAT parquet, ROW_GROUP_SIZE 122880)`);
      renameSync(`${parquet}.part`, parquet);
    }
    if (todo.includes('csv')) {
      await c.run(`COPY (SELECT * FROM read_parquet('${parquet}')) TO '${csv}.part' (HEADER)`);
      renameSync(`${csv}.part`, csv);
    }
    c.closeSync();
    db.closeSync();
    console.log(
      `generated ${n.toLocaleString('en')} national lines (${todo.join(', ')}) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  return { parquet, csv: opts.csv ? csv : undefined, mapping };
}
