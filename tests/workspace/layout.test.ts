import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { clusterLines, ensureLinesClustered, linesLayout, CLUSTER_MIN_LINES } from '../../src/workspace/layout.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';

/** Order-independent digest of every column of the lines. */
const DIGEST = `SELECT count(*) AS n, bit_xor(hash(declaration_id, line_no, date, flow, operator_id, declarant_id, supplier_id, hs_code,
  origin_country, value, duty, vat, excise, exemption_code, channel, inspected, finding, compliance_risk, amount_reassessed,
  release_hours, aeo_flag, extra, import_id, source_row)) AS h FROM declaration_lines`;

/** Lines whose operator sorts before the previous line's (0 when stored operator by operator). */
const OUT_OF_ORDER = `SELECT count(*) FROM (SELECT operator_id, lag(operator_id) OVER (ORDER BY rowid) AS prev FROM declaration_lines)
  WHERE operator_id < prev`;

const segments = (ws: Workspace) =>
  ws.all<{ operator_id: string; gri: number; risk_level: string }>(
    'SELECT operator_id, round(gri, 9) AS gri, risk_level FROM operator_segments ORDER BY operator_id',
  );

describe('lines clustered by operator', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(join(tmpDir(), 'ws'), { create: true });
    await generateDemo(ws, { rows: 20_000, seed: 5 });
  });

  it('rewrites the same lines in operator order, keeps the storage settings and the views over the lines', async () => {
    const before = await ws.one(DIGEST);
    expect(Number(await ws.scalar(OUT_OF_ORDER))).toBeGreaterThan(1000);
    const truthLines = Number(await ws.scalar('SELECT count(*) FROM demo_truth_lines'));
    await computeSegmentation(ws, { risk: 'general' });
    const gri = await segments(ws);
    expect(await linesLayout(ws)).toMatchObject({ lines: 20_000, clustered: false, clusteredLines: null });

    const r = await clusterLines(ws);
    expect(r.lines).toBe(20_000);
    expect(await ws.one(DIGEST)).toEqual(before);
    expect(Number(await ws.scalar(OUT_OF_ORDER))).toBe(0);
    expect(Number(await ws.scalar('SELECT count(*) FROM demo_truth_lines'))).toBe(truthLines);
    expect(await linesLayout(ws)).toMatchObject({ lines: 20_000, clustered: true, clusteredLines: 20_000 });
    // The column definitions of migration workspace-003 survive the rewrite (DuckDB does not show them in its DDL).
    await ws.run('CHECKPOINT');
    const comp = await ws.all<{ column_name: string; compression: string }>(
      `SELECT DISTINCT column_name, compression FROM pragma_storage_info('declaration_lines')
       WHERE column_name IN ('hs_code', 'supplier_id', 'declaration_id', 'operator_id') AND segment_type = 'VARCHAR'`,
    );
    expect(comp.map((c) => c.compression)).toEqual(['Uncompressed', 'Uncompressed', 'Uncompressed', 'Uncompressed']);
    // Not-null constraints too.
    await expect(
      ws.run(
        `INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code) VALUES ('X', 1, DATE '2024-01-01', 'OP', '010101')`,
      ),
    ).rejects.toThrow(/NOT NULL constraint failed: declaration_lines.value/);

    // Results do not depend on the order of the lines.
    await computeSegmentation(ws, { risk: 'general' });
    expect(await segments(ws)).toEqual(gri);
  });

  it('is due again once lines change, and only for workspaces of at least CLUSTER_MIN_LINES lines', async () => {
    await ws.run(`INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, value)
                  VALUES ('EXTRA', 1, DATE '2024-01-01', '0000', '010101', 10)`);
    expect((await linesLayout(ws)).clustered).toBe(false);
    expect(CLUSTER_MIN_LINES).toBe(1_000_000);
    expect(await ensureLinesClustered(ws)).toBeNull();
    expect(Number(await ws.scalar(OUT_OF_ORDER))).toBe(1);
    const done = await ensureLinesClustered(ws, 0);
    expect(done?.lines).toBe(20_001);
    expect(Number(await ws.scalar(OUT_OF_ORDER))).toBe(0);
    expect(await ensureLinesClustered(ws, 0)).toBeNull();
  });
});

describe('cip optimize', () => {
  it('rewrites the lines when they changed since the last rewrite, or always with --force', async () => {
    const dir = join(tmpDir(), 'ws');
    const ws = await Workspace.open(dir, { create: true });
    await ws.run(`INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, value)
                  SELECT 'D' || range, 1, DATE '2024-01-01', 'OP' || (range % 7), '010101', 10 FROM range(50)`);
    ws.close();
    expect(cipJson(['optimize', '-w', dir])).toMatchObject({ lines: 50, rewritten: true });
    expect(cipJson(['optimize', '-w', dir])).toEqual({ lines: 50, rewritten: false, seconds: 0 });
    expect(cip(['optimize', '-w', dir]).stdout).toMatch(
      /^The 50 declaration lines are already in operator order \(since 20\d\d-/,
    );
    expect(cip(['optimize', '--force', '-w', dir]).stdout).toMatch(
      /^Rewrote 50 declaration lines in operator order in \d+\.\d s\./,
    );
    const again = await Workspace.open(dir);
    expect(Number(await again.scalar(OUT_OF_ORDER))).toBe(0);
    again.close();
  });
});
