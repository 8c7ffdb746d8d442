// End-to-end, as a new user would on the demo workspace: set up the committee, propose a treatment plan, hold a
// meeting that approves it and assigns two actions, sign it off, close one action at the next meeting, and
// download the minutes — all from the UI. Screenshots go to test-output/screenshots/gov-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { syncUnits } from '../../src/server/units.ts';
import { addUser } from '../../src/server/users.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { openBrowser, shot, type Session } from './browser.ts';

const PASSWORD = 'e2e-password-1';
let server: RunningServer;
let b: Session;

beforeAll(async () => {
  const dir = tmpDir('cip-e2e-gov-');
  const ws = await Workspace.open(dir, { create: true });
  await generateDemo(ws, { rows: 20_000 });
  await computeSegmentation(ws);
  await syncUnits(ws);
  await addUser(ws, { username: 'ana', displayName: 'Ana Coordinator', roles: 'coordinator', password: PASSWORD });
  ws.close();
  server = await startServer({ workspace: dir, port: 0 });
  b = await openBrowser();
  b.page.on('dialog', (d) => void d.accept());
}, 300_000);

afterAll(async () => {
  await b?.close();
  await server?.close();
});

const agendaRow = (text: string | RegExp) => b.page.getByTestId('gov-agenda').locator('tbody tr', { hasText: text });
const actionRow = (id: string) => b.page.getByTestId('gov-actions').locator('tbody tr', { hasText: id });

async function holdMeeting(date: string, ref: string) {
  const form = b.page.getByTestId('gov-new-meeting');
  await form.getByLabel('Date').fill(date);
  await form.getByPlaceholder('Chair').fill('Marta Ruiz');
  await form.getByRole('button', { name: 'Hold a meeting' }).click();
  await b.page.getByRole('heading', { name: new RegExp(`^Meeting ${ref} — ${date}`) }).waitFor();
}

async function assign(description: string, owner: string, due: string) {
  const form = b.page.getByTestId('gov-assign');
  await form.getByPlaceholder('Action').fill(description);
  await form.getByPlaceholder('Owner unit').fill(owner);
  await form.getByLabel('Due').fill(due);
  await form.getByRole('button', { name: 'Assign action' }).click();
  await actionRow(description).waitFor();
}

describe('governance in the web app', () => {
  it('committee, approval of a treatment plan, two actions, sign-off, closing one at the next meeting, minutes export', async () => {
    const { page } = b;
    await page.goto(server.url + '/');
    await page.getByLabel('User name').fill('ana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Committee' }).click();
    await page.getByRole('heading', { name: 'Risk-management committee' }).waitFor();
    await shot(page, 'gov-01-empty');

    // the committee: members with their Annex 4 roles
    const addMember = page.getByTestId('gov-add-member');
    for (const [name, role, unit] of [
      ['Marta Ruiz', 'Head of customs', 'Head office'],
      ['Ana Costa', 'RMC coordinator', 'Risk management'],
      ['Luis Pérez', 'Director / head of unit', 'Operations'],
    ]) {
      await addMember.getByPlaceholder('Name').fill(name);
      await addMember.locator('select[name=role]').selectOption({ label: role });
      await addMember.getByPlaceholder('Unit').fill(unit);
      await addMember.getByRole('button', { name: 'Add member' }).click();
      await page.getByTestId('gov-members').getByRole('cell', { name, exact: true }).waitFor();
    }

    const sub = page.getByTestId('gov-add-subcommittee');
    await sub.getByPlaceholder('Code').fill('SEL');
    await sub.getByPlaceholder('Name').fill('Selectivity subcommittee');
    await sub.getByPlaceholder('Theme').fill('Updating cargo selectivity criteria');
    await sub.getByRole('button', { name: 'Add subcommittee' }).click();
    await page
      .getByTestId('gov-subcommittees')
      .getByRole('cell', { name: 'Updating cargo selectivity criteria' })
      .waitFor();

    // a treatment plan proposed: no effect yet
    const before = (await (await page.request.get(server.url + '/api/plan/treatments')).json()).cells.find(
      (c: { size: string; risk: string }) => c.size === 'large' && c.risk === 'high',
    );
    const prop = page.getByTestId('gov-propose');
    await prop.getByLabel('Size').selectOption('large');
    await prop.getByLabel('Risk').selectOption('high');
    await prop.getByPlaceholder('Treatment package').fill('Account management with post-clearance audit');
    await prop.getByPlaceholder('Summary').fill('Large high-risk operators: account management with PCA');
    await prop.getByRole('button', { name: 'Propose' }).click();
    await page.getByTestId('gov-proposals').getByRole('cell', { name: 'awaiting approval' }).waitFor();
    const pending = (await (await page.request.get(server.url + '/api/plan/treatments')).json()).cells.find(
      (c: { size: string; risk: string }) => c.size === 'large' && c.risk === 'high',
    );
    expect(pending.package).toBe(before.package);
    await shot(page, 'gov-02-committee-and-proposal');

    // meeting 1: the proposal is on the agenda; approve it with minutes, assign two actions, sign off
    await holdMeeting('2026-04-15', 'RMC-2026-01');
    const approval = agendaRow('Approval: Large high-risk operators');
    await approval
      .getByRole('textbox')
      .fill('The selectivity subcommittee presented the package; approved unanimously.');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await approval.getByText('RMC-2026-01/D1').waitFor();
    await page.getByTestId('gov-proposals').getByRole('cell', { name: 'approved', exact: true }).waitFor();
    const after = (await (await page.request.get(server.url + '/api/plan/treatments')).json()).cells.find(
      (c: { size: string; risk: string }) => c.size === 'large' && c.risk === 'high',
    );
    expect(after).toMatchObject({
      package: 'Account management with post-clearance audit',
      version: before.version + 1,
      changedBy: 'ana',
    });
    await assign('Brief the customs offices on the new package', 'Operations', '2026-05-31');
    await assign('Update the selectivity profile for large high-risk operators', 'Risk management', '2026-06-30');
    expect(await actionRow('A-001').locator('td').allTextContents()).toEqual([
      'A-001',
      'Brief the customs offices on the new package',
      'Operations',
      '2026-05-31',
      'open',
    ]);
    await shot(page, 'gov-03-meeting-1');
    await page.getByTestId('gov-signoff').click();
    await page.getByText(/^Signed off by ana on \d{4}-\d{2}-\d{2}: the record is locked/).waitFor();
    expect(await page.getByTestId('gov-assign').count()).toBe(0);
    await shot(page, 'gov-04-meeting-1-signed');

    // meeting 2: both actions carried forward (once each); close the first
    await holdMeeting('2026-06-10', 'RMC-2026-02');
    const carried = page.getByTestId('gov-agenda').locator('tbody tr', { hasText: /^\d+Action A-00\d/ });
    expect(await carried.count()).toBe(2);
    const a1 = agendaRow('Action A-001');
    await a1.getByRole('textbox').fill('All offices briefed on 2 June.');
    await a1.getByRole('button', { name: 'Close action' }).click();
    await actionRow('A-001').getByText('closed at RMC-2026-02').waitFor();
    await a1.getByText('All offices briefed on 2 June.').waitFor(); // the closing note is in the minutes
    expect(await actionRow('A-002').locator('td').last().textContent()).toBe('open');
    await shot(page, 'gov-05-meeting-2-closed-action');

    // the minutes of meeting 2, as a Word file
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('gov-minutes-docx').click()]);
    expect(dl.suggestedFilename()).toBe('minutes-RMC-2026-02.docx');
    const path = await dl.path();
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(path!);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    // meeting 3 would no longer carry A-001 (closed) but still A-002
    const m3 = await page.request.get(server.url + '/api/governance/meetings/RMC-2026-02');
    expect(
      (await m3.json()).agenda.filter((i: { kind: string }) => i.kind === 'action').map((i: { key: string }) => i.key),
    ).toEqual(['action:A-001', 'action:A-002']);
    await page.getByTestId('gov-followup').scrollIntoViewIfNeeded();
    await shot(page, 'gov-06-followup');
  }, 300_000);
});
