// Human-readable reasons of a line's score: each factor's evidence ("HS6 × origin 851712 · CN: 46/120 past lines with a
// finding, rate 38.5% vs 21.7% (+0.85)") as SQL over the scored lines, top contributions first. A profiled factor's
// text depends on its key only (and the line's unit-value ratio): written once per key (sel_px_<j>), not per line.
import { keyNames, type Lang, type SelectivityConfig } from './config.ts';
import { profiledFactors } from './sql.ts';

const WORDS: Record<Lang, { findings: string; rate: string; median: string }> = {
  en: { findings: 'past lines with a finding', rate: 'rate', median: '× HS6 median' },
  es: { findings: 'líneas anteriores con hallazgo', rate: 'tasa', median: '× mediana SA6' },
  fr: { findings: 'lignes passées avec constat', rate: 'taux', median: '× médiane SH6' },
  pt: { findings: 'linhas anteriores com achado', rate: 'taxa', median: '× mediana SH6' },
};

/** Factor j's reason as SQL over columns named `k_*`, `uv_ratio`, `s_j`, `n_j`, `r_j`, its parent's rate and `c_j`. */
function reasonParts(
  cfg: SelectivityConfig,
  j: number,
  lang: Lang,
  params: Record<string, unknown>,
  col: { s: string; n: string; r: string; parent: string; c: string; ratio: string },
): string {
  const f = cfg.factors[j];
  const w = WORDS[lang];
  params[`lab${j}`] = f.label[lang];
  params[`wf`] = ` ${w.findings}, ${w.rate} `;
  const keyCols = f.keys.map((k) => {
    const c = `k_${keyNames(cfg).indexOf(k)}`;
    if (k !== 'unit_value_band') return c;
    params[`wm`] = w.median;
    return `${c} || ' (' || ${col.ratio} || $wm || ')'`;
  });
  return `$lab${j} || ' ' || concat_ws(' · ', ${keyCols.join(', ')}) || ': ' || CAST(${col.s} AS BIGINT) || '/' || ${col.n} || $wf
    || printf('%.1f%%', 100 * ${col.r}) || ' vs ' || printf('%.1f%%', 100 * ${col.parent}) || ' (' || printf('%+.2f', ${col.c}) || ')'`;
}

/** SQL text of factor j's reason over the columns of a scored line (sel_target). Labels bound in params. */
export function reasonSql(cfg: SelectivityConfig, j: number, lang: Lang, params: Record<string, unknown>): string {
  const names = cfg.factors.map((x) => x.id);
  const f = cfg.factors[j];
  return reasonParts(cfg, j, lang, params, {
    s: `s_${j}`,
    n: `n_${j}`,
    r: `r_${j}`,
    parent: f.parent === undefined ? 'p0c' : `r_${names.indexOf(f.parent)}`,
    c: `c_${j}`,
    ratio: `printf('%.2f', uv_ratio)`,
  });
}

/** The ratio's place in a text written per key: the text splits there into t and t2. */
const RATIO = '\u0001';

/**
 * sel_px_<j> (profiled factor j, after scoreLines): the target rows of sel_pf_<j> with the reason text of each key,
 * t (and t2 after the line's unit-value ratio when a key is the unit-value band).
 */
export function reasonTextTableSql(
  cfg: SelectivityConfig,
  j: number,
  lang: Lang,
  params: Record<string, unknown>,
): string {
  const band = cfg.factors[j].keys.includes('unit_value_band');
  if (band) params.ratio = RATIO;
  const text = reasonParts(cfg, j, lang, params, { s: 's', n: 'n', r: 'r', parent: 'rp', c: 'c', ratio: '$ratio' });
  return `CREATE OR REPLACE TEMP TABLE sel_px_${j} AS
SELECT * EXCLUDE (text), ${band ? `split_part(text, $ratio, 1) AS t, split_part(text, $ratio, 2) AS t2` : 'text AS t, NULL::VARCHAR AS t2'}
FROM (SELECT *, ${text} AS text FROM (SELECT p.*, m.w_${j} * p.l AS c FROM sel_pf_${j} p CROSS JOIN sel_model m WHERE p.fold = -1))`;
}

/**
 * SQL of the top `n` reasons (positive contributions ≥ 0.01, largest first, ties by text), joined by ' | '. texts:
 * the scored lines carry the per-key texts of the profiled factors (t_j, t2_j), so only the others are formatted.
 */
export function topReasonsSql(
  cfg: SelectivityConfig,
  lang: Lang,
  n: number,
  params: Record<string, unknown>,
  texts = false,
): string {
  const fast = profiledFactors(cfg);
  const items = cfg.factors.map((f, j) => {
    const band = f.keys.includes('unit_value_band');
    const t =
      texts && fast[j]
        ? band
          ? `t_${j} || printf('%.2f', uv_ratio) || t2_${j}`
          : `t_${j}`
        : reasonSql(cfg, j, lang, params);
    return `{'o': -c_${j}, 't': ${t}}`;
  });
  return `array_to_string(list_transform(list_slice(list_sort(list_filter([${items.join(',\n ')}], x -> x.o <= -0.01)), 1, ${n}), x -> x.t), ' | ')`;
}
