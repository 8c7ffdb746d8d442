// The run log: operators and value per size × GRI level of every run and re-scoring, appended (never rewritten),
// so that the segments of the last two runs can be compared. Read from the run's pattern cube and pattern scores
// (the cells Table 4 adds up): a few hundred rows per run, never one per operator.
import type { Workspace } from '../workspace/workspace.ts';

export interface LoggedRun {
  computedAt: string;
  configId: string;
  cells: { size: string; level: string; operators: number; value: number }[];
}

export async function logRun(ws: Workspace, risk: string, configId: string, computedAt: string): Promise<void> {
  await ws.run(
    `INSERT INTO seg_run_log
     SELECT $risk, $at::TIMESTAMP, $cid, c.size_segment, s.risk_level, sum(c.operators)::BIGINT, round(sum(c.value), 2)
     FROM seg_pattern_cube c JOIN seg_pattern_scores s ON s.risk = c.risk AND s.flags = c.flags WHERE c.risk = $risk
     GROUP BY c.size_segment, s.risk_level`,
    { risk, at: computedAt, cid: configId },
  );
}

/** The last `n` logged runs of a risk, newest first. */
export async function recentRuns(ws: Workspace, risk = 'general', n = 2): Promise<LoggedRun[]> {
  const rows = await ws.all<{
    at: string;
    config_id: string;
    size: string;
    level: string;
    operators: number;
    value: number;
  }>(
    `WITH runs AS (SELECT DISTINCT computed_at FROM seg_run_log WHERE risk = $risk ORDER BY computed_at DESC LIMIT $n)
     SELECT strftime(l.computed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, l.config_id, l.size_segment AS size,
            l.risk_level AS level, l.operators::BIGINT AS operators, l.value
     FROM seg_run_log l JOIN runs USING (computed_at) WHERE l.risk = $risk
     ORDER BY l.computed_at DESC, size, level`,
    { risk, n },
  );
  const out: LoggedRun[] = [];
  for (const r of rows) {
    let run = out.at(-1);
    if (!run || run.computedAt !== r.at) out.push((run = { computedAt: r.at, configId: r.config_id, cells: [] }));
    run.cells.push({ size: r.size, level: r.level, operators: Number(r.operators), value: r.value });
  }
  return out;
}
