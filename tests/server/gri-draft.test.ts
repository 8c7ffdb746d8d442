// The GRI configuration as a draft (issue #12): previews save nothing; publishing creates one version (or one
// proposal while approval is required) showing the differences from the version in force; switching technique
// never drops an indicator; expert weights are per indicator and never an internal error; a bad expression
// points at its token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegmentation, getConfig, lastRun } from '../../src/segmentation/index.ts';
import { builtinIndicators } from '../../src/segmentation/catalogue.ts';
import { ACCOUNTS, call, login, seedLines, startTestServer, type Session, type TestServer } from './helpers.ts';
import type { GriDraft, GriPreview } from '../../src/server/routes/gri-draft.ts';

let srv: TestServer;
let coord: Session;
let auditor: Session;

beforeAll(async () => {
  srv = await startTestServer(async (ws) => {
    await seedLines(ws);
    await computeSegmentation(ws);
  });
  coord = await login(srv.app, ACCOUNTS.coordinator.username);
  auditor = await login(srv.app, ACCOUNTS.auditor.username);
});
afterAll(() => srv.close());

const footprint = async () => ({
  history: Number(await srv.ws.scalar('SELECT count(*) FROM history')),
  configs: Number(await srv.ws.scalar('SELECT count(*) FROM seg_configs')),
  proposals: Number(await srv.ws.scalar('SELECT count(*) FROM gov_proposals')),
  run: await srv.ws.scalar<string>("SELECT computed_at::VARCHAR FROM seg_runs WHERE risk = 'general'"),
});

const draft = async () => (await call(srv.app, coord, 'GET', '/api/gri/draft')).json() as GriDraft;
const codes = builtinIndicators().map((d) => d.code);

describe('reading and previewing a draft', () => {
  it('starts from the version in force with the catalogue and its default thresholds', async () => {
    const d = (await call(srv.app, auditor, 'GET', '/api/gri/draft')).json() as GriDraft;
    expect(d).toMatchObject({ risk: 'general', configId: 'general@v0', version: 0, approvalRequired: false });
    expect(d.catalogue.map((c) => c.code)).toEqual(codes);
    expect(d.catalogue.find((c) => c.code === 'TRX_BROKER')).toMatchObject({
      format: 'pct',
      direction: 'above',
      threshold: { type: 'absolute', value: 0.5 },
    });
    expect(d.config.weights).toMatchObject({ method: 'auto', expert: {} });
    expect(d.expression.lists).toEqual(['risky_brokers', 'risky_hs', 'risky_origins', 'risky_suppliers']);
  });

  it('previews expert weights per indicator without saving; all-zero expert weights are a problem, not an error', async () => {
    const d = await draft();
    const before = await footprint();
    const run = (await lastRun(srv.ws))!;
    // Indicators without their data or flagging nobody weigh nothing; the heavy one is one that counts.
    const counted = run.indicators.filter((i) => i.available && (i.flagged ?? 0) > 0);
    const heavy = counted[0];
    const expert = Object.fromEntries(run.indicators.map((i) => [i.code, i.code === heavy.code ? 3 : 1]));
    const r = await call(srv.app, auditor, 'POST', '/api/gri/preview', {
      risk: 'general',
      config: { ...d.config, weights: { ...d.config.weights, method: 'expert', expert } },
    });
    expect(r.statusCode).toBe(200);
    const p = r.json() as GriPreview;
    expect(p.changes).toEqual([
      { path: 'weights.method', before: 'auto', after: 'expert' },
      ...run.indicators.map((i) => ({ path: `weights.expert.${i.code}`, before: null, after: expert[i.code] })),
    ]);
    expect(p.needsFullRun).toBe(false);
    expect(p.problem).toBeNull();
    expect(counted.length).toBeGreaterThan(1);
    expect(p.scoring!.weights.find((w) => w.code === heavy.code)!.weight).toBeCloseTo(3 / (counted.length + 2), 12);
    expect(p.scoring!.levels.high + p.scoring!.levels.medium + p.scoring!.levels.low).toBe(run.operators);
    const zero = await call(srv.app, coord, 'POST', '/api/gri/preview', {
      risk: 'general',
      config: { ...d.config, weights: { ...d.config.weights, method: 'expert', expert: {} } },
    });
    expect(zero.statusCode).toBe(200);
    expect(zero.json()).toMatchObject({ scoring: null, table4: null });
    expect(zero.json().problem).toMatch(/^expert weights: give a positive weight to at least one available indicator/);
    expect(await footprint()).toEqual(before);
  });

  it('the old direct re-score with expert and no weights answers 400 with the reason (no internal error)', async () => {
    const before = await footprint();
    const r = await call(srv.app, coord, 'PUT', '/api/gri/rescore', { weights: { method: 'expert' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/^expert weights: give a positive weight to at least one available indicator \(/);
    expect(await footprint()).toEqual(before);
  });

  it('checks an expression and points at the offending token', async () => {
    const ok = await call(srv.app, auditor, 'POST', '/api/gri/expression', {
      expr: 'share(lines where origin_country in risky_origins) > 50%',
    });
    expect(ok.json()).toEqual({ valid: true, message: null, reason: null, position: null, token: null });
    const bad = await call(srv.app, auditor, 'POST', '/api/gri/expression', {
      expr: "share(lines where origin_countri = 'CN') > 50%",
    });
    expect(bad.json()).toMatchObject({ valid: false, position: 18, token: 'origin_countri' });
    expect(bad.json().message).toBe(
      `${bad.json().reason} at column 19:\n  share(lines where origin_countri = 'CN') > 50%\n                    ^`,
    );
  });
});

describe('publishing a draft', () => {
  it('switching technique keeps every indicator; one version; operators re-scored, not re-run', async () => {
    const d = await draft();
    const before = await footprint();
    const runBefore = (await lastRun(srv.ws))!;
    const r = await call(srv.app, coord, 'POST', '/api/gri/publish', {
      risk: 'general',
      baseVersion: d.version,
      config: { ...d.config, weights: { ...d.config.weights, method: 'frequency' } },
      comment: 'frequency of inconsistencies',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      outcome: 'version',
      configId: 'general@v1',
      version: 1,
      changes: [{ path: 'weights.method', before: 'auto', after: 'frequency' }],
      recomputed: 'rescore',
    });
    const stored = await getConfig(srv.ws);
    expect(stored.config.weights.method).toBe('frequency');
    expect(stored.config.indicators).toBeUndefined(); // every built-in stays on
    const run = (await lastRun(srv.ws))!;
    expect(run.configId).toBe('general@v1');
    expect(run.indicators.map((i) => i.code)).toEqual(runBefore.indicators.map((i) => i.code));
    expect(run.indicators.map((i) => i.code)).toContain('XC_ISIC');
    const after = await footprint();
    expect(after.configs).toBe(before.configs + 1);
    expect(after.history).toBe(before.history + 1);
  });

  it('refuses a draft identical to the version in force, a stale draft and a bad expression; nothing written', async () => {
    const d = await draft();
    const before = await footprint();
    const same = await call(srv.app, coord, 'POST', '/api/gri/publish', {
      risk: 'general',
      baseVersion: d.version,
      config: d.config,
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().error).toBe('nothing to publish: the draft is the same as general@v1');
    const stale = await call(srv.app, coord, 'POST', '/api/gri/publish', {
      risk: 'general',
      baseVersion: 0,
      config: { ...d.config, size: { large: 900_000, medium: 100_000 } },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toBe(
      "the GRI configuration 'general' changed since the draft was made from version 0 (now general@v1, by coordinator): reload it and make the changes again",
    );
    const expr = await call(srv.app, coord, 'POST', '/api/gri/publish', {
      risk: 'general',
      baseVersion: d.version,
      config: { ...d.config, custom: [{ code: 'CN_SHARE', name: 'China share', expr: 'share(lines where' }] },
    });
    expect(expr.statusCode).toBe(400);
    expect(expr.json().error).toMatch(/^custom\.0\.expr: .+ at the end of the expression:\n {2}share\(lines where\n/);
    const sizes = await call(srv.app, coord, 'POST', '/api/gri/publish', {
      risk: 'general',
      baseVersion: d.version,
      config: { ...d.config, size: { large: 100, medium: 500 } },
    });
    expect(sizes.statusCode).toBe(400);
    expect(sizes.json().error).toBe('size: size.large must be greater than size.medium');
    const forbidden = await call(srv.app, auditor, 'POST', '/api/gri/publish', {
      risk: 'general',
      baseVersion: d.version,
      config: { ...d.config, growthMonths: 6 },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(await footprint()).toEqual(before);
  });

  it('a threshold, a size cut-off, a risky list and a custom indicator are published together and re-run', async () => {
    const d = await draft();
    const config = {
      ...d.config,
      indicators: codes.map((c) => ({
        code: c,
        enabled: true,
        ...(c === 'TRX_BROKER' ? { threshold: { type: 'absolute', value: 0.3 } } : {}),
      })),
      size: { large: 400_000, medium: 100_000 },
      riskyLists: { ...d.config.riskyLists, given: { ...d.config.riskyLists.given, origins: ['CN'] } },
      custom: [
        {
          code: 'CN_SHARE',
          name: 'China share',
          expr: "share(lines where origin_country = 'CN') > 50%",
          format: 'pct',
        },
      ],
    };
    const p = (
      await call(srv.app, coord, 'POST', '/api/gri/preview', { risk: 'general', config })
    ).json() as GriPreview;
    expect(p.needsFullRun).toBe(true);
    expect(p.changes.map((c) => c.path)).toEqual([
      'size.large',
      'riskyLists.given.origins',
      'indicators.TRX_BROKER.threshold',
      'custom.CN_SHARE.name',
      'custom.CN_SHARE.expr',
      'custom.CN_SHARE.format',
      'custom.CN_SHARE.enabled',
    ]);
    const r = await call(srv.app, coord, 'POST', '/api/gri/publish', { risk: 'general', baseVersion: 1, config });
    expect(r.json()).toMatchObject({ outcome: 'version', configId: 'general@v2', recomputed: 'full' });
    const run = (await lastRun(srv.ws))!;
    expect(run.configId).toBe('general@v2');
    expect(run.indicators.map((i) => i.code)).toEqual([...codes, 'CN_SHARE']);
    expect(run.indicators.find((i) => i.code === 'TRX_BROKER')!.threshold).toEqual({ type: 'absolute', value: 0.3 });
  });

  it('while approval is required, publishing creates one proposal showing the changes; approval applies it', async () => {
    await call(srv.app, coord, 'PUT', '/api/governance/settings/approval.gri_config', { value: true });
    const d = await draft();
    expect(d.approvalRequired).toBe(true);
    const before = await footprint();
    const r = await call(srv.app, coord, 'POST', '/api/gri/publish', {
      risk: 'general',
      baseVersion: d.version,
      config: { ...d.config, levels: { ...d.config.levels, manual: { medium: 0.2, high: 0.4 } } },
      summary: 'Higher bars',
    });
    expect(r.json()).toEqual({
      outcome: 'proposal',
      proposalId: 'P-001',
      changes: [
        { path: 'levels.manual.medium', before: 0.1, after: 0.2 },
        { path: 'levels.manual.high', before: 0.3, after: 0.4 },
      ],
    });
    const after = await footprint();
    expect(after).toEqual({ ...before, history: before.history + 1, proposals: before.proposals + 1 });
    const [p] = (await call(srv.app, coord, 'GET', '/api/governance/proposals')).json();
    expect(p).toMatchObject({
      id: 'P-001',
      kind: 'gri_config',
      summary: 'Higher bars',
      status: 'pending',
      changes: [
        { path: 'levels.manual.medium', before: 0.1, after: 0.2 },
        { path: 'levels.manual.high', before: 0.3, after: 0.4 },
      ],
    });
    await call(srv.app, coord, 'POST', '/api/governance/members', { name: 'Marta Ruiz', role: 'head' });
    await call(srv.app, coord, 'POST', '/api/governance/meetings', { heldOn: '2026-05-04', chair: 'MEM-001' });
    const dec = await call(srv.app, coord, 'POST', '/api/governance/meetings/RMC-2026-01/decisions', {
      subjectType: 'proposal',
      subjectId: 'P-001',
      outcome: 'approved',
      text: 'Approved.',
    });
    expect(dec.json()).toMatchObject({ id: 'RMC-2026-01/D1', outcome: 'approved' });
    const cfg = await getConfig(srv.ws);
    expect(cfg).toMatchObject({ configId: 'general@v3', createdBy: 'coordinator' });
    expect(cfg.config.levels.manual).toEqual({ medium: 0.2, high: 0.4 });
    expect(cfg.config.custom.map((c) => c.code)).toEqual(['CN_SHARE']); // the rest of v2 is kept
  });
});
