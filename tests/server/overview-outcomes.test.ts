// The web overview states which outcomes the lines hold, and which analyses are off, in the reader's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, seedLines, startTestServer, type TestServer } from './helpers.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer(async (ws) => {
    await seedLines(ws);
    await ws.run('UPDATE declaration_lines SET inspected = NULL');
  });
});
afterAll(() => srv.close());

describe('overview outcomes', () => {
  it('names the missing field and the analyses it turns off, in English then in Spanish', async () => {
    const s = await login(srv.app, 'coordinator');
    const o = (await call(srv.app, s, 'GET', '/api/overview')).json().outcomes;
    expect(o).toMatchObject({ lines: 1800, inspected: 0, finding: 1800, warning: true });
    expect(o.off).toEqual([
      { analysis: 'effect', field: 'inspected' },
      { analysis: 'kpis', field: 'inspected' },
    ]);
    expect(o.statements.map((m: { key: string }) => m.key)).toEqual(['outcomes.holds', 'outcomes.missing_inspected']);
    expect(o.statements[1].text).toMatch(/^No line says whether it was inspected \(field inspected\)/);
    expect(o.statements[1].params.channel_hint).toBe('; the channel is mapped (1,800 lines)');
    expect((await call(srv.app, s, 'PUT', '/api/me/language', { language: 'es' })).statusCode).toBe(200);
    const es = (await call(srv.app, s, 'GET', '/api/overview')).json().outcomes;
    expect(es.statements[1].text).toMatch(/^Ninguna línea indica si fue inspeccionada \(campo inspected\)/);
  });
});
