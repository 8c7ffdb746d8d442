// cip cip-risk RISK: a CIP focused on one compliance risk (note Annex 3).
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import { riskCip, type Metric, type RiskCip } from '../../plan/risk/annex3.ts';
import { workspaceLanguage } from '../../plan/config.ts';
import { renderCell } from './treatments.ts';

const money = (x: number) => Math.round(x).toLocaleString('en');
const varText = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);
const m = (x: Metric) => [money(x.current), varText(x.variation)];

function render(r: RiskCip, lang: string): string {
  const out: string[] = [];
  out.push(`Compliance risk: ${r.risk}`);
  out.push(
    `Current period ${r.windows.current.start} < date ≤ ${r.windows.current.end}; previous ${r.windows.previous.start} < date ≤ ${r.windows.previous.end}.`,
  );
  out.push(
    `${r.hsCodes.length} HS codes ${r.hsSource === 'given' ? 'given' : 'proposed from finding rates'}: ${r.hsCodes.join(', ')}. ${r.operators} operators imported under them in the current period.`,
  );
  if (r.proposed.length) {
    out.push('\nProposed sensitive HS codes (inspected lines of both periods)');
    out.push(
      formatTable(
        ['HS', 'inspected', 'findings', 'finding rate %', 'reassessed'],
        r.proposed.map((p) => [p.hs, p.inspected, p.findings, p.findingRate.toFixed(1), money(p.reassessed)]),
      ),
    );
  }
  out.push('\n1. Indicators');
  out.push(
    formatTable(
      ['HS', 'CIF', 'var', 'VAT', 'var', 'duty', 'var', 'excise', 'var', 'importers', 'var'],
      r.indicators.map((i) => [
        i.hs,
        ...m(i.cif),
        ...m(i.vat),
        ...m(i.duty),
        ...m(i.excise),
        String(i.importers.current),
        varText(i.importers.variation),
      ]),
    ),
  );
  out.push("\n2. Importers' segmentation by HS code");
  if (!r.segmentationAvailable)
    out.push("   (no segmentation yet: run 'cip gri compute' — all importers are unsegmented)");
  for (const s of r.segmentation) {
    out.push(
      `HS ${s.hs}: ${s.importers} importers${s.unsegmented ? ` (${s.unsegmented} not in the segmentation)` : ''}`,
    );
    out.push(
      formatTable(
        [
          'size',
          'risk',
          'importers',
          '% importers',
          'repeat off.',
          'var',
          'CIF',
          '% CIF',
          'collection',
          '% collection',
        ],
        s.rows.map((x) => [
          x.size,
          x.level,
          x.importers,
          x.pctImporters.toFixed(1),
          x.repeatOffenders,
          varText(x.repeatOffendersVariation),
          money(x.cif),
          x.pctCif.toFixed(1),
          money(x.collection),
          x.pctCollection.toFixed(1),
        ]),
      ),
    );
  }
  out.push('\n3. Treatment measures at operational level');
  out.push(r.treatments.map((c) => renderCell(c, lang)).join('\n'));
  out.push('\n4. Vulnerabilities and treatment measures at institutional level');
  if (r.vulnerabilities.length === 0)
    out.push(`   none linked to '${r.risk}' in the register (cip register add --compliance-risks ${r.risk} ...)`);
  for (const v of r.vulnerabilities) {
    out.push(
      `${v.id} ${v.processCode} ${v.description} [${v.institutionalRisk}] effect ${v.score.expectedEffect}, probability ${v.score.probability}, priority ${v.score.priority ?? '-'} ${v.score.priorityLevel ?? ''}`,
    );
    for (const ms of v.measures)
      out.push(
        `    measure ${ms.id}: ${ms.description} — ${ms.responsibleUnit}, ${ms.expectedDate ?? ms.expectedComment ?? 'no date'}${ms.status === 'done' ? ' (done)' : ''}`,
      );
    for (const i of v.indicators)
      out.push(
        `    indicator ${i.id}: ${i.name}${i.values.length ? ` — ${i.values.at(-1)!.period}: ${i.values.at(-1)!.value}%` : ''}${i.goal !== null ? ` (goal ${i.goal}%)` : ''}`,
      );
  }
  return out.join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('cip-risk <risk>')
      .description(
        'CIP focused on one compliance risk (Annex 3): sensitive HS codes, indicators, segmentation, treatments, vulnerabilities',
      ),
  )
    .option('--hs <codes>', 'sensitive HS codes, comma-separated (default: proposed from finding rates)')
    .option('--end <date>', 'end of the current period (default: last declaration date)')
    .option('--months <n>', 'length of each period in months', '12')
    .option('--top <n>', 'how many HS codes to propose', '5')
    .option('--digits <n>', 'HS digits of proposed codes', '6')
    .option('--min-support <n>', 'minimum inspected lines for a proposed code', '30')
    .action(
      async (
        risk: string,
        o: {
          workspace?: string;
          json?: boolean;
          hs?: string;
          end?: string;
          months: string;
          top: string;
          digits: string;
          minSupport: string;
        },
      ) => {
        const int = (v: string, name: string) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1) throw new UserError(`${name} '${v}': expected a whole number ≥ 1`);
          return n;
        };
        await withWorkspace(o.workspace, async (ws) => {
          const r = await riskCip(ws, risk, {
            hs: o.hs
              ?.split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            end: o.end,
            months: int(o.months, '--months'),
            top: int(o.top, '--top'),
            digits: int(o.digits, '--digits'),
            minSupport: int(o.minSupport, '--min-support'),
          });
          if (o.json) return printJson(r);
          console.log(render(r, await workspaceLanguage(ws)));
        });
      },
    );
}
