// Plan and export endpoints: the note's Annex 2 example through the API, one history entry per change with
// the signed-in user as actor, clear refusals, unit-scoped CSV lists, pseudonymised workbooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { listHistory } from '../../src/history/history.ts';
import { call, login, seedLines, startTestServer, type Session, type TestServer } from './helpers.ts';

let srv: TestServer;
let director: Session;
const EXAMPLE_1 = {
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
    ['2020', 'Y'],
    ['2021', 'Y'],
    ['2022', 'Y'],
    ['2023', 'Y'],
  ],
};

beforeAll(async () => {
  srv = await startTestServer(async (ws) => {
    await seedLines(ws);
    await computeSegmentation(ws);
  });
  director = await login(srv.app, 'director');
});
afterAll(() => srv.close());

describe('vulnerability register through the API', () => {
  it("adds the note's Example 1: expected effect 10, probability 4, priority 40, level High", async () => {
    const r = await call(srv.app, director, 'POST', '/api/plan/register', EXAMPLE_1);
    expect(r.statusCode).toBe(200);
    expect(r.json().score).toMatchObject({ expectedEffect: 10, probability: 4, priority: 40, priorityLevel: 'high' });
    const entries = await listHistory(srv.ws, { entityType: 'vulnerability' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'director', action: 'register.add', entity_id: r.json().id });
  });

  it('an edit keeps a new version, one history entry with before and after', async () => {
    const r = await call(srv.app, director, 'PUT', '/api/plan/register/V-001', {
      effects: { ...EXAMPLE_1.effects, trade_facilitation: 'high' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ version: 2, score: { expectedEffect: 11, priority: 44 } });
    const [entry, ...rest] = await listHistory(srv.ws, { entityType: 'vulnerability' });
    expect(rest).toHaveLength(1);
    expect(entry).toMatchObject({ actor: 'director', action: 'register.update' });
    expect(JSON.parse(entry.before_json!).effects.trade_facilitation).toBe('medium');
    expect(JSON.parse(entry.after_json!).effects.trade_facilitation).toBe('high');
  });

  it('refuses an unknown entry (404) and a bad effect level (400 naming it); nothing is recorded', async () => {
    const before = (await listHistory(srv.ws)).length;
    const missing = await call(srv.app, director, 'PUT', '/api/plan/register/V-999', { description: 'x' });
    expect(missing.statusCode).toBe(404);
    const bad = await call(srv.app, director, 'PUT', '/api/plan/register/V-001', {
      effects: { ...EXAMPLE_1.effects, tax_collection: 'huge' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/huge/);
    expect((await listHistory(srv.ws)).length).toBe(before);
  });

  it('a read-only auditor sees the register but cannot change it', async () => {
    const auditor = await login(srv.app, 'auditor');
    expect((await call(srv.app, auditor, 'GET', '/api/plan/register')).json()).toHaveLength(1);
    expect((await call(srv.app, auditor, 'PUT', '/api/plan/register/V-001', { description: 'x' })).statusCode).toBe(
      403,
    );
  });
});

describe('treatment matrix through the API', () => {
  it('edits a cell, recorded once as treatments.set by the user', async () => {
    const r = await call(srv.app, director, 'PUT', '/api/plan/treatments/large/high', {
      package: 'Elevated engagement (pilot)',
      responsibleUnit: 'PCA directorate',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      package: 'Elevated engagement (pilot)',
      responsibleUnit: 'PCA directorate',
      changedBy: 'director',
    });
    const entries = await listHistory(srv.ws, { entityType: 'treatment_cell' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'director', action: 'treatments.set', entity_id: 'general:large/high' });
    const matrix = (await call(srv.app, director, 'GET', '/api/plan/treatments')).json();
    expect(matrix.cells).toHaveLength(9);
  });
});

describe('exports', () => {
  it('the workbook is an xlsx attachment', async () => {
    const r = await call(srv.app, director, 'GET', '/api/exports/plan.xlsx');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="cip-plan-\d{4}-\d{2}-\d{2}\.xlsx"/);
    expect(r.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it("the plan files come in the signed-in user's language", async () => {
    const s = await login(srv.app, 'director');
    const sheets = async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await call(srv.app, s, 'GET', '/api/exports/plan.xlsx')).rawPayload as never);
      return wb.worksheets.slice(0, 2).map((w) => w.name);
    };
    expect(await sheets()).toEqual(['About', 'Table 1']);
    expect((await call(srv.app, s, 'PUT', '/api/me/language', { language: 'es' })).statusCode).toBe(200);
    try {
      expect(await sheets()).toEqual(['Acerca de', 'Cuadro 1']);
      const docx = await call(srv.app, s, 'GET', '/api/exports/plan.docx');
      expect(docx.statusCode).toBe(200);
      const dir = mkdtempSync(join(tmpdir(), 'cip-plan-docx-'));
      writeFileSync(join(dir, 'plan.docx'), docx.rawPayload);
      const xml = execFileSync('unzip', ['-p', join(dir, 'plan.docx'), 'word/document.xml'], { encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
      expect(xml).toContain('Resumen ejecutivo');
    } finally {
      await call(srv.app, s, 'PUT', '/api/me/language', { language: 'en' });
    }
  });

  it("the selectivity list of an office user holds only that office's operators", async () => {
    const n1 = await login(srv.app, 'operational');
    const hq = (await call(srv.app, director, 'GET', '/api/exports/selectivity.csv')).body.trim().split('\n');
    const office = (await call(srv.app, n1, 'GET', '/api/exports/selectivity.csv')).body.trim().split('\n');
    expect(office[0]).toBe('operator_id,size_segment,gri,risk_level,config_id,computed_at');
    const n1Tins = new Set(
      (await srv.ws.all<{ operator_id: string }>("SELECT operator_id FROM operators WHERE office = 'N1'")).map(
        (r) => r.operator_id,
      ),
    );
    const tins = office.slice(1).map((l) => l.split(',')[0]);
    expect(tins.length).toBe([...n1Tins].length);
    expect(tins.every((t) => n1Tins.has(t))).toBe(true);
    expect(hq.length - 1).toBeGreaterThan(tins.length); // director of North sees N1 + N2
  });
});
