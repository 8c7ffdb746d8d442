// A small hand-built workspace with known answers (see the comments for the expected segmentation).
//   O1 large 600,000: 3 of 4 lines via risky broker AG0012 (75%); findings in 2 declarations (repeat offender)
//   O2 large 600,000 (+ a 1,000,000 line before the window): 1 of 2 lines via AG0044 (50%); VAT at customs 60,000
//   O3 medium 150,000: broker AG0099 (not risky); 1 finding
//   O4 medium 100,000 (exactly the bar): 1 line via AG0012 (100%)
//   O5 small 99,999: no broker
//   O6 small 1,000: export, 1 finding
// Window: 24 months up to 2025-12-31, i.e. 2024-01-01 .. 2025-12-31.
import { Workspace } from '../../src/workspace/workspace.ts';

export const LINES: [string, number, string, string, string | null, number, boolean, string, number | null][] = [
  // declaration, line, date, operator, broker, value, finding, flow, vat
  ['D1', 1, '2025-03-01', 'O1', 'AG0012', 150000, true, 'import', null],
  ['D1', 2, '2025-03-01', 'O1', 'AG0012', 150000, false, 'import', null],
  ['D2', 1, '2025-06-01', 'O1', 'AG0012', 150000, true, 'import', null],
  ['D3', 1, '2024-02-01', 'O1', 'AG0099', 150000, false, 'import', null],
  ['D4', 1, '2025-01-10', 'O2', 'AG0044', 300000, false, 'import', 30000],
  ['D5', 1, '2024-05-10', 'O2', 'AG0099', 300000, false, 'import', 30000],
  ['D6', 1, '2023-06-01', 'O2', 'AG0044', 1000000, true, 'import', 100000],
  ['D7', 1, '2025-12-31', 'O3', 'AG0099', 100000, true, 'import', null],
  ['D7', 2, '2025-12-31', 'O3', 'AG0099', 50000, false, 'import', null],
  ['D8', 1, '2024-01-01', 'O4', 'AG0012', 100000, false, 'import', null],
  ['D9', 1, '2024-07-01', 'O5', null, 99999, false, 'import', null],
  ['D10', 1, '2025-09-09', 'O6', null, 1000, true, 'export', null],
];

export const CONFIG = {
  riskyLists: { given: { brokers: ['AG0012', 'AG0044'] } },
  indicators: [{ code: 'TRX_BROKER' }, { code: 'CUS_REPEAT' }, { code: 'TAX_NO_RETURN' }, { code: 'XC_VAT' }],
  levels: { method: 'manual', manual: { medium: 0.5, high: 1.0 } },
  // Known answers need a fixed weighting (the default, auto, chooses from the data: tests/segmentation/choice.test.ts).
  weights: { method: 'equal' },
};

export async function buildFixture(dir: string): Promise<Workspace> {
  const ws = await Workspace.open(dir, { create: true });
  for (const [d, n, date, op, broker, value, finding, flow, vat] of LINES) {
    await ws.run(
      `INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, declarant_id, hs_code, origin_country, value, vat, inspected, finding)
       VALUES ($d, $n, $date::DATE, $flow, $op, $broker, '847130', 'CN', $value, $vat, $finding, $finding)`,
      { d, n, date, flow, op, broker, value, vat, finding },
    );
  }
  return ws;
}

export async function addTaxRecords(ws: Workspace): Promise<void> {
  await ws.run(`INSERT INTO tax_records (operator_id, period_start, period_end, return_filed, vat_on_imports_declared) VALUES
    ('O1', DATE '2025-01-01', DATE '2025-12-31', false, NULL),
    ('O2', DATE '2025-01-01', DATE '2025-12-31', true, 90000),
    ('O3', DATE '2025-01-01', DATE '2025-12-31', true, NULL)`);
}

export async function levelsByOperator(ws: Workspace): Promise<Record<string, string>> {
  const rows = await ws.all<{ operator_id: string; risk_level: string }>(
    `SELECT operator_id, risk_level FROM operator_segments ORDER BY operator_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.operator_id, r.risk_level]));
}
