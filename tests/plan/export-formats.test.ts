// The plan document and the workbooks read back as a reader sees them: numbers in the reader's locale (thousands
// separators, percentages as %, never a raw fraction), an executive summary whose figures are those of the
// workspace (computed here from its tables), a table of contents, every table within its page; Excel number formats,
// frozen headers, filters, fitted widths and sheet names in the reader's language.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation, getConfig } from '../../src/segmentation/index.ts';
import { importRegister } from '../../src/plan/register/io.ts';
import { assignAction, createMeeting, propose, recordDecision, saveMember } from '../../src/governance/index.ts';
import { minutesXlsx } from '../../src/governance/export.ts';
import { gatherPlan, type PlanData } from '../../src/plan/export/gather.ts';
import { writeDocument } from '../../src/plan/export/docx.ts';
import { readWorkbook, writeWorkbook } from '../../src/plan/export/xlsx.ts';
import { ExportText, PLAN_LABELS, loadExportLabels } from '../../src/plan/export/labels.ts';
import { GOVERNANCE_LABELS } from '../../src/governance/labels.ts';
import { tmpDir } from '../helpers/tmp.ts';

const TODAY = '2026-03-01';
const REGISTER = `vulnerabilities:
  - id: V-001
    process_code: "1.1.1"
    description: Insufficient and untimely sea manifest data
    institutional_risk: Legal framework
    compliance_risks: [Contraband, Origin]
    effects: { image: Medium, security: High, tax: High, trade: Medium }
    occurrence: { "2022": Y, "2023": Y, "2024": Y, "2025": Y }
    measures:
      - { id: M-001, description: Make manifest data mandatory, responsible_unit: Legal, expected: 2025-12-31 }
      - { id: M-002, description: Sanctions for late filing, responsible_unit: Legal, expected: 2026-09-30 }
    indicators:
      - id: I-001
        name: Advance sea manifests
        numerator: Shipments with the manifest filed in advance
        denominator: Shipments arrived
        goal: 90
        values: [{ period: "2025", numerator: 9120, denominator: 17003 }]
  - id: V-002
    process_code: "1.3.5"
    description: Lack of electronic customs value declaration
    institutional_risk: IT system
    compliance_risks: [Valuation]
    effects: { image: Low, security: Low, tax: High, trade: Medium }
    occurrence: { "2023": N, "2024": Y, "2025": Y }
    measures:
      - { id: M-003, description: Electronic value declaration, responsible_unit: IT, expected: 2025-06-30, status: done, completed_on: 2025-07-15 }
`;

// ---- reading word/document.xml ----
const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const textOf = (xml: string) => decode([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));
const paragraphs = (xml: string) => xml.split('</w:p>').map(textOf).filter(Boolean);
interface DocTable {
  at: number;
  width: { type: string; w: number };
  grid: number[];
  rows: string[][];
}
function tables(xml: string): DocTable[] {
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((m) => {
    const t = m[1];
    const tw = /<w:tblW w:type="(\w+)" w:w="(\d+)"\/>/.exec(t)!;
    return {
      at: m.index!,
      width: { type: tw[1], w: Number(tw[2]) },
      grid: [...t.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((g) => Number(g[1])),
      rows: [...t.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((r) =>
        [...r[1].matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => paragraphs(c[1]).join('\n')),
      ),
    };
  });
}
/** Text width (twips) of the section each position belongs to: its sectPr comes after it. */
function sectionWidths(xml: string): { at: number; width: number }[] {
  return [
    ...xml.matchAll(/<w:sectPr>[\s\S]*?<w:pgSz w:w="(\d+)"[\s\S]*?<w:pgMar[^>]*w:right="(\d+)"[^>]*w:left="(\d+)"/g),
  ].map((m) => ({ at: m.index!, width: Number(m[1]) - Number(m[2]) - Number(m[3]) }));
}
const documentXml = (file: string) =>
  execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

// Thousands and decimals written by hand (not with Intl), per locale.
const SEP = { en: ',', es: '.', fr: '\u202f' } as const;
const DEC = { en: '.', es: ',', fr: ',' } as const;
const PCT = { en: '%', es: '\u00a0%', fr: '\u00a0%' } as const;
type L = keyof typeof SEP;
const grouped = (n: number, l: L) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, SEP[l]);
const percent = (x: number, l: L) => `${x.toFixed(1).replace('.', DEC[l])}${PCT[l]}`;

type Counts = Map<string, number>;
async function segmentCounts(ws: Workspace): Promise<Counts> {
  const rows = await ws.all<{ size: string; level: string; n: number }>(
    'SELECT size_segment AS size, risk_level AS level, count(*)::INTEGER AS n FROM operator_segments GROUP BY ALL',
  );
  const m: Counts = new Map();
  const add = (k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const r of rows) {
    add(`${r.size}/${r.level}`, r.n);
    add(`${r.size}/`, r.n);
    add(`total/${r.level}`, r.n);
    add('total/', r.n);
  }
  return m;
}

describe('plan document and workbooks in the reader’s locale', () => {
  const dir = tmpDir();
  let ws: Workspace;
  let before: Counts;
  let after: Counts;
  const plans: Record<L, PlanData> = {} as never;
  const xml: Record<L, string> = {} as never;
  let truth: {
    lines: number;
    register: number;
    withLines: number;
    scored: number;
    value: number;
    largeShareOfValue: number;
    first: string;
    last: string;
  };
  let minutesRef = '';

  beforeAll(async () => {
    ws = await Workspace.open(join(dir, 'ws'), { create: true });
    await generateDemo(ws, { rows: 20_000, seed: 7 });
    await ws.setSetting('currency', 'USD');
    // Two GRI runs: the first over a window ending six months earlier, as a run made then would have been.
    const cfg = (await getConfig(ws)).config;
    const end = (await ws.scalar<string>(
      `SELECT (max(date) - INTERVAL 6 MONTH)::DATE::VARCHAR FROM declaration_lines`,
    ))!;
    await computeSegmentation(ws, { config: { ...cfg, window: { ...cfg.window, end } } });
    before = await segmentCounts(ws);
    await computeSegmentation(ws);
    after = await segmentCounts(ws);
    writeFileSync(join(dir, 'register.yaml'), REGISTER);
    await importRegister(ws, 'ana', join(dir, 'register.yaml'));
    await saveMember(ws, 'ana', { name: 'Marta Ruiz', role: 'head', unit: 'Head office' });
    const m = await createMeeting(ws, 'ana', { heldOn: '2026-02-10', chair: 'Marta Ruiz', planItems: false });
    minutesRef = m.ref;
    await recordDecision(ws, 'ana', m.ref, {
      subjectType: 'measure',
      subjectId: 'M-001',
      outcome: 'instructed',
      text: 'Legal to table the amendment at the next reform.',
    });
    await assignAction(ws, 'ana', m.ref, {
      description: 'Cost the value declaration',
      ownerUnit: 'IT',
      dueDate: '2026-02-20',
    });
    await propose(
      ws,
      'jon',
      'treatment',
      { size: 'large', risk: 'high', patch: { how: 'Joint audits' } },
      'Joint audits for large high-risk operators',
    );
    const q = (sql: string) => ws.scalar<number | string>(sql);
    truth = {
      lines: Number(await q('SELECT count(*) FROM declaration_lines')),
      register: Number(await q('SELECT count(DISTINCT operator_id) FROM operators')),
      withLines: Number(await q('SELECT count(DISTINCT operator_id) FROM declaration_lines')),
      scored: Number(await q('SELECT count(*) FROM operator_segments')),
      value: Number(await q('SELECT sum(total_value) FROM operator_segments')),
      largeShareOfValue: Number(
        await q(
          "SELECT 100 * sum(total_value) FILTER (WHERE size_segment = 'large') / sum(total_value) FROM operator_segments",
        ),
      ),
      first: String(await q('SELECT min(date)::VARCHAR FROM declaration_lines')),
      last: String(await q('SELECT max(date)::VARCHAR FROM declaration_lines')),
    };
    for (const l of ['en', 'es', 'fr'] as const) {
      plans[l] = await gatherPlan(ws, { language: l, today: TODAY, risks: ['valuation'] });
      const f = join(dir, `plan-${l}.docx`);
      await writeDocument(plans[l], f);
      xml[l] = documentXml(f);
    }
    await writeWorkbook(plans.en, join(dir, 'plan-en.xlsx'));
    await writeWorkbook(plans.es, join(dir, 'plan-es.xlsx'));
  }, 600_000);

  it('opens with the executive summary: segments and their change since the previous run, as the workspace holds them', () => {
    const summary = tables(xml.en)[0];
    expect(summary.rows[0]).toEqual(['Size', 'High', 'Medium', 'Low', 'Total', '% of value']);
    const cell = (key: string) => {
      const d = after.get(key)! - (before.get(key) ?? 0);
      return `${grouped(after.get(key)!, 'en')} (${d === 0 ? '±0' : (d > 0 ? '+' : '-') + grouped(Math.abs(d), 'en')})`;
    };
    const expected = ['large', 'medium', 'small', 'total'].map((s) => [
      { large: 'Large', medium: 'Medium', small: 'Small', total: 'Total' }[s],
      cell(`${s}/high`),
      cell(`${s}/medium`),
      cell(`${s}/low`),
      cell(`${s}/`),
    ]);
    expect(summary.rows.slice(1).map((r) => r.slice(0, 5))).toEqual(expected);
    // the runs differ (another window), so the movement is not all zeros
    expect(expected.flat().some((c) => /\([+-]/.test(String(c)))).toBe(true);
    expect(summary.rows[1][5]).toBe(percent(truth.largeShareOfValue, 'en'));

    const text = paragraphs(xml.en);
    const figures = text.find((p) => p.startsWith('In the segmentation window'))!;
    expect(figures).toContain(
      `${grouped(truth.scored, 'en')} operators declared goods worth US$${grouped(truth.value, 'en')}`,
    );
    expect(figures).toContain(`account for ${percent(truth.largeShareOfValue, 'en')} of that value`);
    const high = [...after].filter(([k]) => k === 'total/high')[0][1];
    expect(figures).toContain(`The GRI rates ${grouped(high, 'en')} operators at high risk`);
    // progress and pending decisions: 1 of 3 measures done, M-001 late; one proposal, one overdue action
    expect(text).toContain('Measures completed: 1 of 3 (33.3%); late, past their expected completion: 1.');
    expect(text).toContain('Monitoring indicators at their goal: 0 of 1.');
    expect(text).toContain("Proposals awaiting the committee's decision: 1");
    expect(text).toContain('P-001 (treatment): Joint audits for large high-risk operators — proposed by jon');
    expect(text).toContain('Follow-up actions open: 1, of which past their due date: 1.');
    expect(text.find((p) => p.startsWith('1.1.1 Insufficient'))).toBe(
      '1.1.1 Insufficient and untimely sea manifest data — priority 40 (High); measures completed: 0 of 2.',
    );
  });

  it('the Box 2 changes of the summary are the largest variations between the last two periods, formatted by unit', () => {
    const changes = plans.en.kpis!.kpis.flatMap((k) => {
      const dims = [...new Set(k.points.map((p) => p.dimension))];
      return dims.flatMap((d) => {
        const pts = k.points.filter((p) => p.dimension === d && p.value !== null);
        const last = pts.at(-1);
        return last && pts.length > 1 && last.variation !== null ? [{ k, last, prev: pts.at(-2)! }] : [];
      });
    });
    const top = changes.sort((a, b) => Math.abs(b.last.variation!) - Math.abs(a.last.variation!))[0];
    const t = tables(xml.en)[1];
    expect(t.rows[0]).toEqual(['Indicator', 'Previous period', 'Latest period', 'Periodic variation']);
    expect(t.rows[1][0].startsWith(top.k.name)).toBe(true);
    const v = top.last.variation! * 100;
    const [whole, decimals] = Math.abs(v).toFixed(1).split('.');
    expect(t.rows[1][3]).toBe(`${v > 0 ? '+' : '-'}${grouped(Number(whole), 'en')}.${decimals}%`);
  });

  it('has a table of contents, the committee’s decisions and a context made of this workspace’s figures', () => {
    expect(xml.en).toMatch(/<w:instrText[^>]*>TOC \\h \\o &quot;1-2&quot;/);
    const toc = paragraphs(xml.en.slice(xml.en.indexOf('TOC \\h')));
    expect(toc.some((p) => /^1\. Context\d+$/.test(p))).toBe(true);
    const text = paragraphs(xml.en);
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];
    const day = (iso: string) =>
      `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
    expect(text).toContain(
      `The workspace holds ${grouped(truth.lines, 'en')} declaration lines dated from ${day(truth.first)} to ${day(truth.last)}, from ${grouped(truth.withLines, 'en')} operators.`,
    );
    expect(text).toContain(
      `Why the operator counts differ: the operator register lists ${grouped(truth.register, 'en')} operators; ${grouped(truth.withLines, 'en')} of them have declaration lines, and ${grouped(truth.scored, 'en')} declared in the segmentation window. Only these are scored.`,
    );
    expect(text).toContain('Values are in USD, the reporting currency.');
    const decisions = tables(xml.en).find((t) => t.rows[0][0] === 'Decision')!;
    expect(decisions.rows[1]).toEqual([
      `${minutesRef}/D1`,
      '10 Feb 2026',
      'measure M-001',
      'instructed',
      'Legal to table the amendment at the next reform.',
    ]);
    // KPI trends as small charts
    expect(text).toContain('Trends of the Box 2 indicators');
    const charts = (xml.en.match(/<pic:pic\b/g) ?? []).length;
    expect(charts).toBeGreaterThanOrEqual(2 + 6);
  });

  it('writes numbers in the reader’s locale, never a raw fraction, and keeps every table within its page', () => {
    for (const l of ['en', 'es', 'fr'] as const) {
      const all = paragraphs(xml[l]).join('\n');
      expect(all).toContain(grouped(truth.value, l));
      expect(all).toContain(percent(truth.largeShareOfValue, l));
      expect(all).not.toMatch(/(^|[^\d.,])0[.,]\d{4,}/m);
      // a ratio KPI of Box 2 reads as a percentage
      const k = plans[l].kpis!.kpis.find((x) => x.unit === 'ratio' && x.points.some((p) => p.dimension === null))!;
      const last = k.points.filter((p) => p.dimension === null && p.value !== null).at(-1)!;
      const row = tables(xml[l])
        .flatMap((t) => t.rows)
        .find((r) => r[1] === k.name && r[3] === last.period)!;
      expect(row[4]).toBe(percent(last.value! * 100, l));
      const secs = sectionWidths(xml[l]);
      expect(secs.map((s) => s.width)).toEqual([11906 - 2 * 1134, 16838 - 2 * 1134]);
      for (const t of tables(xml[l])) {
        const width = secs.find((s) => s.at > t.at)!.width;
        expect(t.width.type).toBe('dxa');
        expect(t.width.w).toBeLessThanOrEqual(width);
        expect(t.grid.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(width);
      }
    }
    // the French grouping separator is the narrow no-break space Intl gives; Spanish uses dots
    expect(paragraphs(xml.fr).join('')).toMatch(/\d\u202f\d{3}\u202f\d{3}/);
    expect(paragraphs(xml.es).join('')).toContain(`Resumen ejecutivo`);
  });

  it('the workbook: sheet names in the reader’s language, frozen headers, filters, fitted widths, formats by unit', async () => {
    for (const l of ['en', 'es'] as const) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(dir, `plan-${l}.xlsx`));
      const names = wb.worksheets.map((s) => s.name);
      expect(names.slice(0, 3)).toEqual(
        l === 'en' ? ['About', 'Table 1', 'Table 3'] : ['Acerca de', 'Cuadro 1', 'Cuadro 3'],
      );
      expect(names).toContain(l === 'en' ? 'Annex 3.1 Valuation' : 'Anexo 3.1 Valoración');
      for (const s of wb.worksheets) {
        expect(s.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
        const cols = s.getRow(2).cellCount;
        if (s.rowCount > 3) expect(s.autoFilter).toBeTruthy();
        for (let c = 1; c <= cols; c++) {
          const width = s.getColumn(c).width!;
          expect(width).toBeGreaterThanOrEqual(10);
          // wide enough for every number it shows (text wraps)
          for (let r = 4; r <= s.rowCount; r++) {
            const v = s.getCell(r, c).value;
            if (typeof v === 'number' && s.getCell(r, c).numFmt === '#,##0')
              expect(width).toBeGreaterThanOrEqual(Math.round(Math.abs(v)).toLocaleString('en').length);
          }
        }
      }
      const t4 = wb.getWorksheet(l === 'en' ? 'Table 4' : 'Cuadro 4')!;
      const head = (code: string) => (t4.getRow(2).values as string[]).indexOf(code);
      expect(t4.getCell(4, head('operators')).numFmt).toBe('#,##0');
      expect(t4.getCell(4, head('value')).numFmt).toBe('#,##0');
      expect(t4.getCell(4, head('pct_value')).numFmt).toBe('0.0"%"');
      expect(t4.getCell(4, head('pct_value')).value).toBeGreaterThan(1); // percent units, shown as 80.9%
      expect(t4.getCell(3, head('pct_value')).value).toBe(l === 'en' ? '% of value' : '% del valor');
      // Box 2: a ratio is a fraction with a percent format (0.184 shows 18.4%), a count has separators
      const box = wb.getWorksheet(l === 'en' ? 'Box 2' : 'Recuadro 2')!;
      const bh = (code: string) => (box.getRow(2).values as string[]).indexOf(code);
      const unit = new Map(plans[l].kpis!.kpis.map((k) => [k.code, k.unit]));
      let ratios = 0;
      for (let r = 4; r <= box.rowCount; r++) {
        const u = unit.get(String(box.getCell(r, bh('kpi_code')).value));
        const cell = box.getCell(r, bh('value'));
        if (cell.value === null) continue;
        if (u === 'ratio') {
          ratios++;
          expect(cell.numFmt).toBe('0.0%');
          expect(Math.abs(Number(cell.value))).toBeLessThanOrEqual(1);
        } else expect(cell.numFmt).toBe(u === 'hours' ? '#,##0.0' : '#,##0');
      }
      expect(ratios).toBeGreaterThan(0);
    }
    // read back by code whatever the language
    const es = await readWorkbook(join(dir, 'plan-es.xlsx'));
    expect(Object.keys(es)).toEqual(expect.arrayContaining(['README', 'T1', 'T4', 'BOX2', 'A3.1-valuation']));
    expect(es.T4.find((r) => r.size === 'total')!.operators).toBe(truth.scored);
  });

  it('the governance workbooks: translated sheet names and headers, frozen header row, filters, date formats', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await minutesXlsx(ws, minutesRef, 'es')) as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'Reunión',
      'Asistentes',
      'Firmas',
      'Acta',
      'Decisiones',
      'Acciones',
    ]);
    const dec = wb.getWorksheet('Decisiones')!;
    expect(dec.getRow(1).values).toEqual([
      undefined,
      'Decisión',
      'Punto',
      'Tipo de objeto',
      'Objeto',
      'Resultado',
      'Texto',
      'Registrado por',
    ]);
    expect(dec.getRow(2).getCell(5).value).toBe('instruida');
    for (const s of wb.worksheets) {
      expect(s.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      if (s.rowCount > 1) expect(s.autoFilter).toBeTruthy();
    }
    const acts = wb.getWorksheet('Acciones')!;
    expect(acts.getCell(2, 4).value).toEqual(new Date('2026-02-20T00:00:00Z'));
    expect(acts.getCell(2, 4).numFmt).toBe('yyyy-mm-dd');
    ws.close();
  });

  it('every export text exists in the four languages; sheet names fit Excel’s 31 characters', () => {
    for (const f of [PLAN_LABELS, GOVERNANCE_LABELS]) {
      const l = loadExportLabels(f);
      for (const lang of ['en', 'es', 'fr', 'pt'] as const) {
        const t = new ExportText(f, lang);
        for (const k of Object.keys(l.tabs)) expect(t.tab(k).length).toBeLessThanOrEqual(31);
      }
    }
  });
});
