// The answers typed by their domain schemas, on a demo workspace: each route answers 200 (the serializer validates
// the answer against the declared schema, a mismatch is a 500) and the answer is the domain function's result
// unchanged — a schema missing a field would strip it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/index.ts';
import { computeSegmentation, explainOperator } from '../../src/segmentation/index.ts';
import { computeKpis } from '../../src/measure/kpi/index.ts';
import { estimateEffect } from '../../src/measure/effect/index.ts';
import { pcaPlan } from '../../src/measure/pca/index.ts';
import { qualityReport } from '../../src/ingest/index.ts';
import { riskCip } from '../../src/plan/risk/annex3.ts';
import { headReport, overdueByUnit, reminders } from '../../src/governance/followup.ts';
import { ACCOUNTS, call, login, startTestServer, type Session, type TestServer } from './helpers.ts';

let srv: TestServer;
let coordinator: Session;
/**
 * The answer is the domain result as JSON: the same keys at every depth, the same values, numbers within a relative
 * 1e-9 (sums in DuckDB run in parallel, so their last bits vary between two computations).
 */
function expectSame(actual: unknown, domain: unknown): void {
  const walk = (a: unknown, e: unknown, path: string): void => {
    if (typeof e === 'number' && typeof a === 'number') {
      expect(Math.abs(a - e), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
    } else if (Array.isArray(e)) {
      expect(Array.isArray(a) && a.length, path).toBe(e.length);
      e.forEach((x, i) => walk((a as unknown[])[i], x, `${path}[${i}]`));
    } else if (e !== null && typeof e === 'object') {
      const o = a as Record<string, unknown>;
      expect(Object.keys(o ?? {}).sort(), path).toEqual(Object.keys(e).sort());
      for (const [k, x] of Object.entries(e)) walk(o[k], x, `${path}.${k}`);
    } else expect(a, path).toEqual(e);
  };
  walk(actual, JSON.parse(JSON.stringify(domain)), '');
}

beforeAll(async () => {
  srv = await startTestServer(async (ws) => {
    await generateDemo(ws, { rows: 20_000, seed: 7 });
    await computeSegmentation(ws);
    // the demo replaces the operators: the test accounts' units need the North region and offices N1, S1
    await ws.run(`INSERT INTO operators (operator_id, name, region, office)
      VALUES ('T-N1', 'North test', 'North', 'N1'), ('T-S1', 'South test', 'South', 'S1')`);
  });
  coordinator = await login(srv.app, ACCOUNTS.coordinator.username);
}, 180_000);
afterAll(() => srv.close());

async function answer(url: string, method = 'GET', body?: unknown) {
  const r = await call(srv.app, coordinator, method, url, body);
  expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(200);
  return r.json();
}

describe('measure answers', () => {
  it('/api/kpis is the KPI report', async () => {
    const r = await answer('/api/kpis?period=quarter');
    expect(r.kpis.length).toBeGreaterThan(0);
    expectSame(r, await computeKpis(srv.ws, { period: 'quarter', from: null, to: null, lang: 'en' }));
  });

  it('/api/effect is the effect report', async () => {
    const t = await srv.ws.scalar<string>('SELECT min(treatment) FROM treatments_applied');
    const r = await answer(`/api/effect?treatment=${encodeURIComponent(t)}`);
    expect(r.outcomes).toHaveLength(2);
    expectSame(r, await estimateEffect(srv.ws, { treatment: t, lang: 'en' }));
  });

  it('/api/pca is the audit plan (the coordinator sees every office)', async () => {
    const r = await answer('/api/pca?capacity=20');
    expect(r.candidates).toHaveLength(20);
    expectSame(r, await pcaPlan(srv.ws, { capacity: 20 }));
  });
});

describe('data, governance and segmentation answers', () => {
  it('/api/data/quality is the quality report', async () => {
    expectSame(await answer('/api/data/quality'), await qualityReport(srv.ws, 'en'));
  });

  it('/api/governance/followup holds an overdue measure, the reminders and the report', async () => {
    const v = await answer('/api/plan/register', 'POST', {
      processCode: '1.1.1',
      description: 'Manifest data late',
      institutionalRisk: 'information',
      complianceRisks: ['valuation'],
      effects: {
        institutional_image: 'medium',
        security_safety: 'high',
        tax_collection: 'high',
        trade_facilitation: 'medium',
      },
      occurrence: [
        ['2023', 'Y'],
        ['2024', 'N'],
      ],
    });
    await answer('/api/plan/measures', 'POST', {
      vulnId: v.id,
      description: 'Advance manifest rule',
      responsibleUnit: 'Legal',
      expected: '2025-01-31',
    });
    const today = '2025-03-01';
    const r = await answer(`/api/governance/followup?today=${today}`);
    expect(r.overdue).toEqual([
      {
        unit: 'Legal',
        overdueActions: [],
        overdueMeasures: [
          { id: 'M-001', description: 'Advance manifest rule', expectedDate: '2025-01-31', daysLate: 29 },
        ],
      },
    ]);
    expectSame(r, {
      today,
      overdue: await overdueByUnit(srv.ws, today),
      reminders: await reminders(srv.ws, today, {}, 'en'),
      report: await headReport(srv.ws, today),
    });
  });

  it('/api/plan/annex3 is the risk-specific CIP, with the vulnerability, its measure and treatments', async () => {
    const r = await answer('/api/plan/annex3?risk=valuation');
    expect(r.vulnerabilities).toHaveLength(1);
    expect(r.vulnerabilities[0].measures).toHaveLength(1);
    expect(r.treatments).toHaveLength(9);
    expectSame(r, await riskCip(srv.ws, 'valuation'));
  });

  it('/api/operators/:id explains the GRI indicator by indicator', async () => {
    const id = await srv.ws.scalar<string>('SELECT min(operator_id) FROM operator_segments');
    const r = await answer(`/api/operators/${encodeURIComponent(id)}`);
    expect(r.explanation.indicators.length).toBeGreaterThan(0);
    expectSame(r.explanation, await explainOperator(srv.ws, id, 'general', 'en'));
  });

  it('the GRI workbench, Table 1 and Table 5 carry the run window and the configuration', async () => {
    const w = await answer('/api/gri?risk=general');
    expect(Object.keys(w.run.window).sort()).toEqual(['end', 'first', 'growthSplit', 'growthStart', 'start']);
    expect(w.config.risk).toBe('general');
    const t1 = await answer('/api/segmentation/table1?risk=general');
    expect(t1.window).toEqual({ first: w.run.window.first, end: w.run.window.end });
  });
});
