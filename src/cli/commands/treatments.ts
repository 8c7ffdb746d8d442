// cip treatments show|set|apply: the treatment matrix (Table 6; Annex 3 operational matrices with --risk).
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { printJson, UserError, withCommonOptions } from '../output.ts';
import { defaultTreatmentData, label, workspaceLanguage } from '../../plan/config.ts';
import {
  applyCell,
  getMatrix,
  parseRisk,
  parseSize,
  resolveMatrix,
  setCell,
  type TreatmentCell,
} from '../../plan/treatments/matrix.ts';
import { parseDate } from '../../plan/measures/store.ts';
import { assertDirectChangeAllowed } from '../../governance/approvals.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  user?: string;
  risk?: string;
}

export function renderCell(c: TreatmentCell, lang: string): string {
  const t = defaultTreatmentData();
  const it = t.intervention_types.find((x) => x.code === c.intervention);
  const lines = [
    `[${c.size}/${c.risk}] ${c.package} — ${it ? label(it.labels, lang) : c.intervention}${c.version ? ` (v${c.version} by ${c.changedBy})` : ' (note example)'}`,
    ...c.what.map((w) => `    • ${w}`),
  ];
  const extra: [string, string | null][] = [
    ['how', c.how],
    ['when', c.when],
    ['responsible', c.responsibleUnit],
    ['monitoring', c.monitoringUnit],
  ];
  for (const [k, v] of extra) if (v) lines.push(`    ${k}: ${v}`);
  if (c.outdated.length) lines.push(`    needs translation: ${c.outdated.join(', ')}`);
  return lines.join('\n');
}

const list = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean);

export function register(program: Command): void {
  const tr = program
    .command('treatments')
    .description('treatment matrix by size × risk (Table 6), applied to segments');

  withCommonOptions(tr.command('show').description('the 9 treatment packages (note examples until edited)'))
    .option('--risk <compliance-risk>', 'the operational matrix of a risk-specific CIP (Annex 3), e.g. valuation')
    .option('--size <size>', 'only this size: large | medium | small')
    .action(async (o: Opts & { size?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const matrix = await resolveMatrix(ws, o.risk);
        const cells = (await getMatrix(ws, matrix)).filter((c) => !o.size || c.size === parseSize(o.size));
        if (o.json) return printJson(cells);
        const lang = await workspaceLanguage(ws);
        const headings = defaultTreatmentData().risk_headings;
        console.log(
          `Treatment matrix ${matrix} (${lang}); columns: ${(['low', 'medium', 'high'] as const).map((r) => label(headings[r], lang)).join(' | ')}\n`,
        );
        console.log(cells.map((c) => renderCell(c, lang)).join('\n\n'));
      });
    });

  withCommonOptions(
    tr
      .command('set <size> <risk>')
      .description('edit a cell: package, intervention type, what, how, when, responsible and monitoring units'),
  )
    .option('--risk-matrix <compliance-risk>', 'edit the operational matrix of this compliance risk instead of Table 6')
    .option('--package <name>', 'package name, e.g. "Enhanced engagement"')
    .option('--intervention <type>', 'one_to_one | one_to_several | one_to_many')
    .option('--what <list>', 'replace the treatments, separated by ";"')
    .option('--add <list>', 'add treatments, separated by ";"')
    .option('--remove <list>', 'remove treatments, separated by ";"')
    .option('--how <text>', 'how it is carried out')
    .option('--when <text>', 'when / frequency')
    .option('--responsible <unit>', 'responsible unit')
    .option('--monitoring <unit>', 'monitoring unit')
    .option('--user <name>', 'who makes the change')
    .action(
      async (
        size: string,
        risk: string,
        o: Opts & {
          riskMatrix?: string;
          package?: string;
          intervention?: string;
          what?: string;
          add?: string;
          remove?: string;
          how?: string;
          when?: string;
          responsible?: string;
          monitoring?: string;
        },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          await assertDirectChangeAllowed(ws, 'treatment');
          const matrix = await resolveMatrix(ws, o.riskMatrix);
          const { cell, changed } = await setCell(ws, cliActor(o.user), matrix, parseSize(size), parseRisk(risk), {
            package: o.package,
            intervention: o.intervention,
            what: list(o.what),
            addWhat: list(o.add),
            removeWhat: list(o.remove),
            how: o.how,
            when: o.when,
            responsibleUnit: o.responsible,
            monitoringUnit: o.monitoring,
          });
          if (o.json) return printJson(cell);
          if (!changed) console.log('Nothing changed.');
          console.log(renderCell(cell, await workspaceLanguage(ws)));
        });
      },
    );

  withCommonOptions(
    tr
      .command('apply <size> <risk>')
      .description("record the cell's package as applied to every operator of the segment (treatments_applied)"),
  )
    .requiredOption('--start <date>', 'start date of the treatment, YYYY-MM-DD')
    .option('--risk-matrix <compliance-risk>', 'apply the operational matrix of a risk-specific segmentation')
    .option('--name <treatment>', 'name recorded in treatments_applied (default "<size>/<risk>: <package>")')
    .option('--dry-run', 'count only, record nothing')
    .option('--user <name>', 'who makes the change')
    .action(
      async (
        size: string,
        risk: string,
        o: Opts & { start: string; riskMatrix?: string; name?: string; dryRun?: boolean },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          const matrix = await resolveMatrix(ws, o.riskMatrix);
          const r = await applyCell(
            ws,
            cliActor(o.user),
            matrix,
            parseSize(size),
            parseRisk(risk),
            parseDate(o.start, '--start'),
            { name: o.name, dryRun: o.dryRun },
          );
          if (o.json) return printJson(r);
          console.log(
            `${o.dryRun ? 'Would record' : 'Recorded'} '${r.treatment}' from ${r.startDate} for ${r.recorded} operators of ${r.segment}` +
              (r.alreadyRecorded ? ` (${r.alreadyRecorded} already had it)` : '') +
              '.',
          );
          if (!o.dryRun) console.log(`Measure its effect later with: cip effect --treatment "${r.treatment}"`);
        });
      },
    );
}
