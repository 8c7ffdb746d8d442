// End-to-end, as a new user would on the demo workspace: set up the committee (members with their accounts, terms
// of reference naming a delegate of the chair), propose a treatment plan, hold a meeting that approves it and
// assigns two actions, record attendance, sign it as the delegate who prepared it and have the chair co-sign,
// close one action at the next meeting, and download the minutes — all from the UI.
// Screenshots go to test-output/screenshots/gov-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { syncUnits } from '../../src/server/units.ts';
import { addUser } from '../../src/server/users.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { openBrowser, shot, signIn as signInAs, type Session } from './browser.ts';

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
  await addUser(ws, { username: 'marta', displayName: 'Marta Ruiz', roles: 'head', password: PASSWORD });
  ws.close();
  server = await startServer({ workspace: dir, port: 0 });
  b = await openBrowser();
  b.page.on('dialog', (d) => void d.accept());
}, 300_000);

afterAll(async () => {
  await b?.close();
  await server?.close();
});

const signIn = (user: string) => signInAs(b.page, server.url, user, PASSWORD);

const agendaRow = (text: string | RegExp) => b.page.getByTestId('gov-agenda').locator('tbody tr', { hasText: text });
const actionRow = (id: string) => b.page.getByTestId('gov-actions').locator('tbody tr', { hasText: id });

async function holdMeeting(date: string, ref: string) {
  const form = b.page.getByTestId('gov-new-meeting');
  await form.getByLabel('Date').fill(date);
  await form.getByLabel('Chair').selectOption({ label: 'Marta Ruiz (Head of customs)' });
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
    await signIn('ana');
    await page.getByRole('navigation').getByRole('link', { name: 'Committee' }).click();
    await page.getByRole('heading', { name: 'Risk-management committee' }).waitFor();
    await shot(page, 'gov-01-empty');

    // the committee: members with their Annex 4 roles
    const addMember = page.getByTestId('gov-add-member');
    for (const [name, role, unit, account] of [
      ['Marta Ruiz', 'Head of customs', 'Head office', 'marta'],
      ['Ana Costa', 'RMC coordinator', 'Risk management', 'ana'],
      ['Luis Pérez', 'Director / head of unit', 'Operations', ''],
    ]) {
      await addMember.getByPlaceholder('Name').fill(name);
      await addMember.locator('select[name=role]').selectOption({ label: role });
      await addMember.getByPlaceholder('Unit').fill(unit);
      await addMember.getByLabel('Account').fill(account);
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

    // terms of reference naming the coordinator as the chair's delegate for signing minutes off
    const terms = page.getByTestId('gov-terms-form');
    await terms.getByLabel('Title').fill('Terms of reference of the risk-management committee');
    await terms
      .getByLabel('Text of the terms of reference')
      .fill('The committee meets quarterly. The coordinator may sign the minutes off in the absence of the chair.');
    await terms.getByLabel('Luis Pérez (MEM-003) — no account').waitFor(); // cannot be named: no account to sign with
    expect(await terms.getByLabel('Luis Pérez (MEM-003) — no account').isDisabled()).toBe(true);
    await terms.getByLabel('Ana Costa (MEM-002)').check();
    await terms.getByRole('button', { name: 'Attach a new version' }).click();
    await page
      .getByTestId('gov-terms')
      .getByText("Sign minutes off in the chair's place: Ana Costa (MEM-002)")
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

    // sign-off needs the attendance of every member called
    await page.getByTestId('gov-signoff').click();
    await page
      .getByTestId('gov-meeting')
      .getByRole('alert')
      .getByText(
        /^Error: record the attendance of MEM-001 \(Marta Ruiz\), MEM-002 \(Ana Costa\), MEM-003 \(Luis Pérez\)/,
      )
      .waitFor();
    const attendance = page.getByTestId('gov-attendance');
    await attendance.getByLabel('Marta Ruiz present').check();
    await attendance.getByLabel('Ana Costa present').check();
    await attendance.getByRole('button', { name: 'Record attendance' }).click();
    await attendance.getByRole('cell', { name: 'absent', exact: true }).waitFor(); // Luis
    // the coordinator signs as the chair's delegate; she wrote the minutes, so a second signatory is needed
    await page.getByTestId('gov-signoff').click();
    await page
      .getByTestId('gov-status')
      .getByText(/^Signed by the chair or a delegate who prepared the minutes/)
      .waitFor();
    expect(await page.getByTestId('gov-signatures').textContent()).toMatch(/^Ana Costa, delegate of the chair, \d{4}/);
    expect(await page.getByTestId('gov-assign').count()).toBe(0); // frozen from the first signature
    await shot(page, 'gov-04-meeting-1-awaiting-second-signatory');
    // the chair, who did not prepare the minutes, signs too: the record is signed off
    await signIn('marta');
    await page.goto(server.url + '/governance?ref=RMC-2026-01');
    await page.getByRole('button', { name: 'Co-sign the minutes' }).click();
    await page.getByText(/^Signed off by marta on \d{4}-\d{2}-\d{2}: the record is locked/).waitFor();
    expect(await page.getByTestId('gov-signatures').locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^Ana Costa, delegate of the chair, /),
      expect.stringMatching(/^Marta Ruiz, chair, /),
    ]);
    await shot(page, 'gov-05-meeting-1-signed');
    await signIn('ana');
    await page.getByRole('navigation').getByRole('link', { name: 'Committee' }).click();

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
    await shot(page, 'gov-06-meeting-2-closed-action');

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
    await shot(page, 'gov-07-followup');
  }, 300_000);
});
