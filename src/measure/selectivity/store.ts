// Every fitted selectivity model that produced scores is kept (append-only) with its configuration,
// so an exported score can be traced back to its weights and history window.
import type { Workspace } from '../../workspace/workspace.ts';
import type { SelectivityConfig } from './config.ts';
import type { SelectivityModel } from './model.ts';

export async function saveModel(
  ws: Workspace,
  cfg: SelectivityConfig,
  m: SelectivityModel,
  o: { purpose: string; scoredLines?: number },
): Promise<number> {
  const row = await ws.one<{ model_id: number }>(
    `INSERT INTO selectivity_models (fitted_at, purpose, history_from, history_until, fitted_on, intercept, weights_json,
       thresholds_json, config_json, fit_lines, fit_findings, scored_lines)
     VALUES (now(), $purpose, CAST($hf AS DATE), CAST($hu AS DATE), $on, $b, $w, $t, $c, $fl, $ff, $sl) RETURNING model_id`,
    {
      purpose: o.purpose,
      hf: m.history.from ?? null,
      hu: m.history.until,
      on: m.fittedOn,
      b: m.intercept,
      w: JSON.stringify(m.weights),
      t: JSON.stringify(m.thresholds),
      c: JSON.stringify(cfg),
      fl: m.fitLines,
      ff: m.fitFindings,
      sl: o.scoredLines ?? null,
    },
  );
  return Number(row!.model_id);
}

export interface StoredModel {
  model_id: number;
  fitted_at: string;
  purpose: string;
  history_until: string;
  fitted_on: string;
  intercept: number;
  weights: Record<string, number>;
  scored_lines: number | null;
}

export async function latestModel(ws: Workspace): Promise<StoredModel | null> {
  const r = await ws.one<Record<string, unknown>>(
    `SELECT model_id, fitted_at, purpose, history_until, fitted_on, intercept, weights_json, scored_lines
     FROM selectivity_models ORDER BY model_id DESC LIMIT 1`,
  );
  if (!r) return null;
  return {
    model_id: Number(r.model_id),
    fitted_at: String(r.fitted_at),
    purpose: String(r.purpose),
    history_until: String(r.history_until),
    fitted_on: String(r.fitted_on),
    intercept: Number(r.intercept),
    weights: JSON.parse(String(r.weights_json)) as Record<string, number>,
    scored_lines: r.scored_lines === null ? null : Number(r.scored_lines),
  };
}
