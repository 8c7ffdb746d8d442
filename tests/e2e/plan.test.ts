// End-to-end, as a new user would, for the plan steps that were CLI-only (issue #12): a vulnerability with two
// measures and a dependency, a progress indicator and its value, a treatment applied to a segment, the GRI
// configuration edited as a draft (technique switched back and forth without losing an indicator, expert weights
// per indicator, a custom indicator whose expression error points at its token) and published through the
// committee's approval, a vulnerability retired by proposal, a password reset by the administrator.
// Screenshots go to test-output/screenshots/plan-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { syncUnits } from '../../src/server/units.ts';
import { addUser } from '../../src/server/users.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { openBrowser, shot, signIn as signInAs, type Session } from './browser.ts';
import type { GriWorkbench } from '../../src/server/routes/segmentation.ts';

const PASSWORD = 'e2e-password-1';
let server: RunningServer;
let b: Session;
let largeHigh: number;

beforeAll(async () => {
  const dir = tmpDir('cip-e2e-plan-');
  const ws = await Workspace.open(dir, { create: true });
  await generateDemo(ws, { rows: 20_000 });
  await computeSegmentation(ws);
  await syncUnits(ws);
  await saveVulnerability(ws, 'setup', {
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
    ],
  });
  largeHigh = Number(
    await ws.scalar("SELECT count(*) FROM operator_segments WHERE size_segment = 'large' AND risk_level = 'high'"),
  );
  await addUser(ws, { username: 'ana', displayName: 'Ana Coordinator', roles: 'coordinator', password: PASSWORD });
  await addUser(ws, { username: 'root', roles: 'admin', password: PASSWORD });
  await addUser(ws, { username: 'luis', roles: 'director', password: PASSWORD });
  ws.close();
  server = await startServer({ workspace: dir, port: 0 });
  b = await openBrowser();
  b.page.on('dialog', (d) => void d.accept());
}, 300_000);

afterAll(async () => {
  await b?.close();
  await server?.close();
});

const signIn = (user: string, password = PASSWORD) => signInAs(b.page, server.url, user, password);
const nav = (name: string) => b.page.getByRole('navigation').getByRole('link', { name }).click();
const api = async (path: string) => (await b.page.request.get(server.url + path)).json();

describe('the plan in the browser', () => {
  it('two measures with a dependency, an indicator and its value', async () => {
    const { page } = b;
    await signIn('ana');
    await nav('Measures');
    const add = page.getByTestId('add-measure');
    await add.waitFor();
    await shot(page, 'plan-01-measures-empty');
    for (const [description, responsible, expected] of [
      ['Amend the customs code: mandatory transmission of sea manifest data', 'Legal division', '2026-06'],
      ['Risk rules on manifest data in the selectivity system', 'Risk management', 'In the upcoming reform'],
    ]) {
      await add.getByLabel('Measure', { exact: true }).fill(description);
      await add.getByLabel('Responsible unit').fill(responsible);
      await add.getByLabel('Expected').fill(expected);
      await add.getByRole('button', { name: 'Add the measure' }).click();
      await page.getByTestId('measures').getByRole('cell', { name: description }).waitFor();
    }
    // M-002 depends on M-001; then M-001 depending on M-002 is refused (a cycle)
    await page.getByLabel('M-002 depends on').selectOption('M-001');
    await page.getByTestId('deps-M-002').getByRole('button', { name: 'add' }).click();
    await page.getByTestId('deps-M-002').getByText('M-001').waitFor();
    await page.getByLabel('M-001 depends on').selectOption('M-002');
    await page.getByTestId('deps-M-001').getByRole('button', { name: 'add' }).click();
    await page
      .getByTestId('deps-M-001')
      .getByRole('alert')
      .getByText(
        "dependency refused: M-001 depending on M-002 would create a cycle (M-001 → M-002 → M-001); 'A → B' reads 'A depends on B'",
      )
      .waitFor();
    const measures = (await api('/api/plan/measures')) as {
      id: string;
      expectedDate: string | null;
      dependsOn: string[];
    }[];
    expect(measures.map((m) => [m.id, m.expectedDate, m.dependsOn])).toEqual([
      ['M-001', '2026-06-30', []],
      ['M-002', null, ['M-001']],
    ]);
    // a progress indicator of M-001, and its value for 2025
    const ind = page.getByTestId('add-indicator');
    await ind.getByLabel('Of the measure').selectOption('M-001');
    await ind.getByLabel('Indicator', { exact: true }).fill('Manifests received 24 hours before arrival');
    await ind.getByLabel('Numerator').fill('manifests received in time');
    await ind.getByLabel('Denominator').fill('manifests');
    await ind.getByLabel('Goal (%)').fill('100');
    await ind.getByRole('button', { name: 'Add the indicator' }).click();
    const rec = page.getByTestId('record-I-001');
    await rec.getByPlaceholder('Period').fill('2025');
    await rec.getByPlaceholder('Numerator').fill('5,478');
    await rec.getByPlaceholder('Denominator').fill('16392');
    await rec.getByRole('button', { name: 'Record' }).click();
    await page.getByTestId('progress-indicators').getByText('2025: 5,478 / 16,392 = 33.4 %').waitFor();
    await shot(page, 'plan-02-measures-and-indicator');
  });

  it('applies the large × high package to its operators, counted first', async () => {
    const { page } = b;
    await nav('Treatment matrix');
    await page.getByTestId('apply-large-high').click();
    const panel = page.getByTestId('apply-panel');
    await panel.getByLabel('From').fill('2026-01-01');
    await panel.getByRole('button', { name: 'Count the operators' }).click();
    await panel.getByTestId('apply-counted').getByText(`Operators in the segment: ${largeHigh}.`).waitFor();
    expect(await api('/api/history?action=treatments.apply')).toEqual([]); // counting records nothing
    await panel.getByRole('button', { name: 'Record the treatment' }).click();
    await panel.getByTestId('apply-done').waitFor();
    expect(await panel.getByTestId('apply-done').textContent()).toBe(
      `Recorded as treated with “large/high: Elevated engagement” from 2026-01-01: ${largeHigh} operators. Measure its effect on the Effect page.`,
    );
    await shot(page, 'plan-03-treatment-applied');
  });

  it('edits the GRI as a draft: switching technique keeps every indicator; expert weights; expression errors', async () => {
    const { page } = b;
    await nav('GRI workbench');
    await page.getByTestId('indicators').waitFor();
    const checked = () => page.getByTestId('indicators').locator('input[type=checkbox]:checked').count();
    const wb = (await api('/api/gri')) as GriWorkbench;
    const all = await checked();
    expect(all).toBe(wb.catalogue.length);
    for (const m of ['frequency', 'expert', 'learned', 'equal', 'expert'])
      await page.getByTestId('weight-method').selectOption(m);
    expect(await checked()).toBe(all);
    expect(await page.getByTestId('indicators').locator('tr[data-code=XC_ISIC] input[type=checkbox]').isChecked()).toBe(
      true,
    );
    // expert weights start from the weights in force (3 decimals), one per indicator; then TRX_BROKER gets 0.188 and
    // its weight is 0.188 over the sum of the expert weights of the indicators that count (data present, someone flagged)
    const inForce = (code: string) => wb.run!.scoring.weights.find((w) => w.code === code)?.weight ?? 0;
    expect(await page.getByLabel('Expert weight of XC_ISIC').inputValue()).toBe(
      String(Number(inForce('XC_ISIC').toFixed(3))),
    );
    await page.getByLabel('Expert weight of TRX_BROKER').fill('0.188');
    const counting = wb.run!.indicators.filter((i) => i.available && (i.flagged ?? 0) > 0).map((i) => i.code);
    expect(counting).toContain('TRX_BROKER');
    const sum = counting.reduce((a, c) => a + (c === 'TRX_BROKER' ? 0.188 : Number(inForce(c).toFixed(3))), 0);
    await expect
      .poll(() => page.getByTestId('indicators').locator('tr[data-code=TRX_BROKER] td').last().textContent())
      .toBe((0.188 / sum).toFixed(3));
    // a custom indicator: the error points at the offending token
    await page.getByTestId('add-custom').click();
    const custom = page.getByTestId('custom-0');
    await custom.getByLabel('Name').fill('Share of lines from China');
    await custom.getByLabel('Expression').fill("share(lines where origin_countri = 'CN') > 50%");
    const err = custom.getByTestId('expr-error');
    await err.waitFor();
    expect(await err.textContent()).toContain('Problem at “origin_countri” (column 19):');
    await shot(page, 'plan-04-gri-draft-expression-error');
    await custom.getByLabel('Expression').fill("share(lines where origin_country = 'CN') > 50%");
    await custom.getByTestId('expr-ok').waitFor();
    await custom.getByRole('button', { name: 'Remove' }).click();
    expect(await api('/api/history?entity_type=gri_config')).toEqual([]); // nothing saved while editing
    await shot(page, 'plan-05-gri-draft-expert');
  });

  it('publishes the draft through the committee: a proposal showing the changes, approved at a meeting', async () => {
    const { page } = b;
    await nav('Committee');
    await page.getByTestId('gov-settings').getByLabel('Changes to the GRI configuration').check();
    await expect.poll(async () => (await api('/api/governance/settings'))['approval.gri_config']).toBe(true);
    await nav('GRI workbench');
    await page.getByTestId('weight-method').selectOption('expert');
    await page.getByLabel('Expert weight of TRX_BROKER').fill('0.188');
    await page.getByTestId('draft-changes').getByText('weights.expert.TRX_BROKER').waitFor();
    await page.getByTestId('draft-summary').fill('Expert weights: brokers count triple');
    await page.getByRole('button', { name: 'Propose for approval' }).click();
    await page
      .getByTestId('published')
      .getByText("Proposal P-001 awaits the committee's approval; nothing changes until a meeting approves it.")
      .waitFor();
    expect((await api('/api/gri/draft')).version).toBe(0);
    await shot(page, 'plan-06-gri-proposed');
    await page.getByRole('button', { name: 'Go to the committee' }).click();
    const row = page.getByTestId('gov-proposals').getByRole('row', { name: /P-001/ });
    await row.getByText('weights.method: auto → expert').waitFor();
    await row.getByText('weights.expert.TRX_BROKER: — → 0.188').waitFor();
    await shot(page, 'plan-07-proposal-with-changes');
    const member = page.getByTestId('gov-add-member');
    await member.getByPlaceholder('Name').fill('Marta Ruiz');
    await member.getByRole('button', { name: 'Add member' }).click();
    await page.getByTestId('gov-members').getByRole('cell', { name: 'Marta Ruiz' }).waitFor();
    const meeting = page.getByTestId('gov-new-meeting');
    await meeting.getByLabel('Date').fill('2026-04-15');
    await meeting.getByLabel('Chair').selectOption({ label: 'Marta Ruiz (Head of customs)' });
    await meeting.getByRole('button', { name: 'Hold a meeting' }).click();
    await page
      .getByTestId('gov-agenda')
      .getByRole('row', { name: /Expert weights/ })
      .getByRole('button', { name: 'Approve' })
      .click();
    await page.getByTestId('gov-proposals').getByRole('cell', { name: 'approved', exact: true }).waitFor();
    const cfg = await api('/api/gri/draft');
    expect(cfg).toMatchObject({ configId: 'general@v1', createdBy: 'ana' });
    expect(cfg.config.weights.method).toBe('expert');
    expect(cfg.config.weights.expert.TRX_BROKER).toBe(0.188);
    await page.getByTestId('gov-settings').getByLabel('Changes to the GRI configuration').uncheck();
  });

  it('retires a vulnerability by proposal while register changes need approval', async () => {
    const { page } = b;
    await page.getByTestId('gov-settings').getByLabel('Changes to the vulnerability register').check();
    await expect.poll(async () => (await api('/api/governance/settings'))['approval.register']).toBe(true);
    await nav('Vulnerability register');
    await page.getByTestId('retire-V-001').click();
    const panel = page.getByTestId('register-retire');
    await panel.getByLabel('Why').fill('Covered by the new manifest regulation');
    await panel.getByRole('button', { name: 'Propose retiring it' }).click();
    await page.getByText("Proposal P-002 awaits the committee's approval.").waitFor();
    expect(((await api('/api/plan/register')) as { id: string }[]).map((v) => v.id)).toEqual(['V-001']);
    await shot(page, 'plan-08-retire-proposed');
  });

  it("the administrator resets another user's password, shown once; the new one signs in", async () => {
    const { page } = b;
    await signIn('root');
    await nav('Users');
    await page.getByTestId('reset-luis').click();
    const shown = page.getByTestId('reset-password');
    await shown.waitFor();
    const password = (await shown.locator('code').textContent())!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    await shot(page, 'plan-09-password-reset');
    await signIn('luis', password);
  });
});
