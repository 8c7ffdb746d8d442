// A small hand-built workspace whose Box 2 KPIs are computed by hand in kpi.test.ts.
import { Workspace } from '../../src/workspace/workspace.ts';

export async function buildKpiWorkspace(dir: string): Promise<void> {
  const ws = await Workspace.open(dir, { create: true });
  try {
    await ws.run(`
INSERT INTO operators (operator_id, name, aeo_status) VALUES ('A', 'Alfa SA', true), ('B', 'Beta SRL', false), ('C', 'Gamma', false);
INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, hs_code, transport_mode, value, duty, vat, excise,
  channel, inspected, finding, compliance_risk, amount_reassessed, amount_collected, release_hours) VALUES
 ('D1', 1, '2024-01-10', 'import', 'A', '010101', 'sea',  1000, 100, 150, NULL, 'green',  false, false, NULL, NULL, NULL, 2),
 ('D1', 2, '2024-01-10', 'import', 'A', '010102', 'sea',   500,  50,  75, NULL, 'green',  false, false, NULL, NULL, NULL, 4),
 ('D2', 1, '2024-02-05', 'import', 'B', '020101', 'air',  2000, 200, 300, NULL, 'red',    true,  true, 'Valuation', 400, 300, 48),
 ('D3', 1, '2024-03-01', 'export', 'C', '030101', 'road', 1500,   0,   0, NULL, 'yellow', true,  false, NULL, NULL, NULL, 10),
 ('D4', 1, '2024-04-02', 'import', 'A', '040101', 'sea',  3000, 300, 450, 100,  'green',  false, false, NULL, NULL, NULL, 6),
 ('D5', 1, '2024-05-05', 'import', 'B', '050101', 'air',  1000, 100, 150, NULL, 'red',    true,  true, 'classification', 200, 200, 30),
 ('D6', 1, '2024-06-06', 'import', 'B', '060101', 'air',   500,  50,  75, NULL, 'red',    true,  true, 'valuation', 100, 0, 20),
 ('D7', 1, '2024-06-20', 'import', 'C', '070101', 'road', 1000, 100, 150, NULL, 'red',    true,  false, NULL, NULL, NULL, 12),
 ('D8', 1, '2024-11-01', 'import', 'C', '080101', 'sea',  2000, 200, 300, NULL, 'yellow', true,  false, NULL, NULL, NULL, 8),
 ('D9', 1, '2024-11-15', 'import', 'B', '090101', 'sea',  1000, 100, 150, NULL, 'green',  true,  false, NULL, NULL, NULL, 5);
INSERT INTO cases (case_id, operator_id, date, declaration_id, compliance_risk, serious, amount) VALUES
 ('K1', 'B', '2023-12-01', NULL, 'valuation', true, 1000),
 ('K2', 'C', '2024-02-01', 'D3', 'origin', false, 50);
INSERT INTO audits (audit_id, operator_id, start_date, compliance_risk, finding, amount_assessed, amount_collected) VALUES
 ('U1', 'A', '2024-02-01', NULL, false, 0, 0),
 ('U2', 'C', '2024-05-01', 'valuation', true, 500, 250),
 ('U3', 'B', '2024-05-10', 'classification', true, 1000, 800);
`);
  } finally {
    ws.close();
  }
}
