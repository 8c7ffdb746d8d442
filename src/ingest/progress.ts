// Runs a long statement as a pending DuckDB query, polling its progress for a reporter (a bar on a
// terminal, plain lines in logs, or nothing).
import { DuckDBPendingResultState } from '@duckdb/node-api';
import { traceSql, traceStart, type Workspace } from '../workspace/workspace.ts';

export interface ProgressReporter {
  /** Called with a phase label, then with percentages 0..100 (and rows done, when known) while the phase runs. */
  phase(label: string): void;
  update(percent: number, rows?: number): void;
  done(): void;
}

export const silentProgress: ProgressReporter = { phase() {}, update() {}, done() {} };

/** Plain "label NN%" lines on stderr (CIP_PROGRESS=plain), for logs and for tests that watch an import. */
export function plainProgress(stream: NodeJS.WritableStream = process.stderr): ProgressReporter {
  let label = '';
  let last = -1;
  return {
    phase(l) {
      label = l;
      last = -1;
      stream.write(`progress: ${label} 0%\n`);
    },
    update(pct) {
      const p = Math.floor(pct);
      if (p > last) {
        last = p;
        stream.write(`progress: ${label} ${p}%\n`);
      }
    },
    done() {},
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runWithProgress(
  ws: Workspace,
  sql: string,
  params: Record<string, unknown>,
  reporter: ProgressReporter,
  label: string,
): Promise<number> {
  reporter.phase(label);
  const t0 = traceStart();
  const pending = await ws.conn.start(sql, params as never);
  let lastPoll = 0;
  for (;;) {
    const state = pending.runTask();
    if (state === DuckDBPendingResultState.RESULT_READY) break;
    const now = Date.now();
    if (now - lastPoll > 200) {
      lastPoll = now;
      const p = ws.conn.progress;
      if (p.percentage >= 0) reporter.update(Math.min(100, p.percentage), Number(p.rows_processed));
    }
    if (state === DuckDBPendingResultState.NO_TASKS_AVAILABLE) await sleep(10);
    else await new Promise((r) => setImmediate(r));
  }
  const result = await pending.getResult();
  traceSql(sql, t0);
  reporter.update(100);
  // INSERT and CREATE TABLE AS return the number of rows written.
  const rows = await result.getRowsJS();
  const n = rows[0]?.[0];
  return typeof n === 'bigint' || typeof n === 'number' ? Number(n) : 0;
}
