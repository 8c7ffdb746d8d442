// Steps 2–3: indicator values per operator from the one-pass aggregates, thresholds (absolute or relative to
// the population), binary flags with evidence. Everything set-based in DuckDB over temp table seg_agg.
import type { Workspace } from '../workspace/workspace.ts';
import { builtinIndicators, type IndicatorDef, type Lang, type Threshold } from './catalogue.ts';
import type { GriConfig } from './config.ts';
import { fmtSql, measureSql } from './measures.ts';
import { customIndicatorSql } from './custom.ts';
import type { Window } from './aggregate.ts';

export interface ActiveIndicator {
  code: string;
  family: IndicatorDef['family'];
  name: string;
  names: Partial<Record<Lang, string>>;
  requires: string[];
  available: boolean;
  missing: string[];
  direction: 'above' | 'below';
  format: IndicatorDef['format'];
  threshold: Threshold | null; // null for custom indicators (the rule is in the expression)
  expr?: string;
  flagged?: number;
  thresholdValue?: number | null;
}

/** Aggregate columns the available built-in indicators read (the one-pass computes only these). */
export function measureColumns(inds: ActiveIndicator[]): string[] {
  const defs = new Map(builtinIndicators().map((d) => [d.code, d]));
  const cols: string[] = [];
  for (const ind of inds) {
    const d = defs.get(ind.code);
    if (!d || !ind.available) continue;
    const m = d.measure;
    if (m.kind === 'share') cols.push(m.num, m.den, ...(m.items ? [m.items] : []));
    else if (m.kind === 'growth') cols.push(m.recentNum, m.recentDen, m.prevNum, m.prevDen);
    else if (m.kind === 'count') cols.push(m.col);
    else if (m.kind === 'gap') cols.push(...m.pairs.flat());
    else cols.push('isic_peer_share');
    if (ind.threshold?.type === 'zscore' && ind.threshold.within === 'chapter') cols.push('main_chapter');
  }
  return cols;
}

/** The indicators a configuration uses, in bit order, with their data availability. */
export function activeIndicators(cfg: GriConfig, have: Set<string>): ActiveIndicator[] {
  const defs = new Map(builtinIndicators().map((d) => [d.code, d]));
  const chosen = cfg.indicators ?? builtinIndicators().map((d) => ({ code: d.code, enabled: true, threshold: undefined }));
  const out: ActiveIndicator[] = [];
  for (const c of chosen) {
    if (!c.enabled) continue;
    const d = defs.get(c.code)!;
    const missing = d.requires.filter((r) => !have.has(r));
    if (!have.has('declaration_lines.hs_code')) missing.unshift('declaration_lines');
    out.push({
      code: d.code, family: d.family, name: d.names[cfg.language], names: d.names, requires: d.requires,
      available: missing.length === 0, missing, direction: d.direction, format: d.format, threshold: c.threshold ?? d.threshold,
    });
  }
  for (const c of cfg.custom) {
    if (!c.enabled) continue;
    out.push({
      code: c.code, family: 'custom', name: c.name, names: { [cfg.language]: c.name }, requires: [],
      available: have.has('declaration_lines.hs_code'), missing: have.has('declaration_lines.hs_code') ? [] : ['declaration_lines'],
      direction: 'above', format: c.format, threshold: null, expr: c.expr,
    });
  }
  if (out.length > 52) throw new Error(`at most 52 indicators can be active at once (got ${out.length})`);
  return out;
}

function thresholdSql(ind: ActiveIndicator, i: number, params: Record<string, unknown>): { expr: string; method: string } {
  const t = ind.threshold!;
  const v = `v${i}`;
  switch (t.type) {
    case 'absolute':
      params[`t${i}`] = t.value;
      return { expr: `$t${i}::DOUBLE`, method: '' };
    case 'percentile':
      params[`t${i}`] = t.p;
      return { expr: `(quantile_cont(${v}, $t${i}::DOUBLE) OVER ())`, method: ` (percentile ${Math.round(t.p * 100)} of operators)` };
    case 'meanSd':
      params[`t${i}`] = t.k;
      return { expr: `(avg(${v}) OVER () + $t${i}::DOUBLE * stddev_samp(${v}) OVER ())`, method: ` (mean + ${t.k}·sd of operators)` };
    case 'zscore': {
      params[`t${i}`] = t.z;
      const g = t.within === 'sector' ? 'isic_sector' : 'main_chapter';
      return {
        expr: `(avg(${v}) OVER (PARTITION BY ${g}) + $t${i}::DOUBLE * stddev_samp(${v}) OVER (PARTITION BY ${g}))`,
        method: ` (z-score ${t.z} within ${t.within === 'sector' ? 'ISIC sector' : 'HS chapter'})`,
      };
    }
  }
}

/** Evidence template → SQL concat; literal text is bound, placeholders become formatted SQL expressions. */
function evidenceSql(template: string, i: number, ind: ActiveIndicator, aFormat: string, itemsSql: string, method: string, params: Record<string, unknown>): string {
  const parts: string[] = [];
  let k = 0;
  const lit = (s: string) => {
    params[`e${i}_${k}`] = s;
    parts.push(`$e${i}_${k++}::VARCHAR`);
  };
  const fmt = ind.format;
  const ph: Record<string, string> = {
    value: fmtSql(`v${i}`, fmt),
    threshold: fmtSql(`t${i}`, fmt),
    items: `coalesce(${itemsSql}, '')`,
    a: fmtSql(`a${i}`, aFormat as never),
    b: fmtSql(`b${i}`, aFormat as never),
    n: fmtSql(`n${i}`, 'int'),
  };
  const re = /\{(\w+)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) lit(template.slice(last, m.index));
    if (m[1] === 'method') lit(method);
    else if (ph[m[1]]) parts.push(ph[m[1]]);
    else throw new Error(`evidence template of ${ind.code}: unknown placeholder {${m[1]}}`);
    last = m.index + m[0].length;
  }
  if (last < template.length) lit(template.slice(last));
  return parts.length ? `concat(${parts.join(', ')})` : "''";
}

/**
 * Computes values, thresholds and flags of every active indicator for every operator of seg_agg into temp table
 * seg_vals, then stores the per-operator base rows (flags bitmask, values) and the evidence of each raised flag.
 */
export async function computeFlags(
  ws: Workspace,
  cfg: GriConfig,
  w: Window,
  inds: ActiveIndicator[],
): Promise<void> {
  const defs = new Map(builtinIndicators().map((d) => [d.code, d]));
  const params: Record<string, unknown> = {};
  const cols: string[] = [];
  const joins: string[] = [];
  for (const [i, ind] of inds.entries()) {
    if (!ind.available) {
      cols.push(`NULL::DOUBLE AS v${i}`, `NULL::DOUBLE AS a${i}`, `NULL::DOUBLE AS b${i}`, `NULL::DOUBLE AS n${i}`);
      continue;
    }
    if (ind.expr !== undefined) {
      const c = await customIndicatorSql(ws, ind.expr, `c${i}`, w);
      Object.assign(params, c.params);
      joins.push(`LEFT JOIN (${c.sql}) x${i} USING (operator_id)`);
      cols.push(`x${i}.value::DOUBLE AS v${i}`, `NULL::DOUBLE AS a${i}`, `NULL::DOUBLE AS b${i}`, `NULL::DOUBLE AS n${i}`, `coalesce(x${i}.flag, FALSE) AS cf${i}`);
      continue;
    }
    const m = measureSql(defs.get(ind.code)!.measure);
    cols.push(`(${m.value})::DOUBLE AS v${i}`, `(${m.a}) AS a${i}`, `(${m.b})::DOUBLE AS b${i}`, `(${m.n})::DOUBLE AS n${i}`);
  }
  if (joins.length) params.w_start = w.start, params.w_end = w.end;

  // Thresholds and flags, over the values as a NOT MATERIALIZED CTE: one CTAS of the operators instead of two.
  const tParams: Record<string, unknown> = params;
  const tCols: string[] = [];
  const methods: string[] = [];
  for (const [i, ind] of inds.entries()) {
    if (!ind.available) {
      tCols.push(`NULL::DOUBLE AS t${i}`, `FALSE AS f${i}`);
      methods.push('');
    } else if (ind.threshold === null) {
      tCols.push(`NULL::DOUBLE AS t${i}`, `cf${i} AS f${i}`);
      methods.push('');
    } else {
      const t = thresholdSql(ind, i, tParams);
      const cmp = ind.direction === 'above' ? '>=' : '<=';
      tCols.push(`${t.expr} AS t${i}`, `coalesce(v${i} ${cmp} ${t.expr}, FALSE) AS f${i}`);
      methods.push(t.method);
    }
  }
  // Only what the base rows and the evidence read: a narrow table, not a copy of every aggregate of seg_agg.
  const bits = [...new Set(measureColumns(inds).filter((c) => /^(broker|hs|origin|supplier)_bits$/.test(c)))];
  const keep = [
    'operator_id', 'size_segment', 'total_value', 'basis_lines', 'vat', 'duty', 'excise', 'offences', 'inspected_lines', 'audits',
    'audit_findings', 'isic_sector', 'main_chapter', ...bits, ...inds.flatMap((_, i) => [`v${i}`, `a${i}`, `b${i}`, `n${i}`]),
  ];
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE seg_vals AS
     WITH v0 AS NOT MATERIALIZED (SELECT seg_agg.*, ${cols.join(', ')} FROM seg_agg ${joins.join(' ')})
     SELECT ${keep.join(', ')}, ${tCols.join(', ')} FROM v0`,
    tParams,
  );

  const flagsExpr = inds.length ? inds.map((_, i) => `(CASE WHEN f${i} THEN ${2 ** i}::UBIGINT ELSE 0::UBIGINT END)`).join(' | ') : '0::UBIGINT';
  const list = (p: string) => `[${inds.map((_, i) => `${p}${i}::DOUBLE`).join(', ')}]::DOUBLE[]`;
  await ws.run(`DELETE FROM seg_operator_base WHERE risk = $risk`, { risk: cfg.risk });
  await ws.run(
    `INSERT INTO seg_operator_base
     SELECT $risk, operator_id, size_segment, total_value, basis_lines, vat, duty, excise,
            offences >= 2, inspected_lines > 0 OR audits > 0, offences > 0 OR audit_findings > 0,
            isic_sector, main_chapter, ${flagsExpr}, ${list('v')}, ${list('t')}
     FROM seg_vals`,
    { risk: cfg.risk },
  );

  await ws.run(`DELETE FROM seg_pattern_cube WHERE risk = $risk`, { risk: cfg.risk });
  await ws.run(
    `INSERT INTO seg_pattern_cube
     SELECT risk, flags, size_segment, count(*), count(*) FILTER (WHERE noncompliant), sum(total_value),
            coalesce(sum(vat), 0), coalesce(sum(duty), 0), coalesce(sum(excise), 0),
            count(*) FILTER (WHERE repeat_offender), count(*) FILTER (WHERE NOT controlled)
     FROM seg_operator_base WHERE risk = $risk GROUP BY risk, flags, size_segment`,
    { risk: cfg.risk },
  );

  // Evidence of each raised flag.
  const table = cfg.risk === 'general' ? 'operator_indicator_flags' : 'operator_risk_indicator_flags';
  const riskCol = cfg.risk === 'general' ? '' : '$risk, ';
  await ws.run(`DELETE FROM ${table}${riskCol ? ' WHERE risk = $risk' : ''}`, riskCol ? { risk: cfg.risk } : undefined);
  // One INSERT for all indicators (UNION ALL of the raised flags of each), not one statement per indicator.
  const eParams: Record<string, unknown> = riskCol ? { risk: cfg.risk } : {};
  const parts: string[] = [];
  for (const [i, ind] of inds.entries()) {
    if (!ind.available) continue;
    let ev: string;
    if (ind.expr !== undefined) {
      eParams[`ev${i}`] = `${ind.name}: value `;
      eParams[`evr${i}`] = `; rule ${ind.expr}`;
      ev = `concat($ev${i}::VARCHAR, ${fmtSql(`v${i}`, ind.format)}, $evr${i}::VARCHAR)`;
    } else {
      const d = defs.get(ind.code)!;
      const ms = measureSql(d.measure);
      ev = evidenceSql(d.evidence[cfg.language], i, ind, ms.aFormat, ms.items, methods[i], eParams);
    }
    eParams[`code${i}`] = ind.code;
    parts.push(`SELECT ${riskCol}operator_id, $code${i}::VARCHAR, v${i}, TRUE, ${ev} FROM seg_vals CROSS JOIN seg_rk_names n WHERE f${i}`);
  }
  if (parts.length) await ws.run(`INSERT INTO ${table} ${parts.join(' UNION ALL ')}`, eParams);

  const counts = await ws.one<Record<string, number>>(
    `SELECT ${inds.map((_, i) => `count(*) FILTER (WHERE f${i}) AS f${i}, max(t${i}) AS t${i}, min(t${i}) AS tmin${i}`).join(', ') || '1 AS x'} FROM seg_vals`,
  );
  inds.forEach((ind, i) => {
    ind.flagged = Number(counts?.[`f${i}`] ?? 0);
    const lo = counts?.[`tmin${i}`] ?? null;
    const hi = counts?.[`t${i}`] ?? null;
    ind.thresholdValue = lo !== null && lo === hi ? Number(lo) : null; // a single population threshold
  });
}
