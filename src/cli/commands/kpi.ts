// cip kpi: the Box 2 indicators per period with their periodic variation rates.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import {
  computeKpis,
  LANGS,
  LEVELS,
  PERIODS,
  type KpiLevel,
  type KpiReport,
  type KpiSeries,
  type Lang,
  type PeriodUnit,
} from '../../measure/kpi/index.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';

interface KpiCliOptions {
  workspace?: string;
  json?: boolean;
  period: string;
  level?: string;
  from?: string;
  to?: string;
  lang: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('kpi')
      .description('Box 2 indicators (strategic, tactical, operational) per period, with periodic variation rates'),
  )
    .option('--period <unit>', `month | quarter | year`, 'quarter')
    .option('--level <level>', 'strategic | tactical | operational (default: all)')
    .option('--from <date>', 'first day included (YYYY-MM-DD)')
    .option('--to <date>', 'last day included (YYYY-MM-DD)')
    .option('--lang <lang>', 'language of the indicator names: en | es | fr | pt', 'en')
    .action(async (opts: KpiCliOptions) => {
      if (!(PERIODS as readonly string[]).includes(opts.period))
        throw new UserError(`--period: expected one of ${PERIODS.join(', ')}, got '${opts.period}'`);
      if (opts.level && !(LEVELS as readonly string[]).includes(opts.level))
        throw new UserError(`--level: expected one of ${LEVELS.join(', ')}, got '${opts.level}'`);
      if (!(LANGS as readonly string[]).includes(opts.lang))
        throw new UserError(`--lang: expected one of ${LANGS.join(', ')}, got '${opts.lang}'`);
      for (const [flag, v] of [
        ['--from', opts.from],
        ['--to', opts.to],
      ] as const) {
        if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
          throw new UserError(`${flag}: expected a date YYYY-MM-DD, got '${v}'`);
      }
      if (opts.from && opts.to && opts.from > opts.to)
        throw new UserError(`--from ${opts.from} is after --to ${opts.to}`);
      await withWorkspace(opts.workspace, async (ws) => {
        const report = await computeKpis(ws, {
          period: opts.period as PeriodUnit,
          level: opts.level as KpiLevel | undefined,
          from: opts.from ?? null,
          to: opts.to ?? null,
          lang: opts.lang as Lang,
        });
        if (opts.json) return printJson(report);
        console.log(renderKpiReport(report));
      });
    });
}

const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)}%`);
const fmt = (v: number | null, unit: KpiSeries['unit']) =>
  v === null
    ? ''
    : unit === 'ratio'
      ? pct(v)
      : unit === 'hours'
        ? v.toFixed(1)
        : unit === 'count'
          ? String(Math.round(v))
          : Math.round(v).toLocaleString('en-US');

export function renderKpiReport(r: KpiReport): string {
  const out: string[] = [];
  if (r.periods.length === 0) return 'No declaration lines or audits in the window: nothing to compute.';
  out.push(
    `Box 2 indicators per ${r.period}, ${r.periods[0]} to ${r.periods.at(-1)}  (var = (x_t − x_{t−1}) / x_{t−1})`,
  );
  for (const k of r.kpis) {
    out.push('', `[${k.level}] ${k.code}  ${k.name}`);
    const rows = k.points.map((p) => [
      p.period,
      ...(k.dimension ? [p.dimension ?? ''] : []),
      k.code === 'S2_collection_vs_trade' && p.dimension === 'buoyancy'
        ? p.value === null
          ? ''
          : p.value.toFixed(2)
        : fmt(p.value, k.unit),
      pct(p.variation),
      ...(k.unit === 'ratio'
        ? [p.change === null ? '' : `${p.change >= 0 ? '+' : ''}${(p.change * 100).toFixed(1)}`]
        : []),
    ]);
    out.push(
      formatTable(
        ['period', ...(k.dimension ? [k.dimension] : []), 'value', 'var', ...(k.unit === 'ratio' ? ['Δ pp'] : [])],
        rows,
      ),
    );
  }
  if (r.operational) {
    out.push('', `[operational] Table per compliance risk (sources: ${r.operational.sources.join(' + ')})`);
    const src = r.operational.sources.length > 1 ? 'total' : r.operational.sources[0];
    const rows = r.operational.rows
      .filter((x) => x.source === src)
      .map((x) => [
        x.name,
        x.period,
        x.cases,
        pct(x.cases_variation),
        Math.round(x.reassessed).toLocaleString('en-US'),
        pct(x.reassessed_variation),
        Math.round(x.collected).toLocaleString('en-US'),
        pct(x.collected_variation),
      ]);
    out.push(formatTable(['compliance risk', 'period', 'cases', 'var', 'reassessed', 'var', 'collected', 'var'], rows));
  }
  if (r.not_computed.length) {
    out.push('', 'Not computed (data they need):');
    for (const n of r.not_computed) out.push(`  ${n.code}  ${n.name}: ${n.needs}`);
  }
  return out.join('\n');
}
