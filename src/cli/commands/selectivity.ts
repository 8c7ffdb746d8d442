// cip selectivity export: line- or operator-level selectivity scores with their reasons, for the cargo
// selectivity module.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { exportSelectivity, loadSelectivityConfig, type Lang } from '../../measure/selectivity/index.ts';
import { printJson, UserError, withCommonOptions } from '../output.ts';
import { clientPath } from '../transport/context.ts';

interface ExportOpts {
  workspace?: string;
  json?: boolean;
  level: string;
  asOf?: string;
  factors?: string;
  lang: string;
  reasons: string;
  memoryLimit: string;
}

export function register(program: Command): void {
  const sel = program
    .command('selectivity')
    .description('line-level selectivity scores: named risk factors learned from past findings');
  withCommonOptions(
    sel
      .command('export')
      .description('write scores and reasons (top factors with contributions) to a CSV for the selectivity module')
      .argument('<out>', 'CSV file to write'),
  )
    .option('--level <level>', 'line | operator', 'line')
    .option(
      '--as-of <date>',
      'learn from labelled lines up to DATE and score the lines after it (default: learn from all, score lines without an outcome)',
    )
    .option('--factors <file>', 'factor configuration (YAML; default src/measure/selectivity/factors.default.yaml)')
    .option('--lang <lang>', 'language of the reasons: en | es | fr | pt', 'en')
    .option('--reasons <n>', 'reasons per line', '3')
    .option('--memory-limit <size>', 'DuckDB memory limit; what does not fit spills to disk', '1GB')
    .action(async (out: string, opts: ExportOpts) => {
      if (opts.level !== 'line' && opts.level !== 'operator')
        throw new UserError(`--level: expected line or operator, got '${opts.level}'`);
      if (!['en', 'es', 'fr', 'pt'].includes(opts.lang))
        throw new UserError(`--lang: expected en, es, fr or pt, got '${opts.lang}'`);
      const n = Number(opts.reasons);
      if (!Number.isInteger(n) || n < 1 || n > 20)
        throw new UserError(`--reasons: expected a whole number 1..20, got '${opts.reasons}'`);
      const cfg = loadSelectivityConfig(opts.factors ? clientPath(opts.factors) : undefined);
      await withWorkspace(
        opts.workspace,
        async (ws) => {
          const r = await exportSelectivity(ws, cfg, {
            out: clientPath(out),
            level: opts.level as 'line' | 'operator',
            asOf: opts.asOf,
            lang: opts.lang as Lang,
            reasons: n,
          });
          if (opts.json) return printJson({ ...r, model: { ...r.model } });
          console.log(`Wrote ${r.rows} ${r.level === 'line' ? 'lines' : 'operators'} to ${r.file}`);
          console.log(
            `  scored ${r.scoredLines} lines with profiles learned from ${r.historyLines} labelled lines up to ${r.historyUntil} (model #${r.modelId})`,
          );
          console.log(
            `  score = ${r.model.intercept.toFixed(3)} + Σ weight × lift; weights: ${Object.entries(r.model.weights)
              .filter(([, w]) => w > 0)
              .map(([k, w]) => `${k} ${w.toFixed(2)}`)
              .join(', ')}`,
          );
        },
        { memoryLimit: opts.memoryLimit },
      );
    });
}
