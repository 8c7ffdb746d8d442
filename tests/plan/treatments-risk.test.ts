import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { defaultTreatmentData, LANGUAGES } from '../../src/plan/config.ts';
import { applyCell, getMatrix } from '../../src/plan/treatments/matrix.ts';
import { setSetting } from '../../src/governance/approvals.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

// These tests spawn the real CLI; on a loaded 2-core machine each start can take many seconds.
const CLI_TIMEOUT = 300_000;
import { riskCip, type RiskCip } from '../../src/plan/risk/annex3.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';

/** Hand-made lines with known answers (see the expectations below). */
async function fixture(dir: string): Promise<void> {
  const ws = await Workspace.open(dir, { create: true });
  await ws.run(`INSERT INTO declaration_lines (declaration_id, line_no, date, flow, operator_id, hs_code, value, vat, duty, excise, inspected, finding, compliance_risk) VALUES
    ('D1', 1, '2024-03-01', 'import', 'A', '640399', 600, 60, 30, 0, true, true, 'valuation'),
    ('D2', 1, '2024-06-01', 'import', 'A', '640399', 400, 40, 20, 0, true, true, 'valuation'),
    ('D3', 1, '2024-07-01', 'import', 'B', '640399', 200, 20, 10, 0, true, false, NULL),
    ('D4', 1, '2023-05-01', 'import', 'A', '640399', 500, 50, 25, 0, true, false, NULL),
    ('D5', 1, '2023-06-01', 'import', 'C', '640399', 300, 30, 15, 0, true, true, 'Undervaluation'), -- alias, any case
    ('D6', 1, '2024-08-01', 'import', 'B', '847130', 400, 40, 0, 0, true, false, NULL),
    ('D7', 1, '2024-12-31', 'import', 'B', '847130', 100, 10, 0, 0, true, false, NULL)`);
  await ws.run(`INSERT INTO operator_segments VALUES
    ('A', 'large', 2000, 3, 0.8, 'high', 'general@v1', now()),
    ('B', 'small', 700, 3, 0.0, 'low', 'general@v1', now()),
    ('C', 'medium', 300, 1, 0.2, 'medium', 'general@v1', now())`);
  ws.close();
}

describe('treatment matrix (Table 6)', () => {
  it('is pre-filled from the note in en/es/fr/pt with the intervention type of each size', async () => {
    const d = defaultTreatmentData();
    for (const size of ['large', 'medium', 'small'] as const)
      for (const risk of ['high', 'medium', 'low'] as const) {
        const c = d.matrices.general[size][risk];
        for (const l of LANGUAGES) {
          expect(c.package[l], `${size}/${risk} ${l}`).toBeTruthy();
          expect(c.what[l]?.length, `${size}/${risk} ${l}`).toBe(c.what.en.length);
        }
      }
    const ws = await Workspace.open(join(tmpDir(), 't'), { create: true });
    const en = await getMatrix(ws);
    expect(en.map((c) => `${c.size}/${c.risk}:${c.package}:${c.intervention}`)).toEqual([
      'large/high:Elevated engagement:one_to_one',
      'large/medium:Enhanced engagement:one_to_one',
      'large/low:Regular engagement:one_to_one',
      'medium/high:Elevated engagement:one_to_several',
      'medium/medium:Enhanced engagement:one_to_several',
      'medium/low:Periodic engagement:one_to_several',
      'small/high:Elevated engagement:one_to_many',
      'small/medium:Light touch:one_to_many',
      'small/low:No touch:one_to_many',
    ]);
    await ws.setSetting('language', 'es');
    expect((await getMatrix(ws)).find((c) => c.size === 'small' && c.risk === 'low')!.package).toBe('Sin contacto');
    ws.close();
  });

  it(
    'set is versioned and attributed; apply records the segment operators once, from the start date',
    async () => {
      const dir = join(tmpDir(), 'apply');
      await fixture(dir);
      const w = ['--workspace', dir];
      const cell = cipJson<{ version: number; what: string[]; responsibleUnit: string }>([
        'treatments',
        'set',
        'large',
        'high',
        ...w,
        '--responsible',
        'PCA unit',
        '--monitoring',
        'Risk management',
        '--remove',
        'International information exchange',
        '--add',
        'Joint audit with the tax administration',
        '--user',
        'ana',
      ]);
      expect(cell.version).toBe(1);
      expect(cell.what).toContain('Joint audit with the tax administration');
      expect(cell.what).not.toContain('International information exchange');
      const r1 = cipJson<{ treatment: string; recorded: number; alreadyRecorded: number }>([
        'treatments',
        'apply',
        'large',
        'high',
        '--start',
        '2025-01-01',
        ...w,
        '--user',
        'ana',
      ]);
      expect(r1).toMatchObject({ treatment: 'large/high: Elevated engagement', recorded: 1, alreadyRecorded: 0 });
      const ws = await Workspace.open(dir);
      const r2 = await applyCell(ws, 'bo', 'general', 'large', 'high', '2025-01-01');
      expect(r2).toMatchObject({ recorded: 0, alreadyRecorded: 1 });
      expect(
        await ws.all(`SELECT operator_id, treatment, start_date, segment, applied_by FROM treatments_applied`),
      ).toEqual([
        {
          operator_id: 'A',
          treatment: 'large/high: Elevated engagement',
          start_date: '2025-01-01',
          segment: 'large/high',
          applied_by: 'ana',
        },
      ]);
      expect(await ws.all(`SELECT actor, action, entity_id FROM history ORDER BY seq`)).toEqual([
        { actor: 'ana', action: 'treatments.set', entity_id: 'general:large/high' },
        { actor: 'ana', action: 'treatments.apply', entity_id: 'general:large/high' },
      ]);
      ws.close();
      const bad = cip(['treatments', 'set', 'huge', 'high', ...w]);
      expect(bad.stderr).toBe("error: size 'huge': expected large, medium or small\n");
      // When the committee requires approval, a direct edit is refused and says how to propose it.
      const ws2 = await Workspace.open(dir);
      await setSetting(ws2, 'chair', 'approval.treatment', true);
      ws2.close();
      const gated = cip(['treatments', 'set', 'large', 'high', ...w, '--when', 'Q2 2025']);
      expect(gated.code).toBe(1);
      expect(gated.stderr).toContain(
        "changes to the treatment matrix need the committee's approval (setting approval.treatment): propose it with 'cip approvals propose treatment'",
      );
    },
    CLI_TIMEOUT,
  );
});

describe('cip cip-risk (Annex 3)', () => {
  it(
    'proposes sensitive HS codes from finding rates and computes indicators and segmentation per HS code',
    async () => {
      const dir = join(tmpDir(), 'a3');
      await fixture(dir);
      const w = ['--workspace', dir];
      const ws = await Workspace.open(dir);
      await saveVulnerability(ws, 'ana', {
        processCode: '1.3.5',
        description: 'Lack of electronic customs value declaration',
        institutionalRisk: 'IT system',
        complianceRisks: 'valuation',
        effects: 'low,low,high,medium',
        occurrence: '',
      });
      await saveVulnerability(ws, 'ana', {
        processCode: '1.1.1',
        description: 'Insufficient and untimely sea manifest data',
        institutionalRisk: 'legal',
        complianceRisks: 'contraband',
        effects: 'medium,high,high,medium',
        occurrence: '',
      });
      const given = await riskCip(ws, 'valuation', { hs: ['8471.30'] });
      expect(given.hsCodes).toEqual(['847130']);
      expect(given.indicators[0].cif).toEqual({ current: 500, previous: 0, variation: null });
      await expect(riskCip(ws, 'valuation', {})).rejects.toThrow(
        "no HS code has findings for 'valuation' with at least 30 inspected lines between 2022-12-31 and 2024-12-31",
      );
      ws.close();
      const r = cipJson<RiskCip>(['cip-risk', 'undervaluation', '--min-support', '1', ...w]);
      expect(r.risk).toBe('valuation');
      expect(r.windows.current).toEqual({ start: '2023-12-31', end: '2024-12-31' });
      expect(r.proposed).toEqual([{ hs: '640399', inspected: 5, findings: 3, findingRate: 60, reassessed: 0 }]);
      expect(r.operators).toBe(2);
      const [i] = r.indicators;
      expect(i.cif).toEqual({ current: 1200, previous: 800, variation: 50 });
      expect(i.vat).toEqual({ current: 120, previous: 80, variation: 50 });
      expect(i.duty).toEqual({ current: 60, previous: 40, variation: 50 });
      expect(i.importers).toEqual({ current: 2, previous: 2, variation: 0 });
      const rows = r.segmentation[0].rows.filter((x) => x.importers > 0);
      expect(rows).toEqual([
        {
          size: 'large',
          level: 'high',
          importers: 1,
          pctImporters: 50,
          repeatOffenders: 1,
          repeatOffendersPrevious: 0,
          repeatOffendersVariation: null,
          cif: 1000,
          pctCif: 83.3,
          collection: 150,
          pctCollection: 83.3,
        },
        {
          size: 'small',
          level: 'low',
          importers: 1,
          pctImporters: 50,
          repeatOffenders: 0,
          repeatOffendersPrevious: 0,
          repeatOffendersVariation: null,
          cif: 200,
          pctCif: 16.7,
          collection: 30,
          pctCollection: 16.7,
        },
      ]);
      expect(r.treatments.find((c) => c.size === 'large' && c.risk === 'high')!.what).toEqual(['PCA (on-site)']);
      expect(r.vulnerabilities.map((v) => [v.processCode, v.score.expectedEffect])).toEqual([['1.3.5', 7]]);

      expect(cip(['cip-risk', 'weather', ...w]).stderr).toContain("unknown compliance risk 'weather'");
    },
    CLI_TIMEOUT,
  );
});
