// The workspace the layout, accessibility and screenshot tests walk: the demo (20,000 lines, a treated group),
// the GRI, three vulnerabilities (Annex 2 Example 1 and two others), two measures with a dependency, a committee
// with a meeting and an open action, and one user who may see every page.
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';
import { saveMeasure } from '../../src/plan/measures/store.ts';
import { saveMember } from '../../src/governance/committee.ts';
import { createMeeting } from '../../src/governance/meetings.ts';
import { assignAction } from '../../src/governance/decisions.ts';
import { syncUnits } from '../../src/server/units.ts';
import { addUser } from '../../src/server/users.ts';

export const UX_PASSWORD = 'e2e-password-1';
export const UX_USER = 'ana';

export async function buildUxWorkspace(dir: string): Promise<{ operator: string; hsCode: string }> {
  const ws = await Workspace.open(dir, { create: true });
  try {
    await generateDemo(ws, { rows: 20_000 });
    await computeSegmentation(ws);
    await syncUnits(ws);
    const years = (ys: string[], present: string) =>
      ys.map((y, i) => [y, present[i] as 'Y' | 'N']) as [string, 'Y' | 'N'][];
    const y4 = ['2020', '2021', '2022', '2023'];
    await saveVulnerability(ws, 'setup', {
      processCode: '1.1.1',
      description: 'Insufficient and untimely sea manifest data',
      institutionalRisk: 'information',
      complianceRisks: ['contraband', 'origin'],
      effects: {
        institutional_image: 'medium',
        security_safety: 'high',
        tax_collection: 'high',
        trade_facilitation: 'medium',
      },
      occurrence: years(y4, 'YYYY'),
    });
    await saveVulnerability(ws, 'setup', {
      processCode: '2.3.1',
      description: 'No reference values for used vehicles',
      institutionalRisk: 'it_systems',
      complianceRisks: ['valuation'],
      effects: {
        institutional_image: 'low',
        security_safety: 'low',
        tax_collection: 'high',
        trade_facilitation: 'medium',
      },
      occurrence: years(y4, 'NYNY'),
    });
    await saveVulnerability(ws, 'setup', {
      processCode: '3.1.2',
      description: 'Post-clearance audit teams without access to bank data',
      institutionalRisk: 'legal_framework',
      complianceRisks: ['valuation', 'money_laundering'],
      effects: {
        institutional_image: 'low',
        security_safety: 'low',
        tax_collection: 'medium',
        trade_facilitation: 'low',
      },
      occurrence: years(y4, 'NNNY'),
    });
    const base = {
      vulnId: 'V-001',
      supportingUnits: [],
      expectedComment: null,
      status: 'planned' as const,
      completedOn: null,
    };
    await saveMeasure(ws, 'setup', {
      ...base,
      description: 'Procedures for receiving and validating sea manifest data',
      responsibleUnit: 'Operations',
      expectedDate: '2026-01-31',
      dependsOn: [],
    });
    await saveMeasure(ws, 'setup', {
      ...base,
      description: 'Amend the customs code: manifest data mandatory 24 hours before arrival',
      responsibleUnit: 'Legal division',
      expectedDate: '2026-06-30',
      dependsOn: ['M-001'],
    });
    await saveMeasure(ws, 'setup', {
      ...base,
      vulnId: 'V-002',
      description: 'Reference-value database for used vehicles',
      responsibleUnit: 'IT',
      expectedDate: '2026-09-30',
      dependsOn: ['M-001'],
    });
    await saveMember(ws, 'setup', { name: 'Marta Ruiz', role: 'head', unit: 'Head office' });
    await saveMember(ws, 'setup', {
      name: 'Ana Coordinator',
      role: 'coordinator',
      unit: 'Risk management',
      account: UX_USER,
    });
    const meeting = await createMeeting(ws, 'setup', { heldOn: '2025-11-20', chair: 'Marta Ruiz' });
    await assignAction(ws, 'setup', meeting.ref, {
      description: 'Report on manifest data received electronically',
      ownerUnit: 'Operations',
      dueDate: '2026-02-15',
    });
    await addUser(ws, {
      username: UX_USER,
      displayName: 'Ana Coordinator',
      roles: 'coordinator,admin',
      password: UX_PASSWORD,
    });
    const operator = (await ws.scalar<string>('SELECT operator_id FROM operator_segments ORDER BY gri DESC LIMIT 1'))!;
    const hsCode = (await ws.scalar<string>(
      'SELECT left(hs_code, 4) FROM declaration_lines GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1',
    ))!;
    return { operator, hsCode };
  } finally {
    ws.close();
  }
}
