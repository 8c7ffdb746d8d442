import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { readWorkbook } from '../../src/plan/export/xlsx.ts';
import { writeDocument } from '../../src/plan/export/docx.ts';
import { gatherPlan } from '../../src/plan/export/gather.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

// These tests spawn the real CLI; on a loaded 2-core machine each start can take many seconds.
const CLI_TIMEOUT = 300_000;
import type { Vulnerability } from '../../src/plan/register/store.ts';
import type { Indicator } from '../../src/plan/measures/indicators.ts';
import type { RiskCip } from '../../src/plan/risk/annex3.ts';

// The note's Annex 2 examples as a register file, imported with the CLI.
const REGISTER = `vulnerabilities:
  - id: V-001
    process_code: "1.1.1"
    description: Insufficient and untimely sea manifest data
    institutional_risk: Legal framework
    compliance_risks: [Contraband, Origin]
    effects: { image: Medium, security: High, tax: High, trade: Medium }
    occurrence: { "2020": Y, "2021": Y, "2022": Y, "2023": Y }
    measures:
      - id: M-001
        description: Amend Section "X" of the customs code to make transmission of sea manifest data mandatory.
        responsible_unit: Legal
        supporting_units: [Risk management, Operations, IT]
        expected: 2023-06
        depends_on: [M-003]
      - id: M-002
        description: Amend Section "X" of the customs code to include sanctions to shipping lines.
        responsible_unit: Legal
        expected: To be included in the upcoming customs reform package
    indicators:
      - id: I-001
        name: Advance sea manifests
        numerator: Number of shipments where sea manifest data were filed electronically in advance (completely and on time).
        denominator: Total number of shipments arrived.
        goal: 100
        values: [{ period: "2024", numerator: 5478, denominator: 16392 }]
  - id: V-002
    process_code: "1.1.2"
    description: Insufficient and untimely sea manifest data
    institutional_risk: Procedures
    compliance_risks: [Contraband, Origin]
    effects: { image: Medium, security: High, tax: High, trade: Medium }
    occurrence: { "2020": Y, "2021": Y, "2022": Y, "2023": Y }
    measures:
      - id: M-003
        description: Amend Section "X" of the customs operational manual.
        responsible_unit: Operations
        supporting_units: [Risk management, IT, Legal]
        expected: 2023-01
    indicators:
      - id: I-002
        name: Shipping lines filing in advance
        numerator: Number of shipping lines filing complete and timely sea manifest data in advance.
        denominator: Total number of shipping lines in operation.
        goal: 100
        values: [{ period: "2024", numerator: 12, denominator: 43 }]
  - id: V-003
    process_code: "1.3.5"
    description: Lack of electronic customs value declaration
    institutional_risk: IT system
    compliance_risks: [Valuation]
    effects: { image: Low, security: Low, tax: High, trade: Medium }
    occurrence: { "2022": N, "2023": Y, "2024": Y }
`;

describe('exports on a demo workspace', () => {
  const dir = join(tmpDir(), 'demo');
  const w = ['--workspace', dir];
  const xlsx = join(dir, 'plan.xlsx');
  const docx = join(dir, 'plan.docx');

  beforeAll(async () => {
    const ws = await Workspace.open(dir, { create: true });
    await generateDemo(ws, { rows: 20_000, seed: 7 });
    await computeSegmentation(ws);
    ws.close();
    writeFileSync(join(dir, 'register.yaml'), REGISTER);
    expect(cip(['register', 'import', join(dir, 'register.yaml'), ...w, '--user', 'ana']).code).toBe(0);
    const r = cip(['export', 'xlsx', xlsx, ...w, '--risk', 'valuation', '--today', '2023-03-01', '--pseudonymise']);
    expect(r.stderr).toBe('');
  }, CLI_TIMEOUT);

  it(
    'the workbook read back equals the CLI --json numbers',
    async () => {
      const book = await readWorkbook(xlsx);
      expect(Object.keys(book)).toEqual(
        expect.arrayContaining([
          'README',
          'T1',
          'T3',
          'T4',
          'T4X',
          'T5',
          'T6',
          'T7',
          'A2.1',
          'A2.2',
          'A2.3',
          'A2.4',
          'A3.1-valuation',
          'A3.2-valuation',
          'A3.3-valuation',
          'A3.4-valuation',
          'BOX2',
        ]),
      );

      const reg = cipJson<Vulnerability[]>(['register', 'list', ...w]);
      const a22 = book['A2.2'];
      expect(a22.map((r) => [r.process_code, r.expected_effect, r.probability, r.priority, r.priority_level])).toEqual(
        reg.map((v) => [
          v.processCode,
          v.score.expectedEffect,
          v.score.probability,
          v.score.priority,
          v.score.priorityLevel,
        ]),
      );
      expect(a22[0]).toMatchObject({
        process_code: '1.1.1',
        expected_effect: 10,
        probability: 4,
        priority: 40,
        priority_level: 'high',
        'period:2020': 'Y',
      });
      expect(book['A2.1'].map((r) => r.expected_effect)).toEqual([10, 10, 7]);
      expect(book['A2.1'][2]).toMatchObject({ 'effect:institutional_image': 'low', 'effect:tax_collection': 'high' });

      const inds = cipJson<Indicator[]>(['measures', 'indicator', 'list', ...w]);
      expect(book['A2.4'].map((r) => [r.indicator_id, r.numerator, r.denominator, r.pct])).toEqual(
        inds.flatMap((i) => i.values.map((v) => [i.id, v.numerator, v.denominator, v.value])),
      );
      expect(book['A2.4'].map((r) => r.pct)).toEqual([33.4, 27.9]);
      const a23 = book['A2.3'];
      expect(a23.find((r) => r.measure_id === 'M-003')).toMatchObject({ late: 'Y', pushes_back: '' });
      expect(a23.find((r) => r.measure_id === 'M-002')!.expected).toBe(
        'To be included in the upcoming customs reform package',
      );

      const t4 = cipJson<{
        rows: { size: string; level: string | null; operators: number; value: number; pctValue: number }[];
      }>(['segment', 'matrix', ...w]);
      expect(book.T4.map((r) => [r.size, r.level, r.operators, r.value, r.pct_value])).toEqual(
        t4.rows.map((r) => [r.size, r.level, r.operators, r.value, r.pctValue]),
      );

      const a3 = cipJson<RiskCip>(['cip-risk', 'valuation', ...w]);
      expect(book['A3.1-valuation'].map((r) => [r.hs, r.cif, r.cif_var, r.vat, r.importers, r.importers_var])).toEqual(
        a3.indicators.map((i) => [
          i.hs,
          i.cif.current,
          i.cif.variation,
          i.vat.current,
          i.importers.current,
          i.importers.variation,
        ]),
      );
      expect(book['A3.2-valuation'].filter((r) => r.hs === a3.hsCodes[0]).map((r) => r.importers)).toEqual(
        a3.segmentation[0].rows.map((r) => r.importers),
      );
      expect(book['A3.4-valuation'].map((r) => r.process_code)).toEqual(['1.3.5']);

      // pseudonymised TINs: stable pseudonyms, no real operator id
      const tins = book.T5.map((r) => String(r.tin));
      expect(tins.length).toBeGreaterThan(0);
      expect(tins.every((t) => /^OP-[0-9A-F]{12}$/.test(t))).toBe(true);
      const ws = await Workspace.open(dir);
      const real = new Set(
        (await ws.all<{ id: string }>('SELECT operator_id AS id FROM operator_segments')).map((r) => r.id),
      );
      ws.close();
      expect(tins.some((t) => real.has(t))).toBe(false);
    },
    CLI_TIMEOUT,
  );

  it(
    'the Word document holds every section, in the workspace language',
    () => {
      const r = cip(['export', 'docx', docx, ...w, '--risk', 'valuation']);
      expect(r.stderr).toBe('');
      const xml = execFileSync('unzip', ['-p', docx, 'word/document.xml'], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const text = xml.replace(/<[^>]+>/g, ' ');
      for (const s of [
        '1. Context',
        '2. Segmentation of operators',
        '3. Treatment strategy',
        '4. Vulnerabilities in the core processes',
        '5. Measures and timeline',
        '6. Indicators',
        '7. Risk-specific plans',
        '8. Governance',
      ]) {
        expect(text).toContain(s);
      }
      expect(text).toContain('Insufficient and untimely sea manifest data');
      expect(text).toContain('ELEVATED ENGAGEMENT');
      expect(text).toContain('One-to-one');
      expect(text).toContain('33.4%');
      // the reader's language and currency on the command line
      const fr = join(dir, 'plan-fr.docx');
      expect(
        cip(['export', 'docx', fr, ...w, '--lang', 'fr', '--currency', 'eur', '--kpi-period', 'quarter']).stderr,
      ).toBe('');
      const xmlFr = execFileSync('unzip', ['-p', fr, 'word/document.xml'], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(xmlFr).toContain('Synthèse');
      expect(xmlFr).toContain('Les valeurs sont exprimées en EUR, la monnaie de déclaration.');
      expect(xmlFr).toMatch(/\d{3}\u00a0€/);
      expect(cip(['export', 'docx', fr, ...w, '--kpi-period', 'week']).stderr).toBe(
        "error: --kpi-period: expected one of month, quarter, year, got 'week'\n",
      );
      const media = execFileSync('unzip', ['-l', docx], { encoding: 'utf8' });
      expect(media.match(/word\/media\/\S+\.png/g)?.length).toBeGreaterThanOrEqual(3);

      // Spanish workspace → Spanish document
      return (async () => {
        const wsp = await Workspace.open(dir);
        await wsp.setSetting('language', 'es');
        const es = join(dir, 'plan-es.docx');
        await writeDocument(await gatherPlan(wsp, { risks: ['valuation'] }), es);
        wsp.close();
        const xmlEs = execFileSync('unzip', ['-p', es, 'word/document.xml'], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        expect(xmlEs).toContain('Plan de Mejora del Cumplimiento');
        expect(xmlEs).toContain('4. Vulnerabilidades en los procesos clave');
        expect(xmlEs).toContain('RELACIÓN INTENSIVA');
        expect(xmlEs).toContain('Grandes');
        expect(existsSync(es) && readFileSync(es).length).toBeGreaterThan(10_000);
      })();
    },
    CLI_TIMEOUT,
  );
});
