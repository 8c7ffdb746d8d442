// cip backtest: fit the selectivity score on a training period only and measure how it ranks the lines and
// operators of a later test period (precision/recall in the top shares, AUC, rate by level, lift chart).
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { loadSelectivityConfig } from '../../measure/selectivity/index.ts';
import { runBacktest, type BacktestOptions } from '../../measure/backtest/backtest.ts';
import type { RankingMetrics } from '../../measure/backtest/metrics.ts';
import { formatTable, printJson, withCommonOptions } from '../output.ts';
import { clientPath } from '../transport/context.ts';

interface Opts extends BacktestOptions {
  workspace?: string;
  json?: boolean;
  factors?: string;
  memoryLimit: string;
}

const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;

function printMetrics(title: string, m: RankingMetrics): void {
  console.log(
    `\n${title}: ${m.rows} evaluated, ${m.findings} with a finding (base rate ${pct(m.baseRate)}), AUC ${m.auc === null ? 'n/a' : m.auc.toFixed(3)}`,
  );
  console.log(
    formatTable(
      ['top', 'selected', 'findings', 'precision', 'recall', 'lift'],
      m.top.map((t) => [
        pct(t.share, 0),
        t.selected,
        t.findings,
        t.precision.toFixed(3),
        t.recall.toFixed(3),
        t.lift.toFixed(2),
      ]),
    ),
  );
  console.log('\nfinding rate by risk level');
  console.log(
    formatTable(
      ['level', 'rows', 'findings', 'rate'],
      m.byLevel.map((l) => [l.level, l.rows, l.findings, pct(l.rate)]),
    ),
  );
  console.log('\nlift chart (deciles by score)');
  console.log(
    formatTable(
      ['decile', 'rows', 'findings', 'rate', 'lift', 'cum. recall'],
      m.lift.map((b) => [b.decile, b.rows, b.findings, pct(b.rate), b.lift.toFixed(2), pct(b.cumulativeRecall)]),
    ),
  );
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('backtest')
      .description('fit the selectivity score on a training period only, evaluate its ranking on a later test period'),
  )
    .requiredOption(
      '--train-until <date>',
      'last day of the training period (profiles and weights learn from labelled lines up to it)',
    )
    .option('--train-from <date>', 'first day of the training period (default: all earlier history)')
    .option(
      '--valid-from <date>',
      'first day of a validation period: weights are fitted on it (profiles from training), then profiles use training + validation',
    )
    .option('--valid-until <date>', 'last day of the validation period')
    .requiredOption('--test-from <date>', 'first day of the test period')
    .requiredOption('--test-until <date>', 'last day of the test period')
    .option('--factors <file>', 'factor configuration (YAML; default src/measure/selectivity/factors.default.yaml)')
    .option('--memory-limit <size>', 'DuckDB memory limit; what does not fit spills to disk', '1GB')
    .action(async (opts: Opts) => {
      const cfg = loadSelectivityConfig(opts.factors ? clientPath(opts.factors) : undefined);
      await withWorkspace(
        opts.workspace,
        async (ws) => {
          const r = await runBacktest(ws, cfg, opts);
          if (opts.json) return printJson(r);
          const v = r.periods.validation;
          console.log(`Backtest of the selectivity score`);
          console.log(
            `  training   ${r.periods.train.from ?? '(start)'} .. ${r.periods.train.until}${v ? `   validation ${v.from} .. ${v.until}` : ''}   test ${r.periods.test.from} .. ${r.periods.test.until}`,
          );
          console.log(
            `  test scores learned from ${r.history.lines} labelled lines up to ${r.history.until} (${r.history.findings} findings); weights fitted on ${r.fit.lines} lines (${r.fit.on})`,
          );
          console.log(`  test period: ${r.periods.test.lines} lines, ${r.periods.test.labelled} with an outcome`);
          console.log(`\nscore = ${r.model.intercept.toFixed(3)} + Σ weight × lift (log-odds)`);
          console.log(
            formatTable(
              ['factor', 'weight'],
              r.factors.map((f) => [`${f.id} (${f.label})`, f.weight.toFixed(3)]),
            ),
          );
          printMetrics('Lines', r.lines);
          printMetrics('Operators (probability of at least one finding over their test lines)', r.operators);
        },
        { memoryLimit: opts.memoryLimit },
      );
    });
}
