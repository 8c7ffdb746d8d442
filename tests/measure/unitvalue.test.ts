// Unit-value analysis on hand-made lines: quantiles, lines far below the norm, importers.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { normaliseHsCode, unitValueAnalysis, type UnitValueReport } from '../../src/measure/unitvalue/index.ts';

const dir = join(tmpDir(), 'ws');
// value per kg: CN 10, 12, 8, 11, 2 (IMP9); BD 9, 10, 9.5 — all 10 kg
beforeAll(async () => {
  const ws = await Workspace.open(dir, { create: true });
  try {
    await ws.run(`
INSERT INTO operators (operator_id, name) VALUES ('IMP1', 'Textiles Uno'), ('IMP9', 'Importadora Nueve');
INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, hs_code, origin_country, net_mass_kg, quantity, value) VALUES
 ('A1', 1, '2024-01-05', 'import', 'IMP1', '61091000', 'CN', 10, 100, 100),
 ('A2', 1, '2024-01-06', 'import', 'IMP1', '61091000', 'CN', 10, 100, 120),
 ('A3', 1, '2024-01-07', 'import', 'IMP1', '6109.10.00', 'CN', 10, 100, 80),
 ('A4', 1, '2024-01-08', 'import', 'IMP1', '61091000', 'CN', 10, 100, 110),
 ('A5', 1, '2024-01-09', 'import', 'IMP9', '61091000', 'CN', 10, 100, 20),
 ('A6', 1, '2024-02-01', 'import', 'IMP1', '61091000', 'BD', 10, 100, 90),
 ('A7', 1, '2024-02-02', 'import', 'IMP1', '61091000', 'BD', 10, 100, 100),
 ('A8', 1, '2024-02-03', 'import', 'IMP1', '61091000', 'BD', 10, 100, 95),
 ('A9', 1, '2024-02-04', 'import', 'IMP9', '61091000', 'BD', NULL, NULL, 5),
 ('X1', 1, '2024-02-05', 'export', 'IMP9', '61091000', 'BD', 10, 100, 1),
 ('Y1', 1, '2024-02-06', 'import', 'IMP9', '62034200', 'BD', 10, 100, 1);
`);
  } finally {
    ws.close();
  }
});

const uvs = [2, 8, 9, 9.5, 10, 10, 11, 12];
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length / 2;
  return s.length % 2 ? s[Math.floor(m)] : (s[m - 1] + s[m]) / 2;
};
const mlog = median(uvs.map(Math.log));
const madlog = median(uvs.map((u) => Math.abs(Math.log(u) - mlog)));
const z = (u: number) => (Math.log(u) - mlog) / (1.4826 * madlog);

async function analyse(o: Partial<Parameters<typeof unitValueAnalysis>[1]> = {}): Promise<UnitValueReport> {
  const ws = await Workspace.open(dir);
  try {
    return await unitValueAnalysis(ws, { hsCode: '6109.10', ...o });
  } finally {
    ws.close();
  }
}

describe('unit-value analysis', () => {
  it('gives the distribution of value per kg over import lines of the code, overall and by origin', async () => {
    const r = await analyse();
    expect([r.hs_code, r.lines_total, r.lines_without_quantity]).toEqual(['610910', 9, 1]);
    expect(r.overall!.lines).toBe(8);
    expect(r.overall!.quantiles.p50).toBeCloseTo(9.75, 12);
    expect(r.overall!.quantiles.p25).toBeCloseTo(8.75, 12);
    expect(r.overall!.quantiles.p75).toBeCloseTo(10.25, 12);
    expect(r.overall!.mean).toBeCloseTo(715 / 80, 12);
    expect(r.overall!.mad_log).toBeCloseTo(madlog, 12);
    expect(r.by_origin.map((d) => [d.origin, d.lines, d.quantiles.p50])).toEqual([
      ['CN', 5, 10],
      ['BD', 3, 9.5],
    ]);
  });
  it('flags lines below 25% of the median, with the shortfall, and their importers', async () => {
    const r = await analyse();
    expect(r.flagged.lines).toBe(1);
    const l = r.flagged.listed[0];
    expect([l.declaration_id, l.operator_id, l.origin, l.unit_value]).toEqual(['A5', 'IMP9', 'CN', 2]);
    expect(l.ratio_to_median).toBeCloseTo(2 / 9.75, 12);
    expect(l.robust_z!).toBeCloseTo(z(2), 9);
    expect(l.shortfall).toBeCloseTo(77.5, 9);
    expect(l.reason).toBe(`20.5% of the median 9.75/kg (< 25%); robust z ${z(2).toFixed(2)} (< −3)`);
    expect(r.importers.map((i) => [i.operator_id, i.name, i.flagged_lines, i.lines, i.origins])).toEqual([
      ['IMP9', 'Importadora Nueve', 1, 2, ['CN']],
    ]);
  });
  it('a looser robust-z rule also flags the 8/kg line (z ≈ −1.33)', async () => {
    const r = await analyse({ z: 1.2 });
    expect(r.flagged.listed.map((l) => l.declaration_id)).toEqual(['A5', 'A3']);
    expect(r.flagged.shortfall).toBeCloseTo(77.5 + 17.5, 9);
    expect(r.importers.map((i) => [i.operator_id, i.flagged_lines])).toEqual([
      ['IMP9', 1],
      ['IMP1', 1],
    ]);
  });
  it('per unit uses the quantity', async () => {
    const r = await analyse({ per: 'unit' });
    expect(r.overall!.quantiles.p50).toBeCloseTo(0.975, 12);
  });
  it('rejects malformed codes and unknown codes with clear messages', async () => {
    expect(() => normaliseHsCode('61O9')).toThrow(
      "HS code '61O9': expected 2 to 10 digits (dots and spaces allowed), e.g. 610910 or 6109.10",
    );
    await expect(analyse({ hsCode: '0101' })).rejects.toThrow('no import lines with an HS code starting 0101');
  });
  it('cip unit-value --json', () => {
    const r = cipJson<UnitValueReport>(['unit-value', '610910', '-w', dir, '--basis', 'origin']);
    expect(r.flagged.listed[0].reference_median).toBeCloseTo(9.75, 12); // origins below 10 lines fall back to the code median
    const bad = cip(['unit-value', '610910', '-w', dir, '--ratio', '2']);
    expect(bad.stderr).toContain("--ratio: expected a number between 0 and 1, got '2'");
  });
});
