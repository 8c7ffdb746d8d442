// cip measures add|list|set|done|reopen|depend|undepend and cip measures indicator add|record|list:
// treatments of the register's vulnerabilities (Annex 2 steps 3–4).
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import {
  addMeasure,
  changeDependencies,
  completeMeasure,
  getMeasure,
  listMeasuresWithSchedule,
  parseDate,
  parseExpected,
  reopenMeasure,
  saveMeasure,
  type MeasureWithSchedule,
} from '../../plan/measures/store.ts';
import { listIndicators, recordIndicatorValue, saveIndicator, type Indicator } from '../../plan/measures/indicators.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  user?: string;
}

const todayIso = () => new Date().toISOString().slice(0, 10);
const units = (s: string | undefined) =>
  (s ?? '')
    .split(/[;,]/)
    .map((x) => x.trim())
    .filter(Boolean);

function measuresTable(ms: MeasureWithSchedule[]): string {
  return formatTable(
    ['id', 'vuln', 'measure', 'responsible', 'supporting', 'expected', 'forecast', 'status', 'depends on', 'note'],
    ms.map((m) => {
      const s = m.schedule;
      const notes = [
        s.late ? 'LATE' : '',
        s.delayedBy.length ? `pushed back by ${s.delayedBy.join(', ')}` : '',
        s.pushesBack.length ? `pushes back ${s.pushesBack.join(', ')}` : '',
      ].filter(Boolean);
      return [
        m.id,
        m.vulnId,
        m.description.length > 45 ? m.description.slice(0, 44) + '…' : m.description,
        m.responsibleUnit,
        m.supportingUnits.join(', '),
        m.expectedDate ?? m.expectedComment ?? '',
        s.forecastDate && s.forecastDate !== m.expectedDate ? s.forecastDate : '',
        m.status === 'done' ? `done ${m.completedOn}` : 'planned',
        m.dependsOn.join(', '),
        notes.join('; '),
      ];
    }),
  );
}

function indicatorsTable(is: Indicator[]): string {
  return formatTable(
    ['id', 'vuln', 'measure', 'indicator', 'period', 'numerator', 'denominator', 'value %', 'goal %'],
    is.flatMap((i) =>
      (i.values.length ? i.values : [null]).map((v, k) => [
        k === 0 ? i.id : '',
        k === 0 ? i.vulnId : '',
        k === 0 ? (i.measureId ?? '') : '',
        k === 0 ? (i.name.length > 50 ? i.name.slice(0, 49) + '…' : i.name) : '',
        v?.period ?? '',
        v ? v.numerator.toLocaleString('en') : '',
        v ? v.denominator.toLocaleString('en') : '',
        v?.value === null || v === null ? '' : v.value.toFixed(1),
        k === 0 && i.goal !== null ? i.goal : '',
      ]),
    ),
  );
}

export function register(program: Command): void {
  const ms = program
    .command('measures')
    .description('measures treating the vulnerabilities: owners, dates, dependencies, indicators');

  withCommonOptions(ms.command('add').description('add a measure to a vulnerability (Annex 2 step 3)'))
    .requiredOption('--vuln <id>', 'vulnerability id (see cip register list)')
    .requiredOption('--description <text>', 'what will be done')
    .requiredOption('--responsible <unit>', 'responsible unit')
    .option('--supporting <units>', 'supporting units, comma-separated')
    .option(
      '--expected <date|text>',
      "expected completion: 2023-06-30, 2023-06, or a comment such as 'In the upcoming customs reform package'",
    )
    .option('--expected-comment <text>', 'a comment next to an expected date')
    .option('--depends-on <ids>', 'measures that must be completed first, comma-separated')
    .option('--id <id>', 'identifier (default M-nnn)')
    .option('--user <name>', 'who makes the change')
    .action(
      async (
        o: Opts & {
          vuln: string;
          description: string;
          responsible: string;
          supporting?: string;
          expected?: string;
          expectedComment?: string;
          dependsOn?: string;
          id?: string;
        },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          const measure = await addMeasure(ws, cliActor(o.user), {
            vulnId: o.vuln,
            description: o.description,
            responsibleUnit: o.responsible,
            supportingUnits: units(o.supporting),
            expected: o.expected,
            expectedComment: o.expectedComment,
            dependsOn: units(o.dependsOn),
            id: o.id,
          });
          if (o.json) return printJson(measure);
          console.log(`Added ${measure.id} to ${measure.vulnId}: ${measure.description}`);
        });
      },
    );

  withCommonOptions(
    ms.command('list').description('measures with expected and forecast completion; late ones and what they push back'),
  )
    .option('--vuln <id>', 'only the measures of this vulnerability')
    .option('--today <date>', 'reference date for lateness (default today)')
    .action(async (o: Opts & { vuln?: string; today?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const list = await listMeasuresWithSchedule(ws, o.today ? parseDate(o.today, '--today') : todayIso(), {
          vulnId: o.vuln,
        });
        if (o.json) return printJson(list);
        if (list.length === 0) return console.log('No measures yet. Add with `cip measures add --vuln V-001 ...`.');
        console.log(measuresTable(list));
      });
    });

  withCommonOptions(ms.command('set <id>').description('change a measure (new version)'))
    .option('--description <text>')
    .option('--responsible <unit>')
    .option('--supporting <units>')
    .option('--expected <date|text>')
    .option('--expected-comment <text>')
    .option('--user <name>', 'who makes the change')
    .action(
      async (
        id: string,
        o: Opts & {
          description?: string;
          responsible?: string;
          supporting?: string;
          expected?: string;
          expectedComment?: string;
        },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          const cur = await getMeasure(ws, id);
          const exp =
            o.expected !== undefined
              ? parseExpected(o.expected)
              : { date: cur.expectedDate, comment: cur.expectedComment };
          const { measure } = await saveMeasure(
            ws,
            cliActor(o.user),
            {
              ...cur,
              description: o.description ?? cur.description,
              responsibleUnit: o.responsible ?? cur.responsibleUnit,
              supportingUnits: o.supporting !== undefined ? units(o.supporting) : cur.supportingUnits,
              expectedDate: exp.date,
              expectedComment: o.expectedComment ?? exp.comment,
            },
            id,
          );
          if (o.json) return printJson(measure);
          console.log(`${measure.id} is now version ${measure.version}.`);
        });
      },
    );

  withCommonOptions(
    ms.command('done <id>').description('mark a measure completed; refused while a measure it depends on is not'),
  )
    .option('--on <date>', 'completion date (default today)')
    .option('--user <name>', 'who makes the change')
    .action(async (id: string, o: Opts & { on?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const m = await completeMeasure(ws, cliActor(o.user), id, o.on ? parseDate(o.on, '--on') : todayIso());
        if (o.json) return printJson(m);
        console.log(`${m.id} completed on ${m.completedOn}.`);
      });
    });

  withCommonOptions(ms.command('reopen <id>').description('reopen a measure marked done by mistake'))
    .option('--user <name>', 'who makes the change')
    .action(async (id: string, o: Opts) => {
      await withWorkspace(o.workspace, async (ws) => {
        const m = await reopenMeasure(ws, cliActor(o.user), id);
        if (o.json) return printJson(m);
        console.log(`${m.id} reopened.`);
      });
    });

  withCommonOptions(
    ms
      .command('depend <id>')
      .description('ID depends on --on OTHER (cannot be completed before it); cycles are refused'),
  )
    .requiredOption('--on <ids>', 'measures it depends on, comma-separated')
    .option('--remove', 'remove these dependencies instead')
    .option('--user <name>', 'who makes the change')
    .action(async (id: string, o: Opts & { on: string; remove?: boolean }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const m = await changeDependencies(ws, cliActor(o.user), id, units(o.on), o.remove);
        if (o.json) return printJson(m);
        console.log(`${m.id} depends on ${m.dependsOn.join(', ') || 'nothing'}.`);
      });
    });

  const ind = ms
    .command('indicator')
    .description('progress indicators: numerator, denominator, value per period, goal (Annex 2 step 4)');
  withCommonOptions(ind.command('add').description('define an indicator for a vulnerability (optionally one measure)'))
    .requiredOption('--vuln <id>', 'vulnerability id')
    .option('--measure <id>', 'measure id')
    .requiredOption('--name <text>', 'what it measures')
    .requiredOption('--numerator <text>', 'numerator definition')
    .requiredOption('--denominator <text>', 'denominator definition')
    .option('--goal <percent>', 'goal in percent, e.g. 100')
    .option('--id <id>', 'identifier (default I-nnn)')
    .option('--user <name>', 'who makes the change')
    .action(
      async (
        o: Opts & {
          vuln: string;
          measure?: string;
          name: string;
          numerator: string;
          denominator: string;
          goal?: string;
          id?: string;
        },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          const goal = o.goal === undefined ? null : Number(o.goal);
          if (goal !== null && !Number.isFinite(goal)) throw new UserError(`--goal '${o.goal}' is not a number`);
          const { indicator } = await saveIndicator(
            ws,
            cliActor(o.user),
            {
              vulnId: o.vuln,
              measureId: o.measure ?? null,
              name: o.name,
              numeratorLabel: o.numerator,
              denominatorLabel: o.denominator,
              goal,
            },
            o.id,
          );
          if (o.json) return printJson(indicator);
          console.log(`Added indicator ${indicator.id} to ${indicator.vulnId}: ${indicator.name}`);
        });
      },
    );

  withCommonOptions(
    ind
      .command('record <id>')
      .description('record the numerator and denominator of a period (a second record corrects it)'),
  )
    .requiredOption('--period <p>', 'period, e.g. 2024 or 2024-H1')
    .requiredOption('--numerator <n>', 'e.g. 5478 (thousands separators allowed: 5,478)')
    .requiredOption('--denominator <n>', 'e.g. 16392')
    .option('--user <name>', 'who makes the change')
    .action(async (id: string, o: Opts & { period: string; numerator: string; denominator: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const num = (s: string, what: string) => {
          const n = Number(s.replace(/[,\s_]/g, ''));
          if (!Number.isFinite(n)) throw new UserError(`${what} '${s}' is not a number`);
          return n;
        };
        const { indicator } = await recordIndicatorValue(
          ws,
          cliActor(o.user),
          id,
          o.period,
          num(o.numerator, '--numerator'),
          num(o.denominator, '--denominator'),
        );
        if (o.json) return printJson(indicator);
        const v = indicator.values.find((x) => x.period === o.period)!;
        console.log(
          `${indicator.id} ${v.period}: ${v.numerator.toLocaleString('en')} / ${v.denominator.toLocaleString('en')} = ${v.value?.toFixed(1)}%` +
            (indicator.goal !== null ? ` (goal ${indicator.goal}%)` : ''),
        );
      });
    });

  withCommonOptions(ind.command('list').description('indicators with their values per period'))
    .option('--vuln <id>', 'only this vulnerability')
    .action(async (o: Opts & { vuln?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const list = await listIndicators(ws, { vulnId: o.vuln });
        if (o.json) return printJson(list);
        if (list.length === 0)
          return console.log('No indicators yet. Add with `cip measures indicator add --vuln V-001 ...`.');
        console.log(indicatorsTable(list));
      });
    });
}
