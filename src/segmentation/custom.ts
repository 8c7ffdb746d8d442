// User-defined indicators: expressions of the indicator language (src/segmentation/expr/) compiled to
// parameterised SQL over a relation named `lines` (the window's declaration lines, canonical columns).
import type { Workspace } from '../workspace/workspace.ts';
import { compileIndicator, DECLARATION_LINE_COLUMNS, ExprError } from './expr/index.ts';
import type { Window } from './aggregate.ts';
import type { LineEngine } from '../engine/engine.ts';

export { ExprError };

/** Named lists an expression may use: the risky lists of the run (temp table seg_risky). */
export const LIST_NAMES: Record<string, string> = {
  risky_brokers: 'broker',
  risky_hs: 'hs',
  risky_origins: 'origin',
  risky_suppliers: 'supplier',
};

export async function riskyListValues(ws: Workspace): Promise<Record<string, string[]>> {
  const rows = await ws.all<{ kind: string; codes: string[] }>(
    `SELECT kind, list(code ORDER BY code) AS codes FROM seg_risky GROUP BY kind`,
  );
  const out: Record<string, string[]> = {};
  for (const [name, kind] of Object.entries(LIST_NAMES)) out[name] = rows.find((r) => r.kind === kind)?.codes ?? [];
  return out;
}

/** Checks an expression without data (for config validation): throws ExprError pointing at the token. */
export function checkExpression(src: string): void {
  compileIndicator(
    src,
    {
      columns: { ...DECLARATION_LINE_COLUMNS },
      lists: Object.fromEntries(Object.keys(LIST_NAMES).map((k) => [k, []])),
    },
    { paramPrefix: 'chk' },
  );
}

/**
 * One expression's `operator_id, value, flag` over the window's lines, computed by the workspace's engine into temp
 * table `table` (binds $w_start, $w_end, $window_end).
 */
export async function customIndicatorInto(
  ws: Workspace,
  engine: LineEngine,
  src: string,
  prefix: string,
  w: Window,
  table: string,
  timeoutSeconds = 0,
): Promise<void> {
  const c = compileIndicator(
    src,
    { columns: { ...DECLARATION_LINE_COLUMNS }, lists: await riskyListValues(ws) },
    { paramPrefix: prefix, dialect: engine.dialect },
  );
  const lines = `SELECT * FROM declaration_lines WHERE date > $w_start::DATE AND date <= $w_end::DATE`;
  await engine.into(
    table,
    `WITH ${engine.dialect.cte('lines', lines)} ${c.sql}`,
    { ...c.params, window_end: w.end, w_start: w.start, w_end: w.end },
    { timeoutSeconds },
  );
}
