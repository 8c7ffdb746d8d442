// cip unit-value HS_CODE: unit-value analysis of a sensitive HS code, by origin (undervaluation work).
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { unitValueAnalysis, UnitValueError, type UnitValueReport } from '../../measure/unitvalue/index.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';

interface UvCliOptions {
  workspace?: string;
  json?: boolean;
  per: string;
  basis: string;
  from?: string;
  to?: string;
  ratio?: string;
  z?: string;
  limit?: string;
}

const num = (flag: string, v: string | undefined, ok: (n: number) => boolean, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UserError(`${flag}: expected ${what}, got '${v}'`);
  return n;
};

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('unit-value')
      .argument('<hs_code>', 'HS code or prefix (e.g. 610910 or 6109.10)')
      .description('unit values of an HS code by origin: distribution, lines far below the norm, their importers'),
  )
    .option('--per <unit>', 'kg (net mass) | unit (quantity)', 'kg')
    .option('--basis <basis>', 'reference median: code (all origins) | origin (the origin’s own)', 'code')
    .option('--from <date>', 'first day included (YYYY-MM-DD)')
    .option('--to <date>', 'last day included (YYYY-MM-DD)')
    .option('--ratio <r>', 'flag lines below r × median (default 0.25)')
    .option('--z <z>', 'flag lines with robust z of log unit value below −z (default 3)')
    .option('--limit <n>', 'flagged lines listed (default 50)')
    .action(async (hsCode: string, opts: UvCliOptions) => {
      if (!['kg', 'unit'].includes(opts.per)) throw new UserError(`--per: expected kg or unit, got '${opts.per}'`);
      if (!['code', 'origin'].includes(opts.basis))
        throw new UserError(`--basis: expected code or origin, got '${opts.basis}'`);
      for (const [flag, v] of [
        ['--from', opts.from],
        ['--to', opts.to],
      ] as const) {
        if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
          throw new UserError(`${flag}: expected a date YYYY-MM-DD, got '${v}'`);
      }
      const o = {
        hsCode,
        per: opts.per as 'kg' | 'unit',
        basis: opts.basis as 'code' | 'origin',
        from: opts.from ?? null,
        to: opts.to ?? null,
        ratio: num('--ratio', opts.ratio, (n) => n > 0 && n < 1, 'a number between 0 and 1'),
        z: num('--z', opts.z, (n) => n > 0, 'a positive number'),
        limit: num('--limit', opts.limit, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1'),
      };
      await withWorkspace(opts.workspace, async (ws) => {
        let r: UnitValueReport;
        try {
          r = await unitValueAnalysis(ws, o);
        } catch (err) {
          if (err instanceof UnitValueError) throw new UserError(err.message);
          throw err;
        }
        if (opts.json) return printJson(r);
        console.log(renderUnitValue(r));
      });
    });
}

const f2 = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const f0 = (v: number) => Math.round(v).toLocaleString('en-US');

export function renderUnitValue(r: UnitValueReport): string {
  const out = [
    `Unit value (value per ${r.per}) of HS ${r.hs_code}*: ${r.lines_total} import lines, ${r.lines_without_quantity} without ${r.per === 'kg' ? 'net mass' : 'quantity'} or value left out`,
    '',
  ];
  const rows = [...(r.overall ? [r.overall] : []), ...r.by_origin].map((d) => [
    d.origin ?? 'ALL',
    d.lines,
    f2(d.quantiles.p5),
    f2(d.quantiles.p25),
    f2(d.quantiles.p50),
    f2(d.quantiles.p75),
    f2(d.quantiles.p95),
    f2(d.mean),
  ]);
  out.push(formatTable(['origin', 'lines', 'p5', 'p25', 'median', 'p75', 'p95', 'Σvalue/Σqty'], rows));
  out.push(
    '',
    `Far below the norm (< ${r.rule.ratio * 100}% of the ${r.basis === 'origin' ? "origin's" : "code's"} median, or robust z < −${r.rule.z}): ` +
      `${r.flagged.lines} lines, value ${f0(r.flagged.value)}, shortfall against the median ${f0(r.flagged.shortfall)}`,
  );
  if (r.flagged.listed.length) {
    out.push(
      formatTable(
        ['declaration', 'line', 'date', 'importer', 'origin', 'value', r.per, 'unit value', '% median', 'robust z'],
        r.flagged.listed.map((l) => [
          l.declaration_id,
          l.line_no,
          l.date,
          l.operator_id,
          l.origin,
          f0(l.value),
          f2(l.quantity),
          f2(l.unit_value),
          `${(l.ratio_to_median * 100).toFixed(1)}%`,
          l.robust_z === null ? '' : l.robust_z.toFixed(2),
        ]),
      ),
    );
  }
  if (r.importers.length) {
    out.push('', 'Importers of these lines:');
    out.push(
      formatTable(
        ['importer', 'name', 'flagged', 'of lines', 'shortfall', 'lowest % median', 'origins', 'GRI', 'risk'],
        r.importers.map((i) => [
          i.operator_id,
          i.name ?? '',
          i.flagged_lines,
          i.lines,
          f0(i.shortfall),
          `${(i.min_ratio * 100).toFixed(1)}%`,
          i.origins.join(' '),
          i.gri === null ? '' : i.gri.toFixed(3),
          i.risk_level ?? '',
        ]),
      ),
    );
  }
  return out.join('\n');
}
