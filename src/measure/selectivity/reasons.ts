// Human-readable reasons of a line's score: each factor's evidence ("HS6 × origin 851712 · CN: 46/120 past lines with a
// finding, rate 38.5% vs 21.7% (+0.85)") as SQL over sel_feat/sel_scores, top contributions first.
import type { Lang, SelectivityConfig } from './config.ts';

const WORDS: Record<Lang, { findings: string; rate: string; median: string }> = {
  en: { findings: 'past lines with a finding', rate: 'rate', median: '× HS6 median' },
  es: { findings: 'líneas anteriores con hallazgo', rate: 'tasa', median: '× mediana SA6' },
  fr: { findings: 'lignes passées avec constat', rate: 'taux', median: '× médiane SH6' },
  pt: { findings: 'linhas anteriores com achado', rate: 'taxa', median: '× mediana SH6' },
};

/** SQL text of factor j's reason (columns of sel_feat joined with the contributions c_j of sel_scores). Labels bound in params. */
export function reasonSql(cfg: SelectivityConfig, j: number, lang: Lang, params: Record<string, unknown>): string {
  const f = cfg.factors[j];
  const w = WORDS[lang];
  const names = cfg.factors.map((x) => x.id);
  params[`lab${j}`] = f.label[lang];
  params[`wf`] = ` ${w.findings}, ${w.rate} `;
  params[`wm`] = w.median;
  const keyCols = f.keys.map((k) => {
    const col = `k_${keyNamesIndex(cfg, k)}`;
    return k === 'unit_value_band' ? `${col} || ' (' || printf('%.2f', uv_ratio) || $wm || ')'` : col;
  });
  const parent = f.parent === undefined ? 'p0c' : `r_${names.indexOf(f.parent)}`;
  return `$lab${j} || ' ' || concat_ws(' · ', ${keyCols.join(', ')}) || ': ' || CAST(s_${j} AS BIGINT) || '/' || n_${j} || $wf
    || printf('%.1f%%', 100 * r_${j}) || ' vs ' || printf('%.1f%%', 100 * ${parent}) || ' (' || printf('%+.2f', c_${j}) || ')'`;
}

function keyNamesIndex(cfg: SelectivityConfig, key: string): number {
  return [...new Set(cfg.factors.flatMap((x) => x.keys))].indexOf(key);
}

/** SQL of the top `n` reasons (positive contributions ≥ 0.01, largest first), joined by ' | '. */
export function topReasonsSql(cfg: SelectivityConfig, lang: Lang, n: number, params: Record<string, unknown>): string {
  const items = cfg.factors.map((_, j) => `{'o': -c_${j}, 't': ${reasonSql(cfg, j, lang, params)}}`);
  return `array_to_string(list_transform(list_slice(list_sort(list_filter([${items.join(',\n ')}], x -> x.o <= -0.01)), 1, ${n}), x -> x.t), ' | ')`;
}
