// The operator's GRI as a selectivity factor (key gri_level). The GRI comes from the segmentation API,
// computed as of the end of the history the profiles learn from, so a backtest never sees later data:
// the run happens inside a transaction that is rolled back, leaving the stored GRI run untouched.
import type { Workspace } from '../../workspace/workspace.ts';
import { computeSegmentation, getConfig } from '../../segmentation/index.ts';

class Discard extends Error {}

/** Fills temp table sel_gri(operator_id, gri_level, gri) with the general GRI as of `asOf`. Returns operators. */
export async function griAsOf(ws: Workspace, asOf: string): Promise<number> {
  await ws.run(`CREATE OR REPLACE TEMP TABLE sel_gri (operator_id VARCHAR, gri_level VARCHAR, gri DOUBLE)`);
  const stored = await getConfig(ws, 'general');
  const cfg = { ...stored.config, window: { ...stored.config.window, end: asOf } };
  let rows: { operator_id: string; risk_level: string; gri: number }[] = [];
  try {
    await ws.transaction(async () => {
      await computeSegmentation(ws, { config: cfg });
      rows = await ws.all(`SELECT operator_id, risk_level, gri FROM operator_segments`);
      throw new Discard();
    });
  } catch (err) {
    if (!(err instanceof Discard)) throw err;
  }
  if (rows.length) {
    await ws.run(
      `INSERT INTO sel_gri SELECT r.o, r.l, r.g FROM (SELECT unnest(from_json($j, '[{"o":"VARCHAR","l":"VARCHAR","g":"DOUBLE"}]'), recursive := true)) r`,
      { j: JSON.stringify(rows.map((r) => ({ o: r.operator_id, l: r.risk_level, g: r.gri }))) },
    );
  }
  return rows.length;
}
