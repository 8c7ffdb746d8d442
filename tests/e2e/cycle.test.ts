// A whole CIP cycle in the browser, from an empty workspace and with no CLI command (issue #12, first check): the
// administrator created at first start uploads a customs export (Spanish column names, as a customs system gives
// them), maps and imports it, computes the GRI, reads Tables 1, 4 and 5, opens an operator, publishes a GRI change
// through the committee's approval, edits the treatment matrix and applies a treatment, records a vulnerability with
// two measures and a dependency and an indicator's values, runs a backtest watching its progress, prepares and holds
// a meeting that the chair signs off, and downloads the plan as Word and Excel.
// Screenshots: test-output/screenshots/cycle-*.png.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { ensureFirstAdmin, startServer, type RunningServer } from '../../src/server/index.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { openBrowser, shot, signIn as signInAs, type Session } from './browser.ts';

const LINES = 6_000;
const CHAIR_PASSWORD = 'chair-password-12';
let server: RunningServer;
let b: Session;
let admin: { username: string; password: string };
let exportFile: string;
let truth: {
  lines: number;
  firstChannel: string;
  hs4: string;
  /** lines and operators of the GRI's default window: the 24 months up to the last date */
  windowLines: number;
  windowOperators: number;
};

const CHANNEL_CODES: Record<string, string> = { V: 'green', A: 'yellow', R: 'red', Z: 'blue' };

/**
 * The declarations of a generated customs administration as its system would export them: semicolons, Spanish
 * column names, dd/mm/yyyy dates, the channel as local one-letter codes under a name no vocabulary knows (the user
 * maps it by hand), inspected as S/N, inspection results as words, and one line with an impossible date.
 */
async function writeExport(dir: string): Promise<string> {
  const ws = await Workspace.open(join(dir, 'source'), { create: true });
  try {
    await generateDemo(ws, { rows: LINES });
    const file = join(dir, 'dua-2023-2025.csv');
    const num = (c: string) => `replace(CAST(round(${c}, 2) AS VARCHAR), '.', ',')`;
    const codes = Object.entries(CHANNEL_CODES)
      .map(([code, ch]) => `WHEN '${ch}' THEN '${code}'`)
      .join(' ');
    await ws.run(
      `COPY (
         SELECT declaration_id AS NUM_DUA, line_no AS ITEM, strftime(date, '%d/%m/%Y') AS FECHA_ACEPTACION,
                regime AS REGIMEN, office AS ADUANA, operator_id AS NIT_IMPORTADOR, declarant_id AS COD_AGENTE,
                supplier_id AS PROVEEDOR, hs_code AS PARTIDA, origin_country AS PAIS_ORIGEN,
                departure_country AS PAIS_PROCEDENCIA, ${num('net_mass_kg')} AS PESO_NETO,
                ${num('value')} AS VALOR_CIF, ${num('duty')} AS DAI, ${num('vat')} AS IVA,
                CASE channel ${codes} END AS TIPO_REV, CASE WHEN inspected THEN 'S' ELSE 'N' END AS REVISADO,
                CASE WHEN NOT inspected THEN '' WHEN finding THEN 'CON DISCREPANCIA' ELSE 'SIN DISCREPANCIA' END
                  AS RESULTADO_AFORO
         FROM declaration_lines ORDER BY date, declaration_id, line_no
       ) TO '${file.replace(/'/g, "''")}' (HEADER, DELIMITER ';')`,
    );
    // one line of the export has an impossible date: rejected with its reason, in the preview and at import
    const rows = readFileSync(file, 'utf8').split('\n');
    const bad = rows[1].split(';');
    bad[0] = 'BAD-0001';
    bad[2] = '31/02/2024';
    rows.splice(2, 0, bad.join(';'));
    writeFileSync(file, rows.join('\n'));
    const first = await ws.one<{ channel: string }>(
      'SELECT channel FROM declaration_lines ORDER BY date, declaration_id, line_no LIMIT 1',
    );
    const hs4 = (await ws.scalar<string>(
      'SELECT left(hs_code, 4) FROM declaration_lines GROUP BY 1 ORDER BY count(DISTINCT operator_id) DESC, 1 LIMIT 1',
    ))!;
    const window = await ws.one<{ lines: number; operators: number }>(
      `SELECT count(*)::INTEGER AS lines, count(DISTINCT operator_id)::INTEGER AS operators FROM declaration_lines
       WHERE date > (SELECT max(date) FROM declaration_lines) - INTERVAL 24 MONTH`,
    );
    truth = {
      lines: Number(await ws.scalar('SELECT count(*) FROM declaration_lines')),
      firstChannel: first!.channel,
      windowLines: window!.lines,
      windowOperators: window!.operators,
      hs4,
    };
    return file;
  } finally {
    ws.close();
  }
}

beforeAll(async () => {
  const dir = tmpDir('cip-e2e-cycle-');
  exportFile = await writeExport(dir);
  // An empty workspace (what `cip init` makes), served as `cip serve` serves it: the first administrator is created
  // once the server listens, and its password is what the person installing it reads on the terminal.
  (await Workspace.open(join(dir, 'ws'), { create: true })).close();
  server = await startServer({ workspace: join(dir, 'ws'), port: 0 });
  admin = (await server.db.exclusive((ws) => ensureFirstAdmin(ws)))!;
  b = await openBrowser(mkdtempSync(join(tmpdir(), 'cip-dl-')));
  b.page.on('dialog', (d) => void d.accept());
}, 120_000);

afterAll(async () => {
  await b?.close();
  await server?.close();
});

const nav = (name: string) => b.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
const api = async <T = unknown>(path: string): Promise<T> => (await b.page.request.get(server.url + path)).json();

const signIn = (user: string, password: string) => signInAs(b.page, server.url, user, password);

describe('a whole CIP cycle in the browser, from an empty workspace', () => {
  it('signs in as the first administrator on an empty workspace', async () => {
    const { page } = b;
    await signIn(admin.username, admin.password);
    await page.getByText('This workspace holds no declarations yet.').waitFor();
    await shot(page, 'cycle-01-empty');
  });

  it('uploads the customs export, maps it in the mapping table, previews it, imports it as a job', async () => {
    const { page } = b;
    await nav('Imports');
    await page.getByTestId('import-file').setInputFiles(exportFile);
    await page.getByTestId('import-upload').click();
    await page.getByTestId('mapping').waitFor();
    const col = (f: string) => page.getByTestId(`map-col-${f}`).inputValue();
    expect(await col('declaration_id')).toBe('NUM_DUA');
    expect(await col('date')).toBe('FECHA_ACEPTACION');
    expect(await col('operator_id')).toBe('NIT_IMPORTADOR');
    expect(await col('hs_code')).toBe('PARTIDA');
    expect(await col('value')).toBe('VALOR_CIF');
    expect(await col('inspected')).toBe('REVISADO');
    expect(await col('finding')).toBe('RESULTADO_AFORO');
    expect(await page.getByTestId('map-format-date').inputValue()).toBe('dd/mm/yyyy');
    // the channel column has a name and codes no vocabulary knows: mapped by hand, each code to its channel
    expect(await col('channel')).toBe('');
    await page.getByTestId('map-col-channel').selectOption('TIPO_REV');
    const codes = page.locator('[data-testid^="map-value-channel-"]');
    await codes.first().waitFor();
    const seen = (await codes.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!))).map((id) =>
      id.replace('map-value-channel-', ''),
    );
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const code of seen) await page.getByTestId(`map-value-channel-${code}`).selectOption(CHANNEL_CODES[code]);
    await shot(page, 'cycle-02-mapping');
    await page.getByTestId('import-preview').click();
    const preview = page.getByTestId('preview-rows');
    await preview.waitFor();
    const header = await preview.locator('thead th').allTextContents();
    const firstRow = await preview.locator('tbody tr').first().locator('td').allTextContents();
    expect(firstRow[header.indexOf('channel')]).toBe(truth.firstChannel);
    const rejected = await page
      .getByTestId('preview-rejected')
      .locator('tbody tr')
      .first()
      .locator('td')
      .allTextContents();
    expect(rejected.slice(0, 3)).toEqual(['2', 'FECHA_ACEPTACION', '31/02/2024']);
    await shot(page, 'cycle-03-preview');
    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-job"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    const n = (x: number) => x.toLocaleString('en-GB');
    expect(await page.getByTestId('import-result').textContent()).toBe(
      `${n(truth.lines + 1)} read, ${n(truth.lines)} imported, 1 rejected, 0 duplicates`,
    );
    await shot(page, 'cycle-04-imported');
  });

  it('computes the GRI from the workbench as a job, its progress shown', async () => {
    const { page } = b;
    await nav('GRI workbench');
    await page.getByText('No GRI has been computed for this risk yet.').waitFor();
    await shot(page, 'cycle-05-gri-before');
    await page.getByTestId('recompute').click();
    await page.getByTestId('recompute-job').waitFor();
    await shot(page, 'cycle-06-gri-running');
    await page.getByTestId('published').getByText('The GRI was re-computed with the configuration in force.').waitFor({
      timeout: 90_000,
    });
    await page.getByTestId('histogram').waitFor();
    const gri = await api<{ run: { operators: number; lines: number } | null }>('/api/gri');
    expect(gri.run).toMatchObject({ operators: truth.windowOperators, lines: truth.windowLines });
    await shot(page, 'cycle-07-gri-computed');
  });

  it('reads Tables 1, 4 and 5 and opens an operator', async () => {
    const { page } = b;
    await nav('Segmentation');
    await page.getByTestId('table4').waitFor();
    await shot(page, 'cycle-08-table4');
    await page.getByRole('button', { name: 'Table 1' }).click();
    await page.getByTestId('table1').waitFor();
    await shot(page, 'cycle-09-table1');
    await nav('Sensitive HS codes');
    await page.getByTestId('hs-code').fill(truth.hs4);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByTestId('table5').locator('tbody tr').first().waitFor();
    await shot(page, 'cycle-10-table5');
    await nav('Segmentation');
    const first = page.getByTestId('operators').locator('tbody tr a').first();
    const tin = (await first.textContent())!;
    await first.click();
    await page.getByRole('heading', { name: `Operator ${tin}` }).waitFor();
    await page.getByTestId('explanation').waitFor();
    await shot(page, 'cycle-11-operator');
  });

  it("creates the chair's account, sets up the committee and requires its approval for GRI changes", async () => {
    const { page } = b;
    await nav('Users');
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Create' }) });
    await form.getByLabel('User name').fill('marta');
    await form.getByLabel('Full name').fill('Marta Ruiz');
    await form.getByLabel('Initial password').fill(CHAIR_PASSWORD);
    await form.getByLabel('Head of customs').check();
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'marta', exact: true }).waitFor();
    await nav('Committee');
    const member = page.getByTestId('gov-add-member');
    for (const [name, role, account] of [
      ['Marta Ruiz', 'Head of customs', 'marta'],
      ['Risk analyst', 'RMC coordinator', admin.username],
    ]) {
      await member.getByPlaceholder('Name').fill(name);
      await member.locator('select[name=role]').selectOption({ label: role });
      await member.getByLabel('Account').fill(account);
      await member.getByRole('button', { name: 'Add member' }).click();
      await page.getByTestId('gov-members').getByRole('cell', { name, exact: true }).waitFor();
    }
    await page.getByTestId('gov-settings').getByLabel('Changes to the GRI configuration').check();
    await expect
      .poll(async () => (await api<Record<string, unknown>>('/api/governance/settings'))['approval.gri_config'])
      .toBe(true);
    await shot(page, 'cycle-12-committee');
  });

  it('proposes a GRI configuration change: nothing changes until the committee approves it', async () => {
    const { page } = b;
    await nav('GRI workbench');
    await page.getByTestId('indicators').waitFor();
    const before = await api<{ version: number; config: { weights: { method: string } } }>('/api/gri/draft');
    expect(before.config.weights.method).not.toBe('equal');
    await page.getByTestId('weight-method').selectOption('equal');
    await page.getByTestId('draft-changes').getByText('weights.method').waitFor();
    await page.getByTestId('draft-summary').fill('Equal weights until the committee reviews the indicators');
    await page.getByTestId('publish').click();
    await page
      .getByTestId('published')
      .getByText("Proposal P-001 awaits the committee's approval; nothing changes until a meeting approves it.")
      .waitFor();
    expect((await api<{ version: number }>('/api/gri/draft')).version).toBe(before.version);
    await shot(page, 'cycle-13-gri-proposed');
  });

  it('edits the treatment matrix and applies the large × high treatment to its operators', async () => {
    const { page } = b;
    await nav('Treatment matrix');
    const cell = page.getByTestId('treatments').locator('tbody tr').first().locator('td').first();
    await cell.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Package').fill('Account management with post-clearance audit');
    await page.getByLabel('Responsible unit').fill('Post-clearance audit');
    await page.getByRole('button', { name: 'Save' }).click();
    await cell.getByText('Account management with post-clearance audit').waitFor();
    await cell.getByText(`v1 · ${admin.username}`).waitFor();
    const largeHigh = Number(
      await server.db.read((ws) =>
        ws.scalar("SELECT count(*) FROM operator_segments WHERE size_segment = 'large' AND risk_level = 'high'"),
      ),
    );
    expect(largeHigh).toBeGreaterThan(0);
    await page.getByTestId('apply-large-high').click();
    const panel = page.getByTestId('apply-panel');
    await panel.getByLabel('From').fill('2026-01-01');
    await panel.getByRole('button', { name: 'Count the operators' }).click();
    await panel.getByTestId('apply-counted').getByText(`Operators in the segment: ${largeHigh}.`).waitFor();
    await panel.getByRole('button', { name: 'Record the treatment' }).click();
    expect(await panel.getByTestId('apply-done').textContent()).toBe(
      `Recorded as treated with “large/high: Account management with post-clearance audit” from 2026-01-01: ${largeHigh} operators. Measure its effect on the Effect page.`,
    );
    await shot(page, 'cycle-14-treatment');
  });

  it('adds a vulnerability, two measures with a dependency, an indicator and its values', async () => {
    const { page } = b;
    await nav('Vulnerability register');
    await page.getByRole('button', { name: 'Add a vulnerability' }).click();
    const editor = page.getByTestId('register-editor');
    await editor.getByRole('textbox', { name: 'Process' }).fill('1.1.1');
    await editor.getByTestId('reg-description').fill('Insufficient and untimely sea manifest data');
    await editor.locator('.checks input[type=checkbox]').first().check();
    await editor.getByLabel('Period').fill('2025');
    await editor.getByRole('button', { name: 'add period' }).click();
    await editor.getByTestId('reg-save').click();
    await page
      .getByTestId('register')
      .getByRole('cell', { name: 'Insufficient and untimely sea manifest data' })
      .waitFor();
    await shot(page, 'cycle-15-register');
    await nav('Measures');
    const add = page.getByTestId('add-measure');
    const measures = [
      ['Amend the customs code: mandatory transmission of sea manifest data', 'Legal division', '2026-06'],
      ['Risk rules on manifest data in the selectivity system', 'Risk management', '2026-12'],
    ];
    for (const [k, [description, responsible, expected]] of measures.entries()) {
      await add.getByLabel('Measure', { exact: true }).fill(description);
      await add.getByLabel('Responsible unit').fill(responsible);
      await add.getByLabel('Expected').fill(expected);
      if (k === 1) await add.getByLabel('M-001').check(); // the selectivity rules need the law first
      await add.getByRole('button', { name: 'Add the measure' }).click();
      await page.getByTestId('measures').getByRole('cell', { name: description }).waitFor();
    }
    await page.getByTestId('deps-M-002').getByText('M-001').waitFor();
    const ind = page.getByTestId('add-indicator');
    await ind.getByLabel('Of the measure').selectOption('M-001');
    await ind.getByLabel('Indicator', { exact: true }).fill('Manifests received 24 hours before arrival');
    await ind.getByLabel('Numerator').fill('manifests received in time');
    await ind.getByLabel('Denominator').fill('manifests');
    await ind.getByLabel('Goal (%)').fill('100');
    await ind.getByRole('button', { name: 'Add the indicator' }).click();
    const rec = page.getByTestId('record-I-001');
    for (const [period, num, den] of [
      ['2025', '5478', '16392'],
      ['2026', '9120', '15800'],
    ]) {
      await rec.getByPlaceholder('Period').fill(period);
      await rec.getByPlaceholder('Numerator').fill(num);
      await rec.getByPlaceholder('Denominator').fill(den);
      await rec.getByRole('button', { name: 'Record' }).click();
      await page.getByTestId('progress-indicators').getByText(`${period}: `, { exact: false }).waitFor();
    }
    // the latest value, and the change since the first one: 57.72 % − 33.42 % = 24.3 points
    const row = page.getByTestId('progress-indicators').locator('tbody tr', { hasText: 'I-001' });
    expect((await row.locator('td').allTextContents()).slice(0, 5)).toEqual([
      'I-001',
      'Manifests received 24 hours before arrival',
      '2026: 9,120 / 15,800 = 57.7 %',
      '100 %',
      '24.3 pp',
    ]);
    const list = await api<{ id: string; vulnId: string; dependsOn: string[] }[]>('/api/plan/measures');
    expect(list.map((m) => [m.id, m.vulnId, m.dependsOn])).toEqual([
      ['M-001', 'V-001', []],
      ['M-002', 'V-001', ['M-001']],
    ]);
    await shot(page, 'cycle-16-measures');
  });

  it('runs a backtest, its progress shown while it runs', async () => {
    const { page } = b;
    // every state the page shows of the job, as it shows it
    await page.evaluate(() => {
      const w = window as unknown as { progressSeen: string[] };
      w.progressSeen = [];
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="job-progress"]');
        const text = el?.textContent ?? '';
        if (text && w.progressSeen.at(-1) !== text) w.progressSeen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await nav('Backtest');
    await page.getByTestId('bt-headline').waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    // the phases as the job went through them (never back to waiting once it ran), with their percent
    const phases = ['Waiting for its turn', 'Running', 'Fitting the score', 'Scoring the lines', 'Evaluating'];
    const stages = seen.map((x) => phases.findIndex((p) => x.startsWith(p)));
    expect(stages).not.toContain(-1);
    expect(stages.some((x) => x >= 2)).toBe(true);
    expect(stages.slice(stages.findIndex((x) => x > 0))).not.toContain(0);
    const jobs = await api<{ kind: string; status: string; createdBy: string }[]>('/api/jobs');
    expect(jobs.filter((j) => j.kind === 'backtest').map((j) => [j.status, j.createdBy])).toEqual([
      ['succeeded', admin.username],
    ]);
    await shot(page, 'cycle-17-backtest');
  });

  it('prepares and holds a meeting; the chair approves the GRI change and signs the minutes off', async () => {
    const { page } = b;
    await nav('Committee');
    const meeting = page.getByTestId('gov-new-meeting');
    await meeting.getByLabel('Date').fill('2026-04-15');
    await meeting.getByLabel('Chair').selectOption({ label: 'Marta Ruiz (Head of customs)' });
    await meeting.getByRole('button', { name: 'Hold a meeting' }).click();
    await page.getByRole('heading', { name: /^Meeting RMC-2026-01 — 2026-04-15/ }).waitFor();
    // the coordinator prepares it: an agenda item with minutes, the attendance
    const item = page.getByTestId('gov-add-item');
    await item.getByPlaceholder('New agenda item').fill('Results of the first GRI');
    await item.getByRole('button', { name: 'Add to the agenda' }).click();
    const row = page.getByTestId('gov-agenda').locator('tbody tr', { hasText: 'Results of the first GRI' });
    await row.getByRole('textbox').fill('The analyst presented Tables 1, 4 and 5.');
    await row.getByRole('button', { name: 'Save minutes' }).click();
    await row.getByText('The analyst presented Tables 1, 4 and 5.').waitFor();
    const attendance = page.getByTestId('gov-attendance');
    await attendance.getByLabel('Marta Ruiz present').check();
    await attendance.getByLabel('Risk analyst present').check();
    await attendance.getByRole('button', { name: 'Record attendance' }).click();
    await attendance.getByRole('cell', { name: 'present', exact: true }).first().waitFor();
    // who prepared the minutes cannot sign them off: only the chair (or a delegate named in the terms)
    await page.getByTestId('gov-signoff').click();
    await page
      .getByTestId('gov-meeting')
      .getByRole('alert')
      .getByText(/only the chair MEM-001 \(Marta Ruiz\) or a delegate named in the terms of reference/)
      .waitFor();
    await shot(page, 'cycle-18-meeting-prepared');
    // the chair signs in, approves the proposal at the meeting and signs the minutes off
    await signIn('marta', CHAIR_PASSWORD);
    await page.goto(server.url + '/governance?ref=RMC-2026-01');
    await page
      .getByTestId('gov-agenda')
      .locator('tbody tr', { hasText: 'Equal weights' })
      .getByRole('button', { name: 'Approve' })
      .click();
    await page.getByTestId('gov-proposals').getByRole('cell', { name: 'approved', exact: true }).waitFor();
    const cfg = await api<{ config: { weights: { method: string } } }>('/api/gri/draft');
    expect(cfg.config.weights.method).toBe('equal');
    await page.getByTestId('gov-signoff').click();
    await page.getByText(/^Signed off by marta on \d{4}-\d{2}-\d{2}: the record is locked/).waitFor();
    expect(await page.getByTestId('gov-signatures').locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^Marta Ruiz, chair, /),
    ]);
    await shot(page, 'cycle-19-meeting-signed');
  });

  it('exports the plan to Word and Excel as jobs, the files read back', async () => {
    const { page } = b;
    await nav('Exports');
    const download = async (testId: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download', { timeout: 120_000 }),
        page.getByTestId(testId).click(),
      ]);
      return { name: dl.suggestedFilename(), path: (await dl.path())! };
    };
    const xlsx = await download('export-xlsx');
    expect(xlsx.name).toMatch(/^cip-plan-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx.path);
    const cells: string[] = [];
    for (const sheet of wb.worksheets) sheet.eachRow((r) => r.eachCell((c) => void cells.push(String(c.value))));
    expect(cells).toEqual(
      expect.arrayContaining(['M-001', 'M-002', 'V-001', 'Insufficient and untimely sea manifest data']),
    );
    const docx = await download('export-docx');
    expect(docx.name).toMatch(/^cip-plan-\d{4}-\d{2}-\d{2}\.docx$/);
    const xml = execFileSync('unzip', ['-p', docx.path, 'word/document.xml'], { encoding: 'utf8' });
    expect(xml).toContain('Insufficient and untimely sea manifest data');
    expect(xml).toContain('Risk rules on manifest data in the selectivity system');
    await shot(page, 'cycle-20-exports');
  }, 300_000);
});
