// Ranking metrics of a backtest, computed in DuckDB over a scored table (one row per line or operator):
// precision and recall among the top shares, AUC (Mann–Whitney with tied ranks averaged), finding rate
// by risk level and lift-chart data by decile. Table and column names come from code, never from users.
import type { Workspace } from '../../workspace/workspace.ts';

export const TOP_SHARES = [0.01, 0.02, 0.05, 0.1, 0.2];

export interface TopShare {
  share: number;
  /** Rows in the top share: ceil(share × rows). */
  selected: number;
  findings: number;
  precision: number;
  recall: number;
  /** precision / base rate */
  lift: number;
}

export interface LevelRate {
  level: string;
  rows: number;
  findings: number;
  rate: number;
}

export interface LiftBin {
  decile: number;
  rows: number;
  findings: number;
  rate: number;
  lift: number;
  /** Share of all findings captured by this decile and those above it. */
  cumulativeRecall: number;
  minScore: number;
  maxScore: number;
}

export interface RankingMetrics {
  rows: number;
  findings: number;
  baseRate: number;
  auc: number | null;
  top: TopShare[];
  byLevel: LevelRate[];
  lift: LiftBin[];
}

export interface RankedSource {
  /** A table or temp table holding the scored rows. */
  table: string;
  score: string;
  /** 0/1 outcome column; rows with NULL are not evaluated. */
  label: string;
  /** Deterministic tie-breaker expression (e.g. hash of the id). */
  tie: string;
  /** Optional column with the risk level of each row. */
  level?: string;
}

const LEVEL_ORDER: Record<string, number> = { high: 1, medium: 2, low: 3 };

/**
 * One ordered pass: the rows ranked by score (ties by the tie-breaker) and counted per decile × level, with the
 * findings inside each top share; AUC from the findings per distinct score (tied scores share their mean rank).
 */
export async function rankingMetrics(ws: Workspace, src: RankedSource): Promise<RankingMetrics> {
  const base = `SELECT ${src.score} AS s, CAST(${src.label} AS INTEGER) AS y, ${src.tie} AS tie, ${src.level ?? 'NULL::VARCHAR'} AS lvl
FROM ${src.table} WHERE ${src.label} IS NOT NULL`;
  const tot = await ws.one<{ n: number; p: number }>(`SELECT count(*) AS n, coalesce(sum(y), 0) AS p FROM (${base})`);
  const n = Number(tot?.n ?? 0);
  const P = Number(tot?.p ?? 0);
  const baseRate = n ? P / n : 0;
  const selected = TOP_SHARES.map((share) => Math.ceil(share * n));
  // ntile(10) over the ranks: the first n % 10 deciles hold one row more.
  const q = Math.floor(n / 10);
  const rem = n % 10;
  const params: Record<string, unknown> = { big: rem * (q + 1), q1: q + 1, q: Math.max(q, 1), rem };
  selected.forEach((k, i) => (params[`k${i}`] = k));
  const groups = n
    ? await ws.all<Record<string, number | string | null>>(
        `SELECT decile, lvl, count(*) AS rows, sum(y) AS findings, min(s) AS mins, max(s) AS maxs,
  ${selected.map((_, i) => `coalesce(sum(y) FILTER (WHERE rk <= $k${i}), 0) AS t${i}`).join(', ')}
FROM (SELECT s, y, lvl, rk, 1 + CASE WHEN rk <= $big THEN (rk - 1) // $q1 ELSE (rk - 1 - $rem) // $q END AS decile
      FROM (SELECT s, y, lvl, row_number() OVER (ORDER BY s DESC, tie) AS rk FROM (${base})))
GROUP BY decile, lvl ORDER BY decile`,
        params,
      )
    : [];
  const top: TopShare[] = TOP_SHARES.map((share, i) => {
    const findings = groups.reduce((a, g) => a + Number(g[`t${i}`]), 0);
    const precision = selected[i] ? findings / selected[i] : 0;
    return {
      share,
      selected: selected[i],
      findings,
      precision,
      recall: P ? findings / P : 0,
      lift: baseRate ? precision / baseRate : 0,
    };
  });
  const aucRow = n
    ? await ws.one<{ auc: number | null }>(
        `SELECT CASE WHEN $p > 0 AND $p < $n THEN (sum(pos * (below + 1 + (cnt - 1) / 2.0)) - CAST($p AS DOUBLE) * ($p + 1) / 2.0) / (CAST($p AS DOUBLE) * ($n - $p)) END AS auc
FROM (SELECT cnt, pos, sum(cnt) OVER (ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS b0
      FROM (SELECT s, count(*) AS cnt, sum(y) AS pos FROM (${base}) GROUP BY s)), LATERAL (SELECT coalesce(b0, 0) AS below)`,
        { p: P, n },
      )
    : undefined;
  const levels = new Map<string, { rows: number; findings: number }>();
  for (const g of groups) {
    if (g.lvl === null) continue;
    const l = levels.get(String(g.lvl)) ?? { rows: 0, findings: 0 };
    l.rows += Number(g.rows);
    l.findings += Number(g.findings);
    levels.set(String(g.lvl), l);
  }
  const byLevel: LevelRate[] = [...levels.entries()]
    .sort(([a], [b]) => (LEVEL_ORDER[a] ?? 4) - (LEVEL_ORDER[b] ?? 4) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([level, l]) => ({ level, rows: l.rows, findings: l.findings, rate: l.findings / l.rows }));
  const deciles = new Map<number, { rows: number; findings: number; mins: number; maxs: number }>();
  for (const g of groups) {
    const d = Number(g.decile);
    const b = deciles.get(d) ?? { rows: 0, findings: 0, mins: Infinity, maxs: -Infinity };
    b.rows += Number(g.rows);
    b.findings += Number(g.findings);
    b.mins = Math.min(b.mins, Number(g.mins));
    b.maxs = Math.max(b.maxs, Number(g.maxs));
    deciles.set(d, b);
  }
  let cum = 0;
  const lift: LiftBin[] = [...deciles.entries()]
    .sort(([a], [b]) => a - b)
    .map(([decile, b]) => {
      cum += b.findings;
      const rate = b.rows ? b.findings / b.rows : 0;
      return {
        decile,
        rows: b.rows,
        findings: b.findings,
        rate,
        lift: baseRate ? rate / baseRate : 0,
        cumulativeRecall: P ? cum / P : 0,
        minScore: b.mins,
        maxScore: b.maxs,
      };
    });
  return {
    rows: n,
    findings: P,
    baseRate,
    auc: aucRow?.auc === null || aucRow?.auc === undefined ? null : Number(aucRow.auc),
    top,
    byLevel,
    lift,
  };
}
