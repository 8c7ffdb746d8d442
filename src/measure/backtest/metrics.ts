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

export async function rankingMetrics(ws: Workspace, src: RankedSource): Promise<RankingMetrics> {
  const base = `SELECT ${src.score} AS s, CAST(${src.label} AS INTEGER) AS y, ${src.tie} AS tie${src.level ? `, ${src.level} AS lvl` : ''}
FROM ${src.table} WHERE ${src.label} IS NOT NULL`;
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE bt_ranked AS
SELECT s, y, ${src.level ? 'lvl' : 'NULL::VARCHAR AS lvl'},
  row_number() OVER (ORDER BY s DESC, tie) AS rk,
  rank() OVER (ORDER BY s) + (count(*) OVER (PARTITION BY s) - 1) / 2.0 AS arank
FROM (${base})`,
  );
  const tot = await ws.one<{ n: number; p: number }>('SELECT count(*) AS n, coalesce(sum(y), 0) AS p FROM bt_ranked');
  const n = Number(tot?.n ?? 0);
  const P = Number(tot?.p ?? 0);
  const baseRate = n ? P / n : 0;
  const top: TopShare[] = [];
  for (const share of TOP_SHARES) {
    const selected = Math.ceil(share * n);
    const findings = Number(
      await ws.scalar('SELECT coalesce(sum(y), 0) FROM bt_ranked WHERE rk <= $k', { k: selected }),
    );
    const precision = selected ? findings / selected : 0;
    top.push({
      share,
      selected,
      findings,
      precision,
      recall: P ? findings / P : 0,
      lift: baseRate ? precision / baseRate : 0,
    });
  }
  const aucRow = await ws.one<{ auc: number | null }>(
    `SELECT CASE WHEN $p > 0 AND $p < $n THEN (sum(arank) FILTER (WHERE y = 1) - CAST($p AS DOUBLE) * ($p + 1) / 2.0) / (CAST($p AS DOUBLE) * ($n - $p)) END AS auc FROM bt_ranked`,
    { p: P, n },
  );
  const byLevel = (
    await ws.all<{ level: string; rows: number; findings: number }>(
      `SELECT lvl AS level, count(*) AS rows, sum(y) AS findings FROM bt_ranked WHERE lvl IS NOT NULL GROUP BY lvl
       ORDER BY CASE lvl WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, lvl`,
    )
  ).map((r) => ({
    level: r.level,
    rows: Number(r.rows),
    findings: Number(r.findings),
    rate: Number(r.findings) / Number(r.rows),
  }));
  const bins = await ws.all<{ decile: number; rows: number; findings: number; mins: number; maxs: number }>(
    `SELECT decile, count(*) AS rows, sum(y) AS findings, min(s) AS mins, max(s) AS maxs
     FROM (SELECT *, ntile(10) OVER (ORDER BY rk) AS decile FROM bt_ranked) GROUP BY decile ORDER BY decile`,
  );
  let cum = 0;
  const lift: LiftBin[] = bins.map((b) => {
    const rows = Number(b.rows);
    const findings = Number(b.findings);
    cum += findings;
    const rate = rows ? findings / rows : 0;
    return {
      decile: Number(b.decile),
      rows,
      findings,
      rate,
      lift: baseRate ? rate / baseRate : 0,
      cumulativeRecall: P ? cum / P : 0,
      minScore: Number(b.mins),
      maxScore: Number(b.maxs),
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
