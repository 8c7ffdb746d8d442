// User-defined indicators: expressions of the indicator language (src/segmentation/expr/) compiled to
// parameterised SQL over a relation named `lines` (the window's declaration lines, canonical columns).
import type { Window } from './aggregate.ts';

interface ExprModule {
  compileIndicator(
    src: string,
    ctx: { columns: Record<string, string>; lists: Record<string, string> },
    opts: { paramPrefix: string },
  ): { sql: string; params: Record<string, unknown>; valueType: string };
}

export class CustomIndicatorError extends Error {}

/** Canonical columns of declaration lines and their types, for the type checker. */
export const LINE_COLUMNS: Record<string, string> = {
  declaration_id: 'string', line_no: 'number', date: 'date', flow: 'string', regime: 'string', office: 'string',
  operator_id: 'string', declarant_id: 'string', supplier_id: 'string', hs_code: 'string', origin_country: 'string',
  departure_country: 'string', transport_mode: 'string', quantity: 'number', net_mass_kg: 'number', value: 'number',
  duty: 'number', vat: 'number', excise: 'number', tax_type: 'string', exemption_code: 'string', preference_code: 'string',
  channel: 'string', inspected: 'bool', finding: 'bool', compliance_risk: 'string', amount_reassessed: 'number',
  amount_collected: 'number', release_hours: 'number', aeo_flag: 'bool',
};

/** Named lists an expression may use: the risky lists of the run (temp table seg_risky). */
export const LISTS: Record<string, string> = {
  risky_brokers: `(SELECT code FROM seg_risky WHERE kind = 'broker')`,
  risky_hs: `(SELECT code FROM seg_risky WHERE kind = 'hs')`,
  risky_origins: `(SELECT code FROM seg_risky WHERE kind = 'origin')`,
  risky_suppliers: `(SELECT code FROM seg_risky WHERE kind = 'supplier')`,
};

async function loadExpr(): Promise<ExprModule | null> {
  const path = './expr/index.ts';
  try {
    const m = (await import(path)) as Partial<ExprModule>;
    return typeof m.compileIndicator === 'function' ? (m as ExprModule) : null;
  } catch {
    return null;
  }
}

/** SQL `SELECT operator_id, value, flag` of one expression over the window's lines (bound $w_start/$w_end). */
export async function customIndicatorSql(
  src: string,
  prefix: string,
  _w: Window,
): Promise<{ sql: string; params: Record<string, unknown> }> {
  const expr = await loadExpr();
  if (!expr) throw new CustomIndicatorError('user-defined indicators need the expression language (src/segmentation/expr), not available in this build');
  const c = expr.compileIndicator(src, { columns: LINE_COLUMNS, lists: LISTS }, { paramPrefix: prefix });
  return {
    sql: `WITH lines AS NOT MATERIALIZED (SELECT * FROM declaration_lines WHERE date > $w_start::DATE AND date <= $w_end::DATE) ${c.sql}`,
    params: { ...c.params, window_end: _w.end },
  };
}
