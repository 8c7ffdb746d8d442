// Segmentation endpoints over a GRI computed by the segmentation module: aggregates for analysts,
// operator-level data only with taxpayer.read and only inside the user's unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegmentation, explainOperator, links, table4 } from '../../src/segmentation/index.ts';
import { listHistory } from '../../src/history/history.ts';
import { call, login, seedLines, startTestServer, type Session, type TestServer } from './helpers.ts';

let srv: TestServer;
let coordinator: Session;
let n1: Session;
beforeAll(async () => {
  srv = await startTestServer(async (ws) => {
    await seedLines(ws);
    await computeSegmentation(ws);
  });
  coordinator = await login(srv.app, 'coordinator');
  n1 = await login(srv.app, 'operational'); // office:N1
});
afterAll(() => srv.close());

interface OpRow {
  operator_id: string;
  office: string | null;
  gri: number;
  size_segment: string;
  risk_level: string;
}

describe('aggregates', () => {
  it("Table 4 through the API is exactly the module's table, for the auditor too", async () => {
    const auditor = await login(srv.app, 'auditor');
    const r = await call(srv.app, auditor, 'GET', '/api/segmentation/table4');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(await table4(srv.ws))));
    const total = r.json().rows.find((x: { size: string }) => x.size === 'total');
    expect(total.operators).toBe(60);
    expect(total.pctOperators).toBe(100);
  });

  it('extended table adds VAT, duty, excise, repeat offenders and operators never controlled', async () => {
    const r = (await call(srv.app, coordinator, 'GET', '/api/segmentation/table4?extended=true')).json();
    expect(Object.keys(r.rows[0])).toEqual(
      expect.arrayContaining(['vat', 'duty', 'excise', 'repeatOffenders', 'withoutControl']),
    );
  });

  it('rejects an unknown risk code with 400 naming the expected format', async () => {
    const r = await call(srv.app, coordinator, 'GET', '/api/segmentation/table4?risk=DROP%20TABLE');
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/risk: a risk code such as general or valuation/);
  });
});

describe('operators: server-side paging, sorting, filtering, and unit scope', () => {
  it('HQ sees every operator, sorted by GRI descending, paged', async () => {
    const p1 = (await call(srv.app, coordinator, 'GET', '/api/segmentation/operators?limit=25')).json() as {
      rows: OpRow[];
      total: number;
    };
    const p3 = (await call(srv.app, coordinator, 'GET', '/api/segmentation/operators?limit=25&offset=50')).json() as {
      rows: OpRow[];
      total: number;
    };
    expect(p1.total).toBe(60);
    expect(p1.rows).toHaveLength(25);
    expect(p3.rows).toHaveLength(10);
    for (let i = 1; i < p1.rows.length; i++) expect(p1.rows[i - 1].gri).toBeGreaterThanOrEqual(p1.rows[i].gri);
  });

  it('filters by segment and by text', async () => {
    const hi = (
      await call(srv.app, coordinator, 'GET', '/api/segmentation/operators?size=large&level=high')
    ).json() as { rows: OpRow[]; total: number };
    const expected = Number(
      await srv.ws.scalar(
        "SELECT count(*) FROM operator_segments WHERE size_segment = 'large' AND risk_level = 'high'",
      ),
    );
    expect(hi.total).toBe(expected);
    expect(hi.rows.every((r) => r.size_segment === 'large' && r.risk_level === 'high')).toBe(true);
    const one = (await call(srv.app, coordinator, 'GET', '/api/segmentation/operators?q=NIT-017')).json() as {
      rows: OpRow[];
      total: number;
    };
    expect(one.rows.map((r) => r.operator_id)).toEqual(['NIT-017']);
  });

  it('an office user sees only the operators of their office', async () => {
    const r = (await call(srv.app, n1, 'GET', '/api/segmentation/operators?limit=500')).json() as {
      rows: OpRow[];
      total: number;
    };
    const inN1 = Number(
      await srv.ws.scalar(
        "SELECT count(*) FROM operator_segments JOIN operators USING (operator_id) WHERE office = 'N1'",
      ),
    );
    expect(r.total).toBe(inN1);
    expect(r.total).toBeGreaterThan(0);
    expect(r.rows.every((x) => x.office === 'N1')).toBe(true);
  });

  it('a director sees the offices of their directorate', async () => {
    const director = await login(srv.app, 'director'); // dir:North = N1 + N2
    const r = (await call(srv.app, director, 'GET', '/api/segmentation/operators?limit=500')).json() as {
      rows: OpRow[];
    };
    expect(new Set(r.rows.map((x) => x.office))).toEqual(new Set(['N1', 'N2']));
  });

  it('roles without taxpayer access are refused operator lists', async () => {
    for (const u of ['head', 'auditor', 'admin']) {
      const s = await login(srv.app, u);
      expect((await call(srv.app, s, 'GET', '/api/segmentation/operators')).statusCode, u).toBe(403);
      expect((await call(srv.app, s, 'GET', '/api/operators/NIT-003')).statusCode, u).toBe(403);
    }
  });
});

describe('operator page', () => {
  it('explains the GRI exactly as the segmentation module does', async () => {
    const r = await call(srv.app, coordinator, 'GET', '/api/operators/NIT-003');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.details).toMatchObject({
      operator_id: 'NIT-003',
      name: 'Gamma Trading Ltd',
      office: 'S1',
      region: 'South',
    });
    expect(body.unit).toBe('office:S1');
    expect(body.explanation).toEqual(JSON.parse(JSON.stringify(await explainOperator(srv.ws, 'NIT-003'))));
  });

  it('an office user cannot read an operator of another office (same answer as an unknown one)', async () => {
    const other = await call(srv.app, n1, 'GET', '/api/operators/NIT-003'); // S1
    const unknown = await call(srv.app, n1, 'GET', '/api/operators/NIT-999');
    expect(other.statusCode).toBe(404);
    expect(other.json().error).toBe('no operator NIT-003 in your unit (office:N1)');
    expect(unknown.statusCode).toBe(404);
    const own = await call(srv.app, n1, 'GET', '/api/operators/NIT-001'); // N1
    expect(own.statusCode).toBe(200);
  });

  it("Table 5 lists only TINs of the user's unit", async () => {
    const hq = (await call(srv.app, coordinator, 'GET', '/api/segmentation/hs/8471')).json();
    const office = (await call(srv.app, n1, 'GET', '/api/segmentation/hs/8471')).json();
    const tins = (t: { cells: { operators: { tin: string }[] }[] }) =>
      t.cells.flatMap((c) => c.operators.map((o) => o.tin));
    const n1Tins = new Set(
      (await srv.ws.all<{ operator_id: string }>("SELECT operator_id FROM operators WHERE office = 'N1'")).map(
        (r) => r.operator_id,
      ),
    );
    expect(tins(office).length).toBeGreaterThan(0);
    expect(tins(office).every((t) => n1Tins.has(t))).toBe(true);
    expect(tins(hq).length).toBeGreaterThan(tins(office).length);
    const bad = await call(srv.app, coordinator, 'GET', '/api/segmentation/hs/84x1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe("HS code '84x1': expected 2 to 10 digits (dots allowed), e.g. 8471.30 or 847130");
  });
  it("HS links: the module's brokers and suppliers, members limited to the user's unit, counts kept whole", async () => {
    // Counts inside the member lists come from DuckDB as BigInt; the answer has them as numbers.
    const all = JSON.parse(
      JSON.stringify(await links(srv.ws, '8471'), (_, v) => (typeof v === 'bigint' ? Number(v) : v)),
    );
    const hq = await call(srv.app, coordinator, 'GET', '/api/segmentation/hs/8471/links');
    expect(hq.statusCode).toBe(200);
    expect(hq.json()).toEqual(all);
    const hubs = [...all.brokers, ...all.suppliers] as { members: { tin: string }[] }[];
    expect(hubs.length).toBeGreaterThan(0);
    const office = (await call(srv.app, n1, 'GET', '/api/segmentation/hs/8471/links')).json();
    const n1Tins = new Set(
      (await srv.ws.all<{ operator_id: string }>("SELECT operator_id FROM operators WHERE office = 'N1'")).map(
        (r) => r.operator_id,
      ),
    );
    type Hub = { id: string; operators: number; members: { tin: string }[] };
    const trim = (hs: Hub[]) => hs.map((h) => ({ ...h, members: h.members.filter((m) => n1Tins.has(m.tin)) }));
    expect(office).toEqual({ ...all, brokers: trim(all.brokers), suppliers: trim(all.suppliers) });
    // The office sees fewer TINs than HQ, and only its own.
    const tins = (l: { brokers: Hub[]; suppliers: Hub[] }) => [...l.brokers, ...l.suppliers].flatMap((h) => h.members);
    expect(tins(office).length).toBeLessThan(tins(all).length);
    const bad = await call(srv.app, coordinator, 'GET', '/api/segmentation/hs/84x1/links');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe("HS code '84x1': expected 2 to 10 digits (dots allowed), e.g. 8471.30 or 847130");
    const tooMany = await call(srv.app, coordinator, 'GET', '/api/segmentation/hs/8471/links?limit=101');
    expect(tooMany.statusCode).toBe(400);
  });
});

describe('GRI workbench: re-scoring is recorded once, by the user who made it', () => {
  it('moves the high bar, re-scores at once, and writes one history entry', async () => {
    const before = (await listHistory(srv.ws, { entityType: 'gri_config' })).length;
    const r = await call(srv.app, coordinator, 'PUT', '/api/gri/rescore', {
      levels: { method: 'manual', manual: { medium: 0.05, high: 0.2 } },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().run.scoring.bars).toEqual({ medium: 0.05, high: 0.2 });
    const entries = await listHistory(srv.ws, { entityType: 'gri_config' });
    expect(entries.length).toBe(before + 1);
    expect(entries[0]).toMatchObject({ actor: 'coordinator', action: 'gri.config.set' });
    const high = Number(await srv.ws.scalar("SELECT count(*) FROM operator_segments WHERE risk_level = 'high'"));
    expect(high).toBe(r.json().run.scoring.levels.high);
    // The same bars again change nothing and record nothing.
    await call(srv.app, coordinator, 'PUT', '/api/gri/rescore', {
      levels: { method: 'manual', manual: { medium: 0.05, high: 0.2 } },
    });
    expect((await listHistory(srv.ws, { entityType: 'gri_config' })).length).toBe(before + 1);
  });

  it('a full run with an indicator switched off records the configuration and the run', async () => {
    const gri = (await call(srv.app, coordinator, 'GET', '/api/gri')).json();
    const codes: string[] = gri.catalogue.map((c: { code: string }) => c.code);
    const indicators = codes.map((code) => ({ code, enabled: code !== 'TRX_ORIGIN' }));
    const r = await call(srv.app, coordinator, 'POST', '/api/gri/compute', { config: { indicators } });
    expect(r.statusCode).toBe(200);
    expect(r.json().run.indicators.map((i: { code: string }) => i.code)).not.toContain('TRX_ORIGIN');
    const [run] = await listHistory(srv.ws, { action: 'gri.compute' });
    expect(run.actor).toBe('coordinator');
    expect(JSON.parse(run.after_json!).operators).toBe(60);
  });

  it('cached answers are dropped by a change: Table 4 follows a new bar at once', async () => {
    const highOf = async () =>
      (await call(srv.app, coordinator, 'GET', '/api/segmentation/table4'))
        .json()
        .rows.filter((r: { level: string | null }) => r.level === 'high')
        .reduce((a: number, r: { operators: number }) => a + r.operators, 0);
    await call(srv.app, coordinator, 'PUT', '/api/gri/rescore', {
      levels: { method: 'manual', manual: { medium: 0.05, high: 0.1 } },
    });
    const before = await highOf();
    // Served from the cache: the second answer reads nothing from the database.
    const read = srv.db.read.bind(srv.db);
    let reads = 0;
    srv.db.read = ((fn: Parameters<typeof read>[0]) => (reads++, read(fn))) as typeof srv.db.read;
    try {
      expect(await highOf()).toBe(before);
      expect(reads).toBe(0);
    } finally {
      srv.db.read = read;
    }
    await call(srv.app, coordinator, 'PUT', '/api/gri/rescore', {
      levels: { method: 'manual', manual: { medium: 0.05, high: 5 } },
    });
    expect(await highOf()).toBe(0);
    expect(before).toBeGreaterThan(0);
  });

  it('a director may read the workbench but not change it', async () => {
    const director = await login(srv.app, 'director');
    expect((await call(srv.app, director, 'GET', '/api/gri')).statusCode).toBe(200);
    expect(
      (await call(srv.app, director, 'PUT', '/api/gri/rescore', { levels: { manual: { high: 0.9 } } })).statusCode,
    ).toBe(403);
  });
});
