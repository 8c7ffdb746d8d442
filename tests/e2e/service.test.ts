// In the browser, with no CLI: upload a customs export, fix its mapping in the table (a value map for the channel
// codes), preview it (stored rows and rejected rows with reasons), save the mapping, import it as a job, find it on
// the Imports page with its rejects as CSV; then follow a backtest's progress on the Jobs page.
// Screenshots: test-output/screenshots/20-*.png.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { syncUnits } from '../../src/server/units.ts';
import { addUser } from '../../src/server/users.ts';
import type { JobView } from '../../src/jobs/view.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { openBrowser, shot, signIn as signInAs, type Session } from './browser.ts';

const PASSWORD = 'e2e-password-2';
let server: RunningServer;
let b: Session;
let dir: string;
let exportFile: string;

/** A Spanish-style export: semicolons, dd/mm/yyyy dates, channels coded R/A/V, two bad rows. */
function writeExport(file: string): void {
  const rows = ['NUM_DUA;ITEM;FECHA;NIT_IMPORTADOR;PARTIDA;VALOR_CIF;CANAL'];
  for (let i = 1; i <= 40; i++) {
    const date = `${String((i % 28) + 1).padStart(2, '0')}/03/2026`;
    rows.push(`E2E-${i};1;${date};NIT-${(i % 7) + 1};8471300000;${100 + i};${['R', 'A', 'V', 'V'][i % 4]}`);
  }
  rows.push('E2E-41;1;31/02/2026;NIT-1;8471300000;150;V'); // no such day
  rows.push('E2E-42;1;01/03/2026;NIT-2;12;150;V'); // HS code too short
  writeFileSync(file, rows.join('\n') + '\n');
}

beforeAll(async () => {
  dir = tmpDir('cip-e2e-service-');
  const ws = await Workspace.open(join(dir, 'ws'), { create: true });
  await generateDemo(ws, { rows: 60_000 });
  await computeSegmentation(ws);
  await syncUnits(ws);
  await addUser(ws, { username: 'ana', displayName: 'Ana Coordinator', roles: 'coordinator', password: PASSWORD });
  ws.close();
  exportFile = join(dir, 'dua-marzo.csv');
  writeExport(exportFile);
  server = await startServer({ workspace: join(dir, 'ws'), port: 0 });
  b = await openBrowser(mkdtempSync(join(tmpdir(), 'cip-dl-')));
}, 180_000);

afterAll(async () => {
  await b?.close();
  await server?.close();
});

const nav = (name: string) => b.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

describe('import and jobs in the browser', () => {
  it('upload → mapping → preview → import → Imports page', async () => {
    const { page } = b;
    await signInAs(page, server.url, 'ana', PASSWORD);
    await nav('Imports');
    await page.getByRole('heading', { name: 'Import a file' }).waitFor();
    await page.getByTestId('import-file').setInputFiles(exportFile);
    await page.getByTestId('import-upload').click();
    await page.getByTestId('mapping').waitFor();
    expect(await page.getByTestId('import-uploaded').textContent()).toContain('dua-marzo.csv uploaded');
    // The suggestion placed the Spanish columns.
    expect(await page.getByTestId('map-col-declaration_id').inputValue()).toBe('NUM_DUA');
    expect(await page.getByTestId('map-col-operator_id').inputValue()).toBe('NIT_IMPORTADOR');
    expect(await page.getByTestId('map-col-hs_code').inputValue()).toBe('PARTIDA');
    expect(await page.getByTestId('map-format-date').inputValue()).toBe('dd/mm/yyyy');
    // R/A/V do not look like channels: the suggestion leaves CANAL out; choose it and map its codes.
    expect(await page.getByTestId('map-col-channel').inputValue()).toBe('');
    await page.getByTestId('map-col-channel').selectOption('CANAL');
    await page.getByTestId('map-value-channel-R').selectOption('red');
    await page.getByTestId('map-value-channel-A').selectOption('yellow');
    await page.getByTestId('map-value-channel-V').selectOption('green');
    await shot(page, '20-import-mapping');
    await page.getByTestId('import-preview').click();
    await page.getByTestId('preview-rows').waitFor();
    expect(await page.getByTestId('preview-counts').textContent()).toBe(
      'Of the first 42 rows, 40 would be stored and 2 rejected (repeated keys are found by the import itself).',
    );
    const first = await page.getByTestId('preview-rows').locator('tbody tr').first().locator('td').allTextContents();
    expect(first.slice(0, 4)).toEqual(['1', 'E2E-1', '1', '2026-03-02']);
    expect(first).toContain('yellow'); // row 1: A → yellow
    const rejected = await page.getByTestId('preview-rejected').locator('tbody tr').allTextContents();
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatch(/^41FECHA31\/02\/2026/);
    expect(rejected[1]).toMatch(/^42PARTIDA12/);
    await shot(page, '21-import-preview');

    await page.getByTestId('import-save-name').fill('dua-mensual');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText('Mapping “dua-mensual” saved').waitFor();

    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-job"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-result').textContent()).toBe(
      '42 read, 40 imported, 2 rejected, 0 duplicates',
    );
    // The Imports page lists it, with its rejected rows as CSV.
    const row = page.getByTestId('imports').locator('tbody tr').first();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('dua-marzo.csv');
    expect((await row.locator('td').allTextContents()).slice(3, 9)).toEqual([
      'ana',
      expect.any(String),
      '42',
      '40',
      '2',
      '0',
    ]);
    await shot(page, '22-imports');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Rejected rows (CSV)' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(/^\d+,dua-marzo\.csv,41,FECHA,31\/02\/2026,/);

    // The saved mapping is what a nightly `cip import --mapping dua-mensual` uses.
    const saved = await page.evaluate(async () => (await fetch('/api/imports/mappings')).json());
    expect(
      saved.map((m: { name: string; mapping: { fields: { channel: unknown } } }) => [m.name, m.mapping.fields.channel]),
    ).toEqual([['dua-mensual', { column: 'CANAL', map: { R: 'red', A: 'yellow', V: 'green' } }]]);
  });

  it('the Jobs page follows a backtest from the Backtest page to its result', async () => {
    const { page } = b;
    // What the browser hears about backtest jobs, from the event stream the pages use.
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      new EventSource('/api/jobs/events').addEventListener('job', (e) => {
        const j = JSON.parse((e as MessageEvent).data) as JobView;
        if (j.kind === 'backtest') w.seen.push(`${j.status}:${j.phase ?? ''}`);
      });
    });
    await nav('Backtest');
    await page.getByRole('heading', { name: 'Backtest of the selectivity score' }).waitFor();
    await nav('Jobs');
    const row = page.getByTestId('jobs').locator('tbody tr').first();
    await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 30_000 }).toContain('Backtest');
    await shot(page, '23-jobs-backtest-running');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    // Running through its three phases, then done.
    expect([...new Set(seen.filter((s) => s.startsWith('running:') && s !== 'running:'))]).toEqual([
      'running:fitting',
      'running:scoring',
      'running:evaluating',
    ]);
    expect(seen.at(-1)).toMatch(/^succeeded:/);
    await shot(page, '24-jobs-backtest-done');
    // Its result opens on the Backtest page.
    await row.getByRole('link', { name: /test lines, AUC/ }).click();
    await page.getByTestId('bt-headline').waitFor({ timeout: 30_000 });
    await shot(page, '25-backtest-from-job');
  });
});
