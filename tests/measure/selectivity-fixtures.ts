// Small hand-made declaration lines for the selectivity and backtest tests.
import type { Workspace } from '../../src/workspace/workspace.ts';
import { validateSelectivityConfig, type SelectivityConfig } from '../../src/measure/selectivity/config.ts';

export interface Line {
  id: string;
  date: string;
  hs: string;
  finding: boolean | null;
  op?: string;
  origin?: string;
  tax?: string;
  value?: number;
  mass?: number;
  inspected?: boolean;
}

export async function insertLines(ws: Workspace, lines: Line[]): Promise<void> {
  for (const l of lines) {
    await ws.run(
      `INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, hs_code, origin_country, tax_type, value, net_mass_kg, finding, inspected)
       VALUES ($id, 1, CAST($date AS DATE), $op, $hs, $origin, $tax, $value, $mass, $finding, $inspected)`,
      {
        inspected: l.inspected ?? null,
        id: l.id,
        date: l.date,
        op: l.op ?? 'OP1',
        hs: l.hs,
        origin: l.origin ?? null,
        tax: l.tax ?? null,
        value: l.value ?? 100,
        mass: l.mass ?? null,
        finding: l.finding,
      },
    );
  }
}

const label = (en: string) => ({ en, es: en, fr: en, pt: en });

/** A config with the given factors, fixed weights (1) unless told otherwise. */
export function config(
  factors: { id: string; keys: string[]; parent?: string; k: number }[],
  extra: Partial<SelectivityConfig> = {},
): SelectivityConfig {
  return validateSelectivityConfig({
    weights: 'fixed',
    l2: 1,
    non_negative: true,
    folds: 2,
    sample_lines: 100000,
    levels: { high: 0.1, medium: 0.3 },
    unit_value: {
      min_lines: 2,
      bands: [
        { id: 'far_below', max: 0.25 },
        { id: 'normal', max: 4 },
        { id: 'far_above', max: null },
      ],
    },
    factors: factors.map((f) => ({ ...f, label: label(f.id.toUpperCase()) })),
    ...extra,
  });
}

/**
 * A synthetic but structured history: HS codes with different finding rates, 3 origins, 2 tax types, one
 * risky HS × origin pair, many operators. Deterministic (hash-based), built in SQL.
 */
export async function insertSynthetic(ws: Workspace, n: number): Promise<void> {
  await ws.run(
    `INSERT INTO declaration_lines (declaration_id, line_no, date, operator_id, declarant_id, supplier_id, office, hs_code,
        origin_country, tax_type, value, net_mass_kg, finding)
     SELECT 'D' || i, 1, DATE '2022-01-01' + CAST(i * 730 / $n AS INTEGER),
       'OP' || (hash(i, 'op') % 200), 'BR' || (hash(i, 'br') % 20), 'SU' || (hash(i, 'su') % 100), 'O' || (hash(i, 'of') % 4),
       hs, origin, tax, 1000, 10,
       (hash(i, 'y') % 1000) / 1000.0 < CASE WHEN hs = '851712' AND origin = 'CN' THEN 0.8 WHEN hs LIKE '85%' THEN 0.3 WHEN tax = 'B' THEN 0.15 ELSE 0.05 END
     FROM (SELECT i,
             ['851712', '851713', '850440', '610910', '620342', '940360'][CAST(1 + hash(i, 'hs') % 6 AS BIGINT)] AS hs,
             ['CN', 'US', 'DE'][CAST(1 + hash(i, 'or') % 3 AS BIGINT)] AS origin,
             ['A', 'B'][CAST(1 + hash(i, 'tx') % 2 AS BIGINT)] AS tax
           FROM range($n) t(i))`,
    { n },
  );
}
