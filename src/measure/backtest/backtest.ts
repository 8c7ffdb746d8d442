// Backtest of the selectivity score: everything (profiles, unit-value norms, weights, level thresholds)
// is fitted on labelled lines of the training period (and optionally a later validation period), then
// the test period's lines are ranked and their findings counted. Test labels are read only by the metrics.
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import type { SelectivityConfig } from '../selectivity/config.ts';
import { fitModelKeeping, scoreLines, type SelectivityModel } from '../selectivity/model.ts';
import { rankingMetrics, type RankingMetrics } from './metrics.ts';
import { bindSpec } from '../selectivity/profiles.ts';
import { backtestLinesSql } from '../selectivity/sql.ts';

export interface BacktestOptions {
  trainFrom?: string;
  trainUntil: string;
  validFrom?: string;
  validUntil?: string;
  testFrom: string;
  testUntil: string;
}

export interface BacktestResult {
  periods: {
    train: { from: string | null; until: string };
    validation: { from: string; until: string } | null;
    test: { from: string; until: string; lines: number; labelled: number };
  };
  /** The labelled lines the test scores learned their profiles from (training, plus validation when given). */
  history: { until: string; lines: number; findings: number };
  /** The lines the weights were fitted on. */
  fit: { on: SelectivityModel['fittedOn']; lines: number; findings: number };
  model: SelectivityModel;
  factors: { id: string; label: string; weight: number }[];
  lines: RankingMetrics;
  operators: RankingMetrics;
}

export class BacktestError extends DomainError {}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function checkPeriods(o: BacktestOptions): void {
  const named: [string, string | undefined][] = [
    ['--train-from', o.trainFrom],
    ['--train-until', o.trainUntil],
    ['--valid-from', o.validFrom],
    ['--valid-until', o.validUntil],
    ['--test-from', o.testFrom],
    ['--test-until', o.testUntil],
  ];
  for (const [name, v] of named) {
    if (v !== undefined && (!ISO.test(v) || Number.isNaN(Date.parse(v)))) {
      throw new BacktestError(`${name}: expected a date YYYY-MM-DD, got '${v}'`);
    }
  }
  if ((o.validFrom === undefined) !== (o.validUntil === undefined)) {
    throw new BacktestError('--valid-from and --valid-until go together');
  }
  if (o.trainFrom && o.trainFrom > o.trainUntil)
    throw new BacktestError(`--train-from ${o.trainFrom} is after --train-until ${o.trainUntil}`);
  if (o.validFrom && o.validUntil) {
    if (o.validFrom <= o.trainUntil)
      throw new BacktestError(`--valid-from ${o.validFrom} must be after --train-until ${o.trainUntil}`);
    if (o.validUntil < o.validFrom)
      throw new BacktestError(`--valid-until ${o.validUntil} is before --valid-from ${o.validFrom}`);
  }
  const lastFit = o.validUntil ?? o.trainUntil;
  if (o.testFrom <= lastFit) {
    throw new BacktestError(
      `--test-from ${o.testFrom} must be after ${o.validUntil ? '--valid-until' : '--train-until'} ${lastFit}: the test period may not overlap what the scores learn from`,
    );
  }
  if (o.testUntil < o.testFrom)
    throw new BacktestError(`--test-until ${o.testUntil} is before --test-from ${o.testFrom}`);
}

/** Phases of a backtest, for a progress display (a job of the server). */
export interface BacktestProgress {
  phase(label: 'fitting' | 'scoring' | 'evaluating'): void;
}

export async function runBacktest(
  ws: Workspace,
  cfg: SelectivityConfig,
  o: BacktestOptions,
  progress?: BacktestProgress,
): Promise<BacktestResult> {
  checkPeriods(o);
  const validation = o.validFrom && o.validUntil ? { from: o.validFrom, until: o.validUntil } : undefined;
  progress?.phase('fitting');
  const { model, kept } = await fitModelKeeping(ws, cfg, {
    history: { from: o.trainFrom, until: o.trainUntil },
    validation,
  });
  progress?.phase('scoring');
  const s = await scoreLines(ws, cfg, model, { from: o.testFrom, until: o.testUntil }, kept);
  // The test lines scored once, narrow (what the metrics read); then operators: probability of at least one finding
  // over their test lines, level = their highest line level.
  const linesSql = backtestLinesSql(cfg);
  await ws.run(linesSql, await bindSpec(ws, linesSql));
  progress?.phase('evaluating');
  const labelled = Number(await ws.scalar('SELECT count(*) FROM bt_lines WHERE y IS NOT NULL'));
  if (labelled === 0)
    throw new BacktestError(
      `no labelled declaration lines (inspected, with a finding value) between ${o.testFrom} and ${o.testUntil}: nothing to evaluate`,
    );
  const lines = await rankingMetrics(ws, { table: 'bt_lines', score: 'score', label: 'y', tie: 'tie', level: 'level' });
  await ws.run(
    `CREATE OR REPLACE TEMP TABLE sel_operator_scores AS
SELECT operator_id, count(*) AS lines, 1 - exp(sum(ln(greatest(1 - p, 1e-12)))) AS p_any, max(y) AS y,
  CASE max(CASE level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS level
FROM bt_lines GROUP BY operator_id`,
  );
  const operators = await rankingMetrics(ws, {
    table: 'sel_operator_scores',
    score: 'p_any',
    label: 'y',
    tie: 'hash(operator_id)',
    level: 'level',
  });
  return {
    periods: {
      train: { from: o.trainFrom ?? null, until: o.trainUntil },
      validation: validation ?? null,
      test: { from: o.testFrom, until: o.testUntil, lines: s.targetLines, labelled },
    },
    history: { until: model.history.until, lines: s.historyLines, findings: s.historyFindings },
    fit: { on: model.fittedOn, lines: model.fitLines, findings: model.fitFindings },
    model,
    factors: cfg.factors.map((f) => ({ id: f.id, label: f.label.en, weight: model.weights[f.id] ?? 0 })),
    lines,
    operators,
  };
}
