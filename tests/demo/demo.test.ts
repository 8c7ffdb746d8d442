// The demo generator: reproducible, realistic in shape, and consistent with its own truth tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo, type DemoResult } from '../../src/demo/index.ts';

const CANONICAL = ['declaration_lines', 'operators', 'tax_records', 'cases', 'audits', 'treatments_applied'];
const base = tmpDir('cip-demo-');

async function checksums(ws: Workspace): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of [...CANONICAL, 'demo_truth_operators']) {
    out[t] = String(await ws.scalar(`SELECT count(*) || ':' || coalesce(bit_xor(hash(t)), 0) FROM ${t} t`));
  }
  return out;
}

async function make(
  name: string,
  opts: { rows: number; seed: number; effect?: number },
): Promise<{ ws: Workspace; r: DemoResult }> {
  const ws = await Workspace.open(join(base, name), { create: true });
  const r = await generateDemo(ws, opts);
  return { ws, r };
}

describe('cip demo generator', () => {
  let main: { ws: Workspace; r: DemoResult };
  let num: (sql: string, params?: Record<string, unknown>) => Promise<number>;
  beforeAll(async () => {
    main = await make('main', { rows: 40_000, seed: 7 });
    num = async (sql, params) => Number(await main.ws.scalar(sql, params));
  }, 120_000);
  afterAll(() => main?.ws.close());

  it('is reproducible: same seed → identical tables; another seed → different ones', async () => {
    const again = await make('again', { rows: 40_000, seed: 7 });
    const other = await make('other', { rows: 40_000, seed: 8 });
    try {
      const a = await checksums(main.ws);
      expect(await checksums(again.ws)).toEqual(a);
      const b = await checksums(other.ws);
      for (const t of CANONICAL) expect(b[t], t).not.toEqual(a[t]);
      // regenerating in place replaces everything (no duplicates) and gives the same data again
      await generateDemo(again.ws, { rows: 40_000, seed: 7 });
      expect(await checksums(again.ws)).toEqual(a);
    } finally {
      again.ws.close();
      other.ws.close();
    }
  }, 120_000);

  it('fills every canonical table with the requested number of lines', async () => {
    expect(main.r.tables.declaration_lines).toBe(40_000);
    for (const t of CANONICAL) expect(main.r.tables[t], t).toBeGreaterThan(0);
    expect(
      await num(
        'SELECT count(*) FROM (SELECT declaration_id, line_no FROM declaration_lines GROUP BY ALL HAVING count(*) > 1)',
      ),
    ).toBe(0);
    expect(await num('SELECT count(DISTINCT operator_id) FROM operators')).toBe(
      await num('SELECT count(*) FROM operators'),
    );
    // every trading operator is registered; each declaration has one operator, date, channel
    expect(await num('SELECT count(*) FROM declaration_lines l ANTI JOIN operators o USING (operator_id)')).toBe(0);
    expect(
      await num(`SELECT count(*) FROM (SELECT declaration_id FROM declaration_lines GROUP BY 1
      HAVING count(DISTINCT operator_id) > 1 OR count(DISTINCT date) > 1 OR count(DISTINCT channel) > 1)`),
    ).toBe(0);
  });

  it('has a skewed size distribution: few large traders hold most of the value, all three segments populated', async () => {
    for (const rows of [40_000]) {
      const seg = await main.ws.all<{ seg: string; ops: number; value: number }>(`
        WITH v AS (SELECT operator_id, sum(value) AS v FROM declaration_lines WHERE date >= DATE '2024-01-01' GROUP BY 1)
        SELECT CASE WHEN v >= 500000 THEN 'large' WHEN v >= 100000 THEN 'medium' ELSE 'small' END AS seg,
          count(*)::DOUBLE / sum(count(*)) OVER () AS ops, sum(v) / sum(sum(v)) OVER () AS value FROM v GROUP BY 1`);
      const s = Object.fromEntries(seg.map((r) => [r.seg, r]));
      expect(Object.keys(s).sort(), String(rows)).toEqual(['large', 'medium', 'small']);
      expect(s.large.value).toBeGreaterThan(0.6);
      expect(s.large.ops).toBeLessThan(0.15);
      expect(s.small.ops).toBeGreaterThan(0.6);
      expect(s.small.value).toBeLessThan(0.15);
    }
  });

  it('keeps every value in a plausible range', async () => {
    const neg = await num(`SELECT count(*) FROM declaration_lines WHERE value <= 0 OR quantity <= 0 OR net_mass_kg <= 0
      OR duty < 0 OR vat < 0 OR excise < 0 OR release_hours <= 0 OR amount_reassessed < 0 OR amount_collected < 0
      OR amount_collected > amount_reassessed`);
    expect(neg).toBe(0);
    expect(
      await num(
        `SELECT count(*) FROM declaration_lines WHERE date NOT BETWEEN DATE '2023-01-01' AND DATE '2025-12-31'`,
      ),
    ).toBe(0);
    expect(
      await num(`SELECT count(*) FROM declaration_lines WHERE channel NOT IN ('green', 'yellow', 'red', 'blue')
      OR inspected <> (channel IN ('yellow', 'red')) OR (finding AND NOT inspected)
      OR (finding <> (compliance_risk IS NOT NULL)) OR (finding <> (amount_reassessed IS NOT NULL))`),
    ).toBe(0);
    expect(
      (
        await main.ws.all<{ r: string }>(
          `SELECT DISTINCT compliance_risk AS r FROM declaration_lines WHERE finding ORDER BY 1`,
        )
      ).map((x) => x.r),
    ).toEqual(['classification', 'origin', 'special_regimes', 'undeclared', 'valuation']);
    expect(
      await num(`SELECT count(*) FROM declaration_lines WHERE NOT regexp_full_match(hs_code, '[0-9]{8}')
      OR NOT regexp_full_match(origin_country, '[A-Z]{2}') OR flow NOT IN ('import', 'export', 'transit')`),
    ).toBe(0);
    expect(await num(`SELECT count(DISTINCT hs_code) FROM declaration_lines`)).toBeGreaterThan(1000);
    expect(
      await num(`SELECT count(DISTINCT hs_code) FROM declaration_lines WHERE hs_code LIKE '%90' OR hs_code LIKE '%99'`),
    ).toBeGreaterThan(100);
    // mostly imports; inspection 5–35% of lines; finding rate of inspected lines 5–40%
    expect(await num(`SELECT avg((flow = 'import')::INTEGER) FROM declaration_lines`)).toBeGreaterThan(0.8);
    const insp = await num(`SELECT avg(inspected::INTEGER) FROM declaration_lines`);
    expect(insp).toBeGreaterThan(0.05);
    expect(insp).toBeLessThan(0.35);
    const hit = await num(`SELECT avg(finding::INTEGER) FROM declaration_lines WHERE inspected`);
    expect(hit).toBeGreaterThan(0.05);
    expect(hit).toBeLessThan(0.4);
    // red takes longer than green; AEO operators are released faster and found at fault less often
    expect(
      await num(
        `SELECT median(release_hours) FILTER (channel = 'red') / median(release_hours) FILTER (channel = 'green') FROM declaration_lines`,
      ),
    ).toBeGreaterThan(5);
    expect(
      await num(
        `SELECT median(release_hours) FILTER (aeo_flag) / median(release_hours) FILTER (NOT aeo_flag) FROM declaration_lines`,
      ),
    ).toBeLessThan(1);
    // lines are mostly filed at the operator's home office, which lies in its directorate (operators.region)
    expect(
      await num(
        `SELECT avg((l.office = o.office)::INTEGER) FROM declaration_lines l JOIN operators o USING (operator_id)`,
      ),
    ).toBeGreaterThan(0.8);
    expect(
      await num(
        `SELECT count(*) FROM operators WHERE NOT regexp_full_match(region, 'DR0[1-5]') OR substr(office, 1, 1) <> substr(region, 4, 1)`,
      ),
    ).toBe(0);
    expect(
      await num(
        `SELECT count(*) FROM operators WHERE registration_date > DATE '2025-12-31' OR NOT regexp_full_match(operator_id, '[0-9]{10}')`,
      ),
    ).toBe(0);
  });

  it('writes tax records, cases and audits that hang together', async () => {
    expect(
      await num(`SELECT count(*) FROM tax_records WHERE period_end <> period_start + INTERVAL 1 YEAR - INTERVAL 1 DAY
      OR year(period_start) NOT IN (2023, 2024, 2025) OR (NOT return_filed AND vat_on_imports_declared IS NOT NULL)`),
    ).toBe(0);
    expect(await num(`SELECT count(*) FROM tax_records WHERE NOT return_filed`)).toBeGreaterThan(0);
    // deliberate VAT cross-check mismatches: VAT on imports in the return > 10% above VAT paid at customs
    const vatMismatch =
      await num(`SELECT count(*) FROM tax_records t JOIN (SELECT operator_id, year(date) AS yr, sum(vat) AS vat
      FROM declaration_lines GROUP BY ALL) c ON c.operator_id = t.operator_id AND c.yr = year(t.period_start)
      WHERE t.vat_on_imports_declared > 1.1 * c.vat`);
    expect(vatMismatch).toBeGreaterThan(5);
    expect(await num(`SELECT count(*) FROM tax_records WHERE audit_irregularities`)).toBeGreaterThan(0);
    // every case with a declaration points at a declaration with findings, of the same operator
    expect(
      await num(`SELECT count(*) FROM cases c WHERE declaration_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM declaration_lines l
      WHERE l.declaration_id = c.declaration_id AND l.operator_id = c.operator_id AND l.finding)`),
    ).toBe(0);
    expect(await num(`SELECT count(*) FROM cases WHERE serious`)).toBeGreaterThan(0);
    expect(await num(`SELECT count(*) FROM cases WHERE NOT serious`)).toBeGreaterThan(0);
    expect(
      await num(
        `SELECT count(*) FROM cases WHERE amount < 0 OR date NOT BETWEEN DATE '2023-01-01' AND DATE '2025-12-31'`,
      ),
    ).toBe(0);
    expect(
      await num(`SELECT count(*) FROM audits WHERE end_date < start_date OR start_date < DATE '2023-01-01'
      OR end_date > DATE '2025-12-31' OR amount_collected > amount_assessed OR (end_date IS NULL) <> (finding IS NULL)`),
    ).toBe(0);
    expect(await num(`SELECT count(*) FROM audits WHERE finding`)).toBeGreaterThan(0);
  });

  it('has operators whose latent propensity predicts their later findings', async () => {
    const rates = await main.ws.all<{ decile: number; rate: number }>(`
      WITH o AS (SELECT operator_id, ntile(10) OVER (ORDER BY propensity) AS decile FROM demo_truth_operators)
      SELECT decile, avg(finding::INTEGER) AS rate FROM declaration_lines JOIN o USING (operator_id)
      WHERE inspected AND year(date) = 2025 GROUP BY 1 ORDER BY 1`);
    const r = Object.fromEntries(rates.map((x) => [x.decile, x.rate]));
    expect(r[10]).toBeGreaterThan(3 * r[1]);
    expect(r[10]).toBeGreaterThan(0.2);
    // and findings in 2023–2024 predict findings in 2025 at the operator level
    const repeat = await main.ws.one<{ rep: number; first: number }>(`
      WITH o AS (SELECT operator_id, count(*) FILTER (finding AND date < DATE '2025-01-01') > 0 AS past,
        count(*) FILTER (inspected AND date >= DATE '2025-01-01') AS n, count(*) FILTER (finding AND date >= DATE '2025-01-01') AS f
        FROM declaration_lines GROUP BY 1)
      SELECT sum(f) FILTER (past) / sum(n) FILTER (past) AS rep, sum(f) FILTER (NOT past) / sum(n) FILTER (NOT past) AS first FROM o`);
    expect(repeat!.rep).toBeGreaterThan(1.5 * repeat!.first);
  });

  it('records the treated group and a true effect consistent with the data', async () => {
    const truth = Object.fromEntries(
      (await main.ws.all<{ key: string; value: string }>('SELECT * FROM demo_truth')).map((r) => [r.key, r.value]),
    );
    expect(truth.seed).toBe('7');
    expect(truth.rows).toBe('40000');
    expect(truth.effect).toBe('-0.5');
    expect(truth.treatment).toBe('enhanced-engagement');
    expect(truth.treatment_start).toBe('2025-01-01');
    // treatments_applied holds exactly the treated operators of the truth table
    expect(
      await num(`SELECT count(*) FROM (SELECT operator_id FROM treatments_applied WHERE treatment = 'enhanced-engagement'
      AND start_date = DATE '2025-01-01' EXCEPT SELECT operator_id FROM demo_truth_operators WHERE treated)`),
    ).toBe(0);
    expect(await num(`SELECT count(*) FROM treatments_applied`)).toBe(Number(truth.treated_operators));
    expect(Number(truth.treated_operators)).toBeGreaterThan(10);
    // the true effect is exactly -50% of the counterfactual rate (no probability reaches the cap when halving)
    const effect = Number(truth.true_effect);
    expect(effect).toBeCloseTo(-0.5 * Number(truth.counterfactual_finding_rate), 12);
    expect(effect).toBe(main.r.truth.trueEffect);
    expect(effect).toBeLessThan(-0.03);
    expect(
      await num(`SELECT avg(p_find - p_find0) FROM demo_truth_lines WHERE treated AND post AND inspected`),
    ).toBeCloseTo(effect, 12);
    // before the start, and for untreated operators, probabilities are untouched
    expect(await num(`SELECT count(*) FROM demo_truth_lines WHERE (NOT treated OR NOT post) AND p_nc <> p_nc0`)).toBe(
      0,
    );
    // the realised finding rate of treated inspected post-period lines is close to its expectation
    const n = Number(truth.treated_inspected_post_lines);
    const p = Number(truth.expected_finding_rate_treated);
    expect(Math.abs(Number(truth.observed_finding_rate_treated) - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    // the probabilities behind the data: realised findings track p_find across the population
    const calib = await main.ws.one<{ expected: number; observed: number }>(
      `SELECT sum(p_find) AS expected, count(*) FILTER (finding) AS observed FROM demo_truth_lines WHERE inspected`,
    );
    expect(Math.abs(calib!.observed - calib!.expected)).toBeLessThan(4 * Math.sqrt(calib!.expected));
  });

  it('--effect 0 gives a true effect of 0 and otherwise the same pre-period data', async () => {
    const none = await make('none', { rows: 40_000, seed: 7, effect: 0 });
    try {
      expect(none.r.truth.trueEffect).toBe(0);
      expect(await none.ws.scalar(`SELECT value FROM demo_truth WHERE key = 'true_effect'`)).toBe('0');
      const pre = `SELECT count(*) || ':' || bit_xor(hash(t)) FROM (SELECT * EXCLUDE (extra) FROM declaration_lines WHERE date < DATE '2025-01-01') t`;
      expect(await none.ws.scalar(pre)).toBe(await main.ws.scalar(pre));
      const treated = `SELECT string_agg(operator_id, ',' ORDER BY operator_id) FROM demo_truth_operators WHERE treated`;
      expect(await none.ws.scalar(treated)).toBe(await main.ws.scalar(treated));
    } finally {
      none.ws.close();
    }
  }, 120_000);

  it('is all or nothing: an error half-way leaves the previous data untouched', async () => {
    const before = await checksums(main.ws);
    const failing = generateDemo(main.ws, {
      rows: 5000,
      seed: 1,
      onProgress: (step) => {
        if (step === 'lines 2025') throw new Error('interrupted');
      },
    });
    await expect(failing).rejects.toThrow('interrupted');
    expect(await checksums(main.ws)).toEqual(before);
    expect(await num(`SELECT value FROM demo_truth WHERE key = 'seed'`)).toBe(7);
  });

  it('rejects options out of range with a clear message', async () => {
    await expect(generateDemo(main.ws, { rows: 10 })).rejects.toThrow(/rows must be at least 1000/);
    await expect(generateDemo(main.ws, { effect: -2 })).rejects.toThrow(/effect must be between -1 and 1/);
    expect(await num('SELECT count(*) FROM declaration_lines')).toBe(40_000);
  });
});
