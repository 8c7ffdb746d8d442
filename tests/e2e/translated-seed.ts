// A demo workspace with something on every page, so that server-made text is on screen: the generated lines and
// their GRI, a register entry, measures (one overdue), a progress indicator off target, an edited treatment cell,
// a committee with a meeting (plan-derived agenda, a decision, actions overdue and due soon), a pending proposal and
// an import with rejected rows. Used by the browser test that looks for English left in es/fr/pt.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';
import { saveMeasure } from '../../src/plan/measures/store.ts';
import { recordIndicatorValue, saveIndicator } from '../../src/plan/measures/indicators.ts';
import { setCell } from '../../src/plan/treatments/matrix.ts';
import { importFile } from '../../src/ingest/importer.ts';
import {
  assignAction,
  createMeeting,
  propose,
  recordDecision,
  saveMember,
  setSetting,
} from '../../src/governance/index.ts';
import { syncUnits } from '../../src/server/units.ts';
import { addUser } from '../../src/server/users.ts';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export async function seedTranslatedWorkspace(dir: string, password: string): Promise<void> {
  const ws = await Workspace.open(dir, { create: true });
  await generateDemo(ws, { rows: 20_000 });
  await computeSegmentation(ws);
  await syncUnits(ws);
  await addUser(ws, { username: 'ana', displayName: 'Ana Costa', roles: 'coordinator,admin', password });
  for (const language of ['es', 'fr', 'pt'] as const)
    await addUser(ws, { username: `user_${language}`, roles: 'coordinator,admin', language, password });

  // rows the import rejects (a bad date, a negative value, an unknown channel)
  const csv = join(dir, 'bad-lines.csv');
  writeFileSync(
    csv,
    [
      'declaration_id,line_no,declaration_date,operator_id,hs_code,origin_country,value,channel',
      'BAD-1,1,2024-13-45,OP-X1,870323,CN,100,green',
      'BAD-2,1,2024-02-01,OP-X1,870323,CN,-5,green',
      'BAD-3,1,2024-02-01,OP-X1,870323,CN,100,purple',
      'BAD-4,1,2024-02-01,OP-X2,870323,CN,250,red',
    ].join('\n'),
  );
  await importFile(ws, 'declarations', csv, { actor: 'ana' });

  await saveVulnerability(ws, 'ana', {
    processCode: '1.1.1',
    description: 'Insufficient and untimely sea manifest data',
    institutionalRisk: 'information',
    complianceRisks: ['valuation'],
    effects: {
      institutional_image: 'medium',
      security_safety: 'high',
      tax_collection: 'high',
      trade_facilitation: 'medium',
    },
    occurrence: [
      ['2022', 'Y'],
      ['2023', 'Y'],
      ['2024', 'Y'],
    ],
  });
  const base = { vulnId: 'V-001', supportingUnits: [], expectedComment: null, completedOn: null };
  await saveMeasure(ws, 'ana', {
    ...base,
    status: 'planned',
    description: 'Advance cargo manifest 24 hours before arrival',
    responsibleUnit: 'Legal division',
    expectedDate: day(-60),
    dependsOn: [],
  });
  await saveMeasure(ws, 'ana', {
    ...base,
    status: 'planned',
    description: 'Risk rules on manifest data in the selectivity system',
    responsibleUnit: 'Risk management',
    expectedDate: day(90),
    dependsOn: ['M-001'],
  });
  await saveIndicator(ws, 'ana', {
    vulnId: 'V-001',
    measureId: 'M-001',
    name: 'Manifests received on time',
    numeratorLabel: 'manifests on time',
    denominatorLabel: 'manifests',
    goal: 90,
  });
  await recordIndicatorValue(ws, 'ana', 'I-001', '2025-Q1', 40, 100);

  await setCell(ws, 'ana', 'general', 'large', 'high', { how: 'Account manager visits', when: 'Quarterly' });

  await saveMember(ws, 'ana', { name: 'Marta Ruiz', role: 'head', unit: 'Head office' });
  await saveMember(ws, 'ana', { name: 'Ana Costa', role: 'coordinator', unit: 'Risk management', account: 'ana' });
  await setSetting(ws, 'ana', 'approval.treatment', true);
  const p1 = await propose(
    ws,
    'ana',
    'treatment',
    { matrix: 'general', size: 'medium', risk: 'high', patch: { when: 'Monthly' } },
    'Monthly follow-up of medium high-risk operators',
  );
  const m = await createMeeting(ws, 'ana', { heldOn: day(-30), chair: 'Marta Ruiz' });
  await recordDecision(ws, 'ana', m.ref, {
    itemKey: 'item:1',
    subjectType: 'proposal',
    subjectId: p1.id,
    outcome: 'approved',
    text: '',
  });
  await assignAction(ws, 'ana', m.ref, {
    description: 'Reconcile manifests with discharge data',
    ownerUnit: 'Operations',
    dueDate: day(-10),
  });
  await assignAction(ws, 'ana', m.ref, {
    description: 'Review the selectivity profile for HS 8703',
    ownerUnit: 'Risk management',
    dueDate: day(3),
  });
  await propose(
    ws,
    'ana',
    'treatment',
    { matrix: 'general', size: 'small', risk: 'low', patch: { when: 'Yearly' } },
    'Yearly letter to small low-risk operators',
  );
  ws.close();
}
