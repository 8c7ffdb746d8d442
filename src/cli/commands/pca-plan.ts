// cip pca-plan: the post-clearance-audit plan, candidates ranked by GRI and value at risk.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { withWorkspace } from '../../workspace/workspace.ts';
import { pcaPlan, pcaPlanCsv, PcaPlanError, type PcaPlan } from '../../measure/pca/index.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import { clientPath } from '../transport/context.ts';

interface PcaCliOptions {
  workspace?: string;
  json?: boolean;
  capacity: string;
  csv?: string;
  windowMonths?: string;
  minLevel?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('pca-plan')
      .description(
        'post-clearance-audit candidates ranked by GRI × value, favouring operators without control in the window',
      ),
  )
    .requiredOption('--capacity <n>', 'number of audits the plan can hold')
    .option('--csv <file>', 'write the plan as CSV (for the audit-planning system)')
    .option('--window-months <n>', 'control window back from the last declaration (default: the latest GRI window)')
    .option(
      '--min-level <level>',
      'lowest risk level included: low | medium | high (default in src/measure/pca/plan.yaml)',
    )
    .action(async (opts: PcaCliOptions) => {
      if (!/^\d+$/.test(opts.capacity) || Number(opts.capacity) < 1)
        throw new UserError(`--capacity: expected a whole number ≥ 1, got '${opts.capacity}'`);
      if (opts.windowMonths !== undefined && (!/^\d+$/.test(opts.windowMonths) || Number(opts.windowMonths) < 1)) {
        throw new UserError(`--window-months: expected a whole number ≥ 1, got '${opts.windowMonths}'`);
      }
      if (opts.minLevel !== undefined && !['low', 'medium', 'high'].includes(opts.minLevel))
        throw new UserError(`--min-level: expected low, medium or high, got '${opts.minLevel}'`);
      if (opts.json && opts.csv) throw new UserError('--json and --csv: choose one output');
      await withWorkspace(opts.workspace, async (ws) => {
        let plan: PcaPlan;
        try {
          plan = await pcaPlan(ws, {
            capacity: Number(opts.capacity),
            windowMonths: opts.windowMonths === undefined ? undefined : Number(opts.windowMonths),
            minLevel: opts.minLevel as 'low' | 'medium' | 'high' | undefined,
          });
        } catch (err) {
          if (err instanceof PcaPlanError) throw new UserError(err.message);
          throw err;
        }
        if (opts.csv) {
          writeFileSync(clientPath(opts.csv), pcaPlanCsv(plan));
          console.log(`Wrote ${plan.candidates.length} candidates to ${opts.csv}`);
          return;
        }
        if (opts.json) return printJson(plan);
        console.log(renderPcaPlan(plan));
      });
    });
}

export function renderPcaPlan(p: PcaPlan): string {
  const out = [
    `PCA plan: ${p.candidates.length} of ${p.eligible} candidates (risk ≥ ${p.factors.min_level}), control window ${p.window.start} (excl.) to ${p.window.end}, GRI of ${p.gri_computed_at}`,
    `priority = GRI × value × ${p.factors.no_audit} if no audit in the window × ${p.factors.no_inspection} if no inspected line`,
    '',
    formatTable(
      ['#', 'operator', 'name', 'size', 'risk', 'GRI', 'value at risk', 'audits', 'inspected', 'priority'],
      p.candidates.map((c) => [
        c.rank,
        c.operator_id,
        c.name ?? '',
        c.size_segment,
        c.risk_level,
        c.gri.toFixed(3),
        Math.round(c.value_at_risk).toLocaleString('en-US'),
        c.audits_in_window,
        c.inspected_lines,
        Math.round(c.priority).toLocaleString('en-US'),
      ]),
    ),
    '',
    'Reasons:',
  ];
  for (const c of p.candidates) out.push(`  ${c.rank}. ${c.operator_id}: ${c.reasons.join('; ')}`);
  return out.join('\n');
}
