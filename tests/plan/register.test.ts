import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { Workspace } from '../../src/workspace/workspace.ts';
import { listHistory } from '../../src/history/history.ts';
import { defaultRegisterScales } from '../../src/plan/config.ts';
import { score, indicatorPercent } from '../../src/plan/register/score.ts';
import {
  saveVulnerability,
  listVulnerabilities,
  rescoreVulnerability,
  retireVulnerability,
} from '../../src/plan/register/store.ts';
import { parseEffects, parseOccurrence } from '../../src/plan/register/parse.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { saveMeasure } from '../../src/plan/measures/store.ts';
import { saveIndicator, recordIndicatorValue } from '../../src/plan/measures/indicators.ts';
import { exportCsv, exportYaml, importRegister } from '../../src/plan/register/io.ts';
import { tmpDir } from '../helpers/tmp.ts';

// These tests spawn the real CLI; on a loaded 2-core machine each start can take many seconds.
const CLI_TIMEOUT = 300_000;

const scales = defaultRegisterScales();

describe('Annex 2 Example 1 (Tables A2.1, A2.2)', () => {
  const effects = parseEffects(scales, 'Medium,High,High,Medium', 'test');
  // Rows 1.1.1, 1.1.2 and 1.1.3 of the note carry the same effects and occurrences: one case stands for the three.
  it('1.1.1–1.1.3: expected effect 10, probability 4, priority 40, level High', () => {
    const s = score(scales, { effects, occurrence: parseOccurrence('2020=Y,2021=Y,2022=Y,2023=Y', 'test') });
    expect(s.expectedEffect).toBe(10);
    expect(s.probability).toBe(4);
    expect(s.priority).toBe(40);
    expect(s.priorityLevel).toBe('high');
    expect(s.effectPoints).toEqual({
      institutional_image: 2,
      security_safety: 3,
      tax_collection: 3,
      trade_facilitation: 2,
    });
  });

  it('probability counts only the Y periods, over any number of periods', () => {
    const s = score(scales, {
      effects,
      occurrence: parseOccurrence('2019-H1=N,2019-H2=Y,2020-H1=N,2020-H2=Y,2021-H1=Y', 'test'),
    });
    expect(s.probability).toBe(3);
    expect(s.priority).toBe(30);
    expect(s.maxPriority).toBe(3 * 4 * 5);
    expect(s.priorityLevel).toBe('medium'); // 30 / 60 = 0.5
  });
});

describe('configurable scales and bands (data, not code)', () => {
  it('a 1–5 scale with absolute priority bands', () => {
    const five = {
      ...scales,
      effect_scale: [1, 2, 3, 4, 5].map((n) => ({
        code: `p${n}`,
        points: n,
        colour: '#FFFFFF',
        labels: { en: String(n) },
      })),
      priority_bands: {
        basis: 'absolute' as const,
        bands: [
          { code: 'critical', min: 60, colour: '#C00000', labels: { en: 'Critical' } },
          { code: 'high', min: 30, colour: '#F8696B', labels: { en: 'High' } },
          { code: 'low', min: 0, colour: '#63BE7B', labels: { en: 'Low' } },
        ],
      },
    };
    const s = score(five, {
      effects: parseEffects(five, '4,5,5,3', 'test'),
      occurrence: parseOccurrence('2021=Y,2022=Y,2023=Y,2024=N', 'test'),
    });
    expect([s.expectedEffect, s.probability, s.priority, s.priorityLevel, s.maxPriority]).toEqual([
      17,
      3,
      51,
      'high',
      80,
    ]);
    expect(() => parseEffects(five, '4,5,6,3', 'cell')).toThrow(
      "cell (tax): unknown effect level '6' (expected p1/1, p2/2, p3/3, p4/4, p5/5)",
    );
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
      saveVulnerability(ws, 'ana', {
        processCode: pc,
        description: 'x',
        institutionalRisk: ir,
        complianceRisks: 'Valuation',
        effects: eff,
        occurrence: '',
      });
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
    // The same vulnerability again: updated in place when imported, refused by `register add`.
    expect((await add('3.1.1', 'legal', 'High,Low,High,Medium')).changed).toBe(false);
    await expect(
      saveVulnerability(
        ws,
        'ana',
        {
          processCode: '3.1.1',
          description: 'x',
          institutionalRisk: 'legal',
          complianceRisks: '',
          effects: 'low,low,low,low',
          occurrence: '',
        },
        'option',
        { onDuplicate: 'error' },
      ),
    ).rejects.toThrow(
      "option: already in the register as V-003 (3.1.1, legal_framework); use 'cip register score V-003' to re-assess it",
    );
    ws.close();
  });
});

describe('register storage', () => {
  it('a re-score is a new version, recorded in the history with before and after', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'ver'), { create: true });
    const { vulnerability: v } = await saveVulnerability(ws, 'ana', {
      processCode: '1.1.1',
      description: 'Insufficient and untimely sea manifest data',
      institutionalRisk: 'legal_framework',
      complianceRisks: ['contraband', 'origin'],
      effects: 'medium,high,high,medium',
      occurrence: '2020=Y,2021=Y',
    });
    expect(v.id).toBe('V-001');
    const r = await rescoreVulnerability(ws, 'bo', 'V-001', { addOccurrence: '2022=Y,2023=N' });
    expect(r.vulnerability.version).toBe(2);
    expect(r.vulnerability.score.priority).toBe(30);
    expect(await ws.scalar('SELECT count(*) FROM plan_vulnerabilities')).toBe(2);
    const h = await listHistory(ws, { entityType: 'vulnerability' });
    expect(h.map((e) => [e.actor, e.action])).toEqual([
      ['bo', 'register.update'],
      ['ana', 'register.add'],
    ]);
    expect(JSON.parse(h[0].before_json!).occurrence).toEqual([
      ['2020', 'Y'],
      ['2021', 'Y'],
    ]);
    // Unchanged input writes nothing.
    expect((await rescoreVulnerability(ws, 'bo', 'V-001', { effects: 'medium,high,high,medium' })).changed).toBe(false);
    // Retiring keeps every version and drops it from the register.
    await retireVulnerability(ws, 'ana', 'V-001', 'duplicate of V-007');
    expect(await listVulnerabilities(ws)).toEqual([]);
    expect(await ws.scalar('SELECT count(*) FROM plan_vulnerabilities')).toBe(3);
    await expect(retireVulnerability(ws, 'ana', 'V-001', 'again')).rejects.toThrow(
      'vulnerability V-001 is already retired',
    );
    ws.close();
  });

  it('refuses bad input naming the field and what was expected, and stores nothing', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'bad'), { create: true });
    await expect(
      saveVulnerability(ws, 'ana', {
        processCode: '1.1.1',
        description: 'x',
        institutionalRisk: 'weather',
        complianceRisks: '',
        effects: 'low,low,low,low',
        occurrence: '',
      }),
    ).rejects.toThrow(
      "input institutional_risk: unknown institutional risk 'weather' (expected one of legal_framework, processes, information, it_systems, infrastructure, human_resources)",
    );
    await expect(
      saveVulnerability(ws, 'ana', {
        processCode: '1.1.1',
        description: 'x',
        institutionalRisk: 'processes',
        complianceRisks: '',
        effects: 'low,huge,low,low',
        occurrence: '',
      }),
    ).rejects.toThrow("input effects (security): unknown effect level 'huge' (expected low/1, medium/2, high/3)");
    await expect(
      saveVulnerability(ws, 'ana', {
        processCode: '1.1.1',
        description: 'x',
        institutionalRisk: 'processes',
        complianceRisks: '',
        effects: 'low,low,low,low',
        occurrence: '2020=maybe',
      }),
    ).rejects.toThrow("input occurrence: occurrence for '2020' is 'maybe', expected Y or N");
    expect(await ws.scalar('SELECT count(*) FROM plan_vulnerabilities')).toBe(0);
    expect(await ws.scalar('SELECT count(*) FROM history')).toBe(0);
    ws.close();
  });
});

describe('register files', () => {
  it('export → import → export is byte-identical, YAML and CSV, into the same and into a fresh workspace', async () => {
    const base = tmpDir();
    const ws = await Workspace.open(join(base, 'a'), { create: true });
    for (const [pc, ir] of [
      ['1.1.1', 'Legal framework'],
      ['1.1.2', 'Procedures'],
      ['1.10.3', 'IT system'],
    ]) {
      await saveVulnerability(ws, 'ana', {
        processCode: pc,
        description: 'Insufficient and untimely sea manifest data, "quoted"',
        institutionalRisk: ir,
        complianceRisks: 'Contraband,Origin',
        effects: 'Medium,High,High,Medium',
        occurrence: '2020=Y,2021=Y,2022=Y,2023=Y',
      });
    }
    await saveVulnerability(ws, 'ana', {
      processCode: '3.1.1',
      description: 'Insufficient/weak sanctions',
      institutionalRisk: 'legal',
      complianceRisks: 'valuation',
      effects: 'high,low,high,medium',
      occurrence: '2024-H1=N,2024-H2=Y',
    });
    await saveMeasure(ws, 'ana', {
      vulnId: 'V-001',
      description: 'Amend Section "X" of the customs code',
      responsibleUnit: 'Legal',
      supportingUnits: ['Risk management', 'IT'],
      expectedDate: '2023-06-30',
      expectedComment: null,
      dependsOn: [],
      status: 'planned',
      completedOn: null,
    });
    await saveMeasure(ws, 'ana', {
      vulnId: 'V-001',
      description: 'Sanctions',
      responsibleUnit: 'Legal',
      supportingUnits: [],
      expectedDate: null,
      expectedComment: 'To be included in the upcoming customs reform package',
      dependsOn: ['M-001'],
      status: 'planned',
      completedOn: null,
    });
    const { indicator } = await saveIndicator(ws, 'ana', {
      vulnId: 'V-001',
      measureId: 'M-001',
      name: 'Advance manifests',
      numeratorLabel: 'Shipments with advance manifest',
      denominatorLabel: 'Shipments arrived',
      goal: 100,
    });
    await recordIndicatorValue(ws, 'ana', indicator.id, '2024', 5478, 16392);
    for (const [ext, exp] of [
      ['yaml', exportYaml],
      ['csv', exportCsv],
    ] as const) {
      const a = await exp(ws);
      const file = join(base, `a.${ext}`);
      writeFileSync(file, a);
      expect((await importRegister(ws, 'bo', file)).vulnerabilities.changed).toBe(0);
      expect(await exp(ws)).toBe(a);
      const fresh = await Workspace.open(join(base, `fresh-${ext}`), { create: true });
      await importRegister(fresh, 'bo', file);
      expect(await exp(fresh)).toBe(a);
      fresh.close();
    }
    const yaml = await exportYaml(ws);
    expect(yaml).toContain('process_code: "1.10.3"');
    expect(yaml).toContain('expected: To be included in the upcoming customs reform package');
    expect(yaml).toContain('value: 33.4');
    expect(await exportCsv(ws)).toContain(
      'V-003,1.10.3,"Insufficient and untimely sea manifest data, ""quoted""",it_systems,contraband;origin,medium,high,high,medium,Y,Y,Y,Y,,,10,4,40,high',
    );
    ws.close();
  });
});

describe('cip register (CLI)', () => {
  const dir = join(tmpDir(), 'cli');
  const w = ['--workspace', dir];

  it(
    'imports Example 1, lists it with scores, and round-trips through files byte-identically',
    async () => {
      (await Workspace.open(dir, { create: true })).close();
      const file = join(dir, 'in.yaml');
      writeFileSync(
        file,
        `vulnerabilities:\n` +
          ['1.1.1/Legal framework', '1.1.2/Procedures', '1.1.3/IT system']
            .map((x) => {
              const [pc, ir] = x.split('/');
              return (
                `  - process_code: "${pc}"\n    description: Insufficient and untimely sea manifest data\n    institutional_risk: ${ir}\n    compliance_risks: [Contraband, Origin]\n` +
                `    effects: { image: Medium, security: High, tax: High, trade: Medium }\n    occurrence: { "2020": Y, "2021": Y, "2022": Y, "2023": Y }\n`
              );
            })
            .join(''),
      );
      expect(cip(['register', 'import', file, ...w, '--user', 'ana']).stdout).toBe(
        'Imported in.yaml: 3 vulnerabilities (3 new or changed), 0 measures (0), 0 indicators (0).\n',
      );
      const list = cipJson<
        {
          id: string;
          score: { expectedEffect: number; probability: number; priority: number; priorityLevel: string };
        }[]
      >(['register', 'list', ...w]);
      expect(
        list.map((v) => [v.id, v.score.expectedEffect, v.score.probability, v.score.priority, v.score.priorityLevel]),
      ).toEqual([
        ['V-001', 10, 4, 40, 'high'],
        ['V-002', 10, 4, 40, 'high'],
        ['V-003', 10, 4, 40, 'high'],
      ]);
      const a = join(dir, 'a.csv'),
        b = join(dir, 'b.csv');
      expect(cip(['register', 'export', a, ...w]).code).toBe(0);
      expect(
        cipJson<{ vulnerabilities: { changed: number } }>(['register', 'import', a, ...w]).vulnerabilities.changed,
      ).toBe(0);
      expect(cip(['register', 'export', b, ...w]).code).toBe(0);
      expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    },
    CLI_TIMEOUT,
  );

  it(
    'refuses a CSV with a bad cell naming file, row and column, and imports nothing',
    async () => {
      const csv = join(dir, 'bad.csv');
      writeFileSync(
        csv,
        'process_code,description,institutional_risk,compliance_risks,institutional_image,security_safety,tax_collection,trade_facilitation,occurrence:2024\n' +
          '2.1.1,Weak controls,processes,valuation,low,low,high,medium,Y\n' +
          '2.1.2,"Paper forms, no validation",processes,valuation,low,low,extreme,medium,N\n',
      );
      const r = cip(['register', 'import', csv, ...w]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        "error: bad.csv row 2 effects (tax_collection): unknown effect level 'extreme' (expected low/1, medium/2, high/3)\n",
      );
      const ws = await Workspace.open(dir);
      expect(await ws.scalar("SELECT count(*) FROM plan_vulnerabilities WHERE process_code LIKE '2.%'")).toBe(0);
      ws.close();
    },
    CLI_TIMEOUT,
  );
});
