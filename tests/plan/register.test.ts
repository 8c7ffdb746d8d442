import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { Workspace } from '../../src/workspace/workspace.ts';
import { listHistory } from '../../src/history/history.ts';
import { defaultRegisterScales } from '../../src/plan/config.ts';
import { score, indicatorPercent } from '../../src/plan/register/score.ts';
import { saveVulnerability, listVulnerabilities, rescoreVulnerability } from '../../src/plan/register/store.ts';
import { parseEffects, parseOccurrence } from '../../src/plan/register/parse.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

const scales = defaultRegisterScales();
const years = (...ys: string[]) => ys.map((y) => [y, 'Y'] as ['string', 'Y']);

describe('Annex 2 Example 1 (Tables A2.1, A2.2)', () => {
  const effects = parseEffects(scales, 'Medium,High,High,Medium', 'test');
  it.each(['1.1.1', '1.1.2', '1.1.3'])('%s: expected effect 10, probability 4, priority 40, level High', () => {
    const s = score(scales, { effects, occurrence: parseOccurrence('2020=Y,2021=Y,2022=Y,2023=Y', 'test') });
    expect(s.expectedEffect).toBe(10);
    expect(s.probability).toBe(4);
    expect(s.priority).toBe(40);
    expect(s.priorityLevel).toBe('high');
    expect(s.effectPoints).toEqual({ institutional_image: 2, security_safety: 3, tax_collection: 3, trade_facilitation: 2 });
  });

  it('probability counts only the Y periods, over any number of periods', () => {
    const s = score(scales, { effects, occurrence: parseOccurrence('2019-H1=N,2019-H2=Y,2020-H1=N,2020-H2=Y,2021-H1=Y', 'test') });
    expect(s.probability).toBe(3);
    expect(s.priority).toBe(30);
    expect(s.maxPriority).toBe(3 * 4 * 5);
    expect(s.priorityLevel).toBe('medium'); // 30 / 60 = 0.5
  });
});

describe('Annex 2 Step 4 indicators (Table A2.4)', () => {
  it('5,478 / 16,392 → 33.4% and 12 / 43 → 27.9%', () => {
    expect(indicatorPercent(5478, 16392)).toBe(33.4);
    expect(indicatorPercent(12, 43)).toBe(27.9);
    expect(indicatorPercent(1, 0)).toBeNull();
  });
});

describe('Annex 2 Example 2 (Table A2.5)', () => {
  it('1.3.5 legal framework Low, Low, High, Medium → 7; 1.3.5 IT system → 7; 3.1.1 High, Low, High, Medium → 9', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ex2'), { create: true });
    const add = (pc: string, ir: string, eff: string) =>
      saveVulnerability(ws, 'ana', { processCode: pc, description: 'x', institutionalRisk: ir, complianceRisks: 'Valuation', effects: eff, occurrence: '' });
    await add('1.3.5', 'Legal framework', 'Low,Low,High,Medium');
    await add('1.3.5', 'IT system', 'Low,Low,High,Medium');
    await add('3.1.1', 'Legal framework', 'High,Low,High,Medium');
    const list = await listVulnerabilities(ws, { complianceRisk: 'valuation' });
    expect(list.map((v) => [v.processCode, v.institutionalRisk, v.score.expectedEffect])).toEqual([
      ['1.3.5', 'legal_framework', 7],
      ['1.3.5', 'it_systems', 7],
      ['3.1.1', 'legal_framework', 9],
    ]);
    expect(list.every((v) => v.score.priority === null && v.score.priorityLevel === null)).toBe(true);
    ws.close();
  });
});

describe('register storage', () => {
  it('a re-score is a new version, recorded in the history with before and after', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ver'), { create: true });
    const { vulnerability: v } = await saveVulnerability(ws, 'ana', {
      processCode: '1.1.1', description: 'Insufficient and untimely sea manifest data', institutionalRisk: 'legal_framework',
      complianceRisks: ['contraband', 'origin'], effects: 'medium,high,high,medium', occurrence: '2020=Y,2021=Y',
    });
    expect(v.id).toBe('V-001');
    const r = await rescoreVulnerability(ws, 'bo', 'V-001', { addOccurrence: '2022=Y,2023=N' });
    expect(r.vulnerability.version).toBe(2);
    expect(r.vulnerability.score.priority).toBe(30);
    expect(await ws.scalar('SELECT count(*) FROM plan_vulnerabilities')).toBe(2);
    const h = await listHistory(ws, { entityType: 'vulnerability' });
    expect(h.map((e) => [e.actor, e.action])).toEqual([['bo', 'register.update'], ['ana', 'register.add']]);
    expect(JSON.parse(h[0].before_json!).occurrence).toEqual([['2020', 'Y'], ['2021', 'Y']]);
    // Unchanged input writes nothing.
    expect((await rescoreVulnerability(ws, 'bo', 'V-001', { effects: 'medium,high,high,medium' })).changed).toBe(false);
    ws.close();
  });

  it('refuses bad input naming the field and what was expected, and stores nothing', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'bad'), { create: true });
    await expect(
      saveVulnerability(ws, 'ana', { processCode: '1.1.1', description: 'x', institutionalRisk: 'weather', complianceRisks: '', effects: 'low,low,low,low', occurrence: '' }),
    ).rejects.toThrow("input institutional_risk: unknown institutional risk 'weather' (expected one of legal_framework, processes, information, it_systems, infrastructure, human_resources)");
    await expect(
      saveVulnerability(ws, 'ana', { processCode: '1.1.1', description: 'x', institutionalRisk: 'processes', complianceRisks: '', effects: 'low,huge,low,low', occurrence: '' }),
    ).rejects.toThrow("input effects (security): unknown effect level 'huge' (expected low/1, medium/2, high/3)");
    await expect(
      saveVulnerability(ws, 'ana', { processCode: '1.1.1', description: 'x', institutionalRisk: 'processes', complianceRisks: '', effects: 'low,low,low,low', occurrence: '2020=maybe' }),
    ).rejects.toThrow("input occurrence: occurrence for '2020' is 'maybe', expected Y or N");
    expect(await ws.scalar('SELECT count(*) FROM plan_vulnerabilities')).toBe(0);
    expect(await ws.scalar('SELECT count(*) FROM history')).toBe(0);
    ws.close();
  });
});

describe('cip register (CLI)', () => {
  const dir = join(tmpDir(), 'cli');
  const w = ['--workspace', dir];

  it('builds Example 1, scores it and round-trips YAML and CSV byte-identically', () => {
    expect(cip(['init', dir]).code).toBe(0);
    for (const [pc, ir] of [['1.1.1', 'Legal framework'], ['1.1.2', 'Procedures'], ['1.1.3', 'IT system']]) {
      const r = cip(['register', 'add', ...w, '--process', pc, '--description', 'Insufficient and untimely sea manifest data', '--institutional-risk', ir,
        '--compliance-risks', pc === '1.1.3' ? 'Contraband,Origin,Undervaluation' : 'Contraband,Origin', '--effects', 'Medium,High,High,Medium',
        '--occurrence', '2020=Y,2021=Y,2022=Y,2023=Y', '--user', 'ana']);
      expect(r.stderr).toBe('');
    }
    const list = cipJson<{ id: string; score: { expectedEffect: number; probability: number; priority: number; priorityLevel: string } }[]>(['register', 'list', ...w]);
    expect(list.map((v) => [v.id, v.score.expectedEffect, v.score.probability, v.score.priority, v.score.priorityLevel])).toEqual([
      ['V-001', 10, 4, 40, 'high'], ['V-002', 10, 4, 40, 'high'], ['V-003', 10, 4, 40, 'high'],
    ]);
    expect(cip(['measures', 'add', ...w, '--vuln', 'V-001', '--description', 'Amend Section "X" of the customs code to make transmission of sea manifest data mandatory.',
      '--responsible', 'Legal', '--supporting', 'Risk management,Operations,IT', '--expected', '2023-06']).code).toBe(0);
    expect(cip(['measures', 'add', ...w, '--vuln', 'V-001', '--description', 'Amend Section "X" to include sanctions, fines and penalties', '--responsible', 'Legal',
      '--expected', 'To be included in the upcoming customs reform package', '--depends-on', 'M-001']).code).toBe(0);
    expect(cip(['measures', 'indicator', 'add', ...w, '--vuln', 'V-001', '--name', 'Advance sea manifests', '--numerator', 'Shipments with complete advance manifest',
      '--denominator', 'Total number of shipments arrived', '--goal', '100']).code).toBe(0);
    expect(cip(['measures', 'indicator', 'record', 'I-001', ...w, '--period', '2024', '--numerator', '5,478', '--denominator', '16,392']).stdout).toContain('= 33.4%');

    for (const ext of ['yaml', 'csv']) {
      const a = join(dir, `a.${ext}`), b = join(dir, `b.${ext}`), c = join(dir, `c.${ext}`);
      expect(cip(['register', 'export', a, ...w]).code).toBe(0);
      // into the same workspace: nothing changes
      const same = cipJson<{ vulnerabilities: { changed: number } }>(['register', 'import', a, ...w]);
      expect(same.vulnerabilities.changed).toBe(0);
      expect(cip(['register', 'export', b, ...w]).code).toBe(0);
      expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
      // into a fresh workspace
      const fresh = join(dir, `fresh-${ext}`);
      cip(['init', fresh]);
      expect(cip(['register', 'import', a, '--workspace', fresh]).code).toBe(0);
      expect(cip(['register', 'export', c, '--workspace', fresh]).code).toBe(0);
      expect(readFileSync(c, 'utf8')).toBe(readFileSync(a, 'utf8'));
    }
    const yaml = readFileSync(join(dir, 'a.yaml'), 'utf8');
    expect(yaml).toContain('process_code: "1.1.1"');
    expect(yaml).toContain('expected: To be included in the upcoming customs reform package');
    expect(yaml).toContain('value: 33.4');
  });

  it('refuses a CSV with a bad cell naming file, row and column, and imports nothing', () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'process_code,description,institutional_risk,compliance_risks,institutional_image,security_safety,tax_collection,trade_facilitation,occurrence:2024\n' +
      '2.1.1,Weak controls,processes,valuation,low,low,high,medium,Y\n' +
      '2.1.2,"Paper forms, no validation",processes,valuation,low,low,extreme,medium,N\n');
    const before = cipJson<unknown[]>(['register', 'list', ...w]).length;
    const r = cip(['register', 'import', csv, ...w]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: bad.csv row 2 effects (tax_collection): unknown effect level 'extreme' (expected low/1, medium/2, high/3)\n");
    expect(cipJson<unknown[]>(['register', 'list', ...w]).length).toBe(before);
  });
});
