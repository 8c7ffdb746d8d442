// Golden results of the analytics (GRI, Tables 1/4/5, backtest, selectivity export, KPIs, Annex 3) on two data sets:
// a 20,000-line demo data set kept as Parquet (tests/fixtures/golden/demo/, made by the demo generator of
// 2026-12-03, seed 42, amounts rounded) and the public Korean split (../shared/data/kcs-synthetic). The expected
// values in tests/fixtures/golden/*.json were written by `node bin/run-ts.js tests/golden/capture.ts` with the code
// as it was before the analytics were rewritten over aggregates (issue #15); golden.test.ts compares today's code
// with them. Never regenerate them to make a test pass.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workspace } from '../../src/workspace/workspace.ts';
import { importFile } from '../../src/ingest/index.ts';
import { computeSegmentation, table1, table4, hsTable } from '../../src/segmentation/index.ts';
import { loadSelectivityConfig, type SelectivityConfig } from '../../src/measure/selectivity/config.ts';
import { exportSelectivity } from '../../src/measure/selectivity/export.ts';
import { runBacktest, type BacktestOptions } from '../../src/measure/backtest/backtest.ts';
import { computeKpis } from '../../src/measure/kpi/index.ts';
import { rebuildDeclarations } from '../../src/ingest/declarations.ts';
import { riskCip } from '../../src/plan/risk/annex3.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const DEMO_FIXTURE = join(ROOT, 'tests', 'fixtures', 'golden', 'demo');
export const KCS_DATA = join(ROOT, '..', 'shared', 'data', 'kcs-synthetic');
const KCS_MAPPING = join(ROOT, 'examples', 'mappings', 'kcs.yaml');
const KCS_FACTORS = join(ROOT, 'src', 'measure', 'selectivity', 'factors.kcs.yaml');
export const DEMO_TABLES = [
  'declaration_lines',
  'operators',
  'tax_records',
  'cases',
  'audits',
  'treatments_applied',
] as const;

export async function loadDemoFixture(ws: Workspace): Promise<void> {
  for (const t of DEMO_TABLES) {
    await ws.run(`INSERT INTO ${t} BY NAME SELECT * FROM read_parquet('${join(DEMO_FIXTURE, `${t}.parquet`)}')`);
  }
  // The declarations an import keeps with its lines, so the KPIs are read as in an imported workspace.
  await rebuildDeclarations(ws);
}

export async function loadKcs(ws: Workspace): Promise<void> {
  for (const f of ['train', 'valid', 'test']) {
    await importFile(ws, 'declarations', join(KCS_DATA, `df_syn_${f}_eng.csv`), { mappingFile: KCS_MAPPING });
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** The scored lines of the last scoring (sel_scores): counts, their order by score and every 40th line in full. */
async function scoresDigest(ws: Workspace, cfg: SelectivityConfig): Promise<unknown> {
  const c = cfg.factors.map((_, j) => `c_${j}`).join(', ');
  const rows = await ws.all<Record<string, unknown>>(
    `SELECT declaration_id || '/' || line_no AS id, score, p, level, ${c} FROM sel_scores
     ORDER BY score DESC, hash(declaration_id, line_no)`,
  );
  const levels: Record<string, number> = {};
  for (const r of rows) levels[String(r.level)] = (levels[String(r.level)] ?? 0) + 1;
  return {
    lines: rows.length,
    levels,
    order: sha(rows.map((r) => r.id).join('\n')),
    sample: rows.filter((_, i) => i % 200 === 0),
  };
}

async function backtest(ws: Workspace, cfg: SelectivityConfig, o: BacktestOptions): Promise<unknown> {
  const r = await runBacktest(ws, cfg, o);
  return { result: r, scores: await scoresDigest(ws, cfg) };
}

/** The CSV a selectivity export writes: rows, SHA-256 and its first lines. */
async function exportDigest(ws: Workspace, level: 'line' | 'operator', asOf?: string): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'cip-golden-'));
  try {
    const out = join(dir, 'x.csv');
    const cfg = loadSelectivityConfig();
    // No lot (randomShare 0): the export as it was before the random share (a column added, no score changed).
    const r = await exportSelectivity(ws, cfg, { out, level, asOf, randomShare: 0 });
    const text = readFileSync(out, 'utf8');
    const lines = text.split('\n');
    return {
      rows: r.rows,
      scoredLines: r.scoredLines,
      historyLines: r.historyLines,
      model: r.model,
      sha256: sha(text),
      head: lines.slice(0, 4),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GRI of every operator: segment counts, levels and rank order (SHA-256), GRI sum and every 50th operator. */
async function griDigest(ws: Workspace): Promise<unknown> {
  const rows = await ws.all<{ operator_id: string; gri: number; risk_level: string; size_segment: string }>(
    `SELECT operator_id, gri, risk_level, size_segment FROM operator_segments ORDER BY gri DESC, operator_id`,
  );
  const segments: Record<string, number> = {};
  for (const r of rows)
    segments[`${r.size_segment}/${r.risk_level}`] = (segments[`${r.size_segment}/${r.risk_level}`] ?? 0) + 1;
  const byId = [...rows].sort((a, b) => (a.operator_id < b.operator_id ? -1 : 1));
  return {
    operators: rows.length,
    segments,
    griSum: rows.reduce((a, r) => a + r.gri, 0),
    levels: sha(byId.map((r) => `${r.operator_id}:${r.size_segment}:${r.risk_level}`).join('\n')),
    order: sha(rows.map((r) => r.operator_id).join('\n')),
    sample: byId.filter((_, i) => i % 50 === 0).map((r) => [r.operator_id, r.gri, r.risk_level, r.size_segment]),
  };
}

/** A JSON value with every number to 10 significant digits, hashed (for large reports compared as a whole). */
export function roundedSha(v: unknown): string {
  return sha(JSON.stringify(v, (_, x) => (typeof x === 'number' ? Number(x.toPrecision(10)) : x)));
}

export interface Golden {
  gri: unknown;
  tables: unknown;
  backtests: Record<string, unknown>;
  exports: Record<string, unknown>;
  kpis?: unknown;
  riskCip?: unknown;
}

export async function demoGolden(ws: Workspace): Promise<Golden> {
  await computeSegmentation(ws);
  const gri = await griDigest(ws);
  const hs = String(
    await ws.scalar(`SELECT hs_code FROM declaration_lines GROUP BY hs_code ORDER BY count(*) DESC, hs_code LIMIT 1`),
  );
  const tables = {
    table1: await table1(ws),
    table4: await table4(ws),
    extended: await table4(ws, 'general', { extended: true }),
    table5: await hsTable(ws, hs, { limit: 50 }),
  };
  const cfg = loadSelectivityConfig();
  const backtests = {
    plain: await backtest(ws, cfg, { trainUntil: '2024-06-30', testFrom: '2024-07-01', testUntil: '2025-06-30' }),
    validation: await backtest(ws, cfg, {
      trainFrom: '2023-03-01',
      trainUntil: '2024-06-30',
      validFrom: '2024-07-01',
      validUntil: '2024-12-31',
      testFrom: '2025-01-01',
      testUntil: '2025-12-31',
    }),
  };
  const exports = {
    line: await exportDigest(ws, 'line', '2025-06-30'),
    operator: await exportDigest(ws, 'operator', '2025-06-30'),
    unlabelled: await exportDigest(ws, 'line'),
  };
  const quarter = await computeKpis(ws, { period: 'quarter' });
  const kpis = {
    quarter: { series: quarter.kpis.length, sha256: roundedSha(quarter) },
    year: await computeKpis(ws, { period: 'year' }),
  };
  const risk = await riskCip(ws, 'valuation', { top: 5 });
  // The matrix cells' translation state (issue #16) is not an analytic result and postdates the captured goldens.
  const treatments = risk.treatments.map(({ needsTranslation: _n, outdated: _o, ...c }) => c);
  return { gri, tables, backtests, exports, kpis, riskCip: { ...risk, treatments } };
}

export async function kcsGolden(ws: Workspace): Promise<Golden> {
  await computeSegmentation(ws);
  const gri = await griDigest(ws);
  const tables = { table1: await table1(ws), table4: await table4(ws) };
  const cfg = loadSelectivityConfig();
  const plain: BacktestOptions = { trainUntil: '2020-12-31', testFrom: '2021-04-01', testUntil: '2021-06-30' };
  const backtests = {
    plain: await backtest(ws, cfg, plain),
    validation: await backtest(ws, cfg, {
      trainUntil: '2020-12-31',
      validFrom: '2021-01-01',
      validUntil: '2021-03-31',
      testFrom: '2021-04-01',
      testUntil: '2021-06-30',
    }),
    q1: await backtest(ws, cfg, { trainUntil: '2020-12-31', testFrom: '2021-01-01', testUntil: '2021-03-31' }),
    kcsFactors: await backtest(ws, loadSelectivityConfig(KCS_FACTORS), plain),
    // the weight fit on a bounded sample of the history lines, and fixed weights
    sampled: await backtest(ws, { ...cfg, sample_lines: 5000 }, plain),
    fixed: await backtest(ws, { ...cfg, weights: 'fixed' }, plain),
  };
  const exports = {
    line: await exportDigest(ws, 'line', '2021-03-31'),
    operator: await exportDigest(ws, 'operator', '2021-03-31'),
  };
  return { gri, tables, backtests, exports };
}

/** Keys whose values are times of the run, not results. */
const VOLATILE = new Set(['computedAt', 'generatedAt', 'fitted_at']);

/**
 * Differences between an expected and an actual golden value: numbers equal within 1e-9 (relative above 1),
 * everything else identical. Returns the paths that differ (empty when equal).
 */
export function goldenDiff(expected: unknown, actual: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (!(Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected))))
      out.push(`${path}: ${expected} ≠ ${actual}`);
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: ${expected.length} items ≠ ${actual.length}`);
    else expected.forEach((e, i) => goldenDiff(e, actual[i], `${path}[${i}]`, out));
    return out;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      if (VOLATILE.has(k)) continue;
      goldenDiff((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
    return out;
  }
  const show = (v: unknown) => String(JSON.stringify(v)).slice(0, 120);
  if (expected !== actual) out.push(`${path}: ${show(expected)} ≠ ${show(actual)}`);
  return out;
}
