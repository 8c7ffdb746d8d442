// GET /api/gri/operators(.csv|.xlsx): the operator list of `cip gri operators` through the API, scoped to the
// user's unit, with the response checked by its zod schema and the exports neutralised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegmentation } from '../../src/segmentation/index.ts';
import { operatorList, OperatorListSchema } from '../../src/segmentation/operator-list.ts';
import { call, login, seedLines, startTestServer, type Session, type TestServer } from './helpers.ts';

let srv: TestServer;
let coordinator: Session;
let n1: Session;
beforeAll(async () => {
  srv = await startTestServer(async (ws) => {
    await seedLines(ws);
    await ws.run(`UPDATE operators SET name = '=cmd|calc' WHERE operator_id = 'NIT-003'`);
    await computeSegmentation(ws);
  });
  coordinator = await login(srv.app, 'coordinator');
  n1 = await login(srv.app, 'operational'); // office:N1
});
afterAll(() => srv.close());

describe('operator list API', () => {
  it("HQ gets the module's list; filters and paging on the server", async () => {
    const r = await call(srv.app, coordinator, 'GET', '/api/gri/operators?limit=10');
    expect(r.statusCode).toBe(200);
    const body = OperatorListSchema.parse(r.json());
    const direct = await operatorList(srv.ws, { risk: 'general', offices: null }, { offset: 0, limit: 10 });
    expect(body).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(body.total).toBe(60);
    const f = OperatorListSchema.parse(
      (await call(srv.app, coordinator, 'GET', '/api/gri/operators?level=low&size=small&unit=S1&limit=500')).json(),
    );
    expect(f.rows.every((x) => x.risk_level === 'low' && x.size_segment === 'small' && x.office === 'S1')).toBe(true);
    expect(f.total).toBe(f.rows.length);
    const bad = await call(srv.app, coordinator, 'GET', '/api/gri/operators?level=severe');
    expect(bad.statusCode).toBe(400);
  });

  it("an office user sees only their office's operators, in the list and in the exports", async () => {
    const r = OperatorListSchema.parse((await call(srv.app, n1, 'GET', '/api/gri/operators?limit=500')).json());
    expect(r.total).toBeGreaterThan(0);
    expect(r.rows.every((x) => x.office === 'N1')).toBe(true);
    const csv = await call(srv.app, n1, 'GET', '/api/gri/operators.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines).toHaveLength(r.total + 1);
    expect(lines.slice(1).every((l) => l.split(',')[2] === 'N1')).toBe(true);
  });

  it('exports neutralise formula-like cells; XLSX is a workbook; roles without taxpayer access are refused', async () => {
    const csv = (await call(srv.app, coordinator, 'GET', '/api/gri/operators.csv?unit=S1')).body;
    expect(csv).toContain("NIT-003,'=cmd|calc,S1,South,");
    const x = await call(srv.app, coordinator, 'GET', '/api/gri/operators.xlsx');
    expect(x.statusCode).toBe(200);
    expect(x.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const auditor = await login(srv.app, 'auditor');
    expect((await call(srv.app, auditor, 'GET', '/api/gri/operators')).statusCode).toBe(403);
    expect((await call(srv.app, auditor, 'GET', '/api/gri/operators.csv')).statusCode).toBe(403);
  });
});
