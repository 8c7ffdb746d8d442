// cip register add|list|score|import|export|config: the vulnerability register (Table 7, Annex 2 steps 1–2).
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor, recordChange } from '../../history/history.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import {
  label,
  lookupCode,
  registerScales,
  registerScalesSchema,
  workspaceLanguage,
  type RegisterScales,
} from '../../plan/config.ts';
import {
  getVulnerability,
  listVulnerabilities,
  rescoreVulnerability,
  retireVulnerability,
  saveVulnerability,
  type Vulnerability,
} from '../../plan/register/store.ts';
import { exportCsv, exportYaml, importRegister } from '../../plan/register/io.ts';
import { assertDirectChangeAllowed } from '../../governance/approvals.ts';
import { clientPath } from '../transport/context.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  user?: string;
}

const lvl = (scales: RegisterScales, code: string | null, lang: string) => {
  if (code === null) return '';
  const b = scales.priority_bands.bands.find((x) => x.code === code);
  return b ? label(b.labels, lang) : code;
};

export function registerTable(scales: RegisterScales, vulns: Vulnerability[], lang: string): string {
  const eff = (v: Vulnerability) =>
    scales.objectives
      .map((o) => label(scales.effect_scale.find((e) => e.code === v.effects[o.code])!.labels, lang))
      .join('/');
  return formatTable(
    [
      'id',
      'process',
      'vulnerability',
      'institutional risk',
      'compliance risks',
      'effects',
      'E',
      'occurrence',
      'P',
      'priority',
      'level',
    ],
    vulns.map((v) => [
      v.id,
      v.processCode,
      v.description.length > 40 ? v.description.slice(0, 39) + '…' : v.description,
      label(scales.institutional_risks.find((r) => r.code === v.institutionalRisk)!.labels, lang),
      v.complianceRisks.join(', '),
      eff(v),
      v.score.expectedEffect,
      v.occurrence.map(([p, y]) => `${p}:${y}`).join(' '),
      v.score.probability,
      v.score.priority,
      lvl(scales, v.score.priorityLevel, lang),
    ]),
  );
}

function explain(scales: RegisterScales, v: Vulnerability, lang: string): string {
  const s = v.score;
  const lines = [
    `${v.id}  ${v.processCode}  ${v.description}`,
    `  institutional risk: ${v.institutionalRisk}; compliance risks: ${v.complianceRisks.join(', ') || '-'}`,
    `  effect: ${scales.objectives.map((o) => `${label(o.labels, lang)} ${v.effects[o.code]} (${s.effectPoints[o.code]})`).join(' + ')}`,
    `  expected effect = ${Object.values(s.effectPoints).join(' + ')} = ${s.expectedEffect}`,
  ];
  if (s.periods === 0) lines.push('  occurrence: not assessed yet (add --occurrence 2020=Y,2021=N,...)');
  else {
    lines.push(
      `  occurrence: ${v.occurrence.map(([p, y]) => `${p}=${y}`).join(', ')} → probability ${s.probability} of ${s.periods} (${lvl(scales, s.probabilityLevel, lang)})`,
    );
    lines.push(
      `  priority = ${s.expectedEffect} × ${s.probability} = ${s.priority} of at most ${s.maxPriority} → ${lvl(scales, s.priorityLevel, lang)}`,
    );
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  const reg = program
    .command('register')
    .description('vulnerability register: limitations in core processes, effect, probability, priority');

  withCommonOptions(reg.command('add').description('add a vulnerability (Annex 2 step 1; occurrence for step 2)'))
    .requiredOption('--process <code>', 'process code, e.g. 1.1.1')
    .requiredOption('--description <text>', 'limitation or vulnerability')
    .requiredOption(
      '--institutional-risk <risk>',
      'legal_framework | processes | information | it_systems | infrastructure | human_resources',
    )
    .option('--compliance-risks <list>', 'comma-separated, e.g. contraband,origin,valuation', '')
    .requiredOption(
      '--effects <list>',
      "effect on image,security,tax,trade: 'medium,high,high,medium' or 'tax=high,...'",
    )
    .option('--occurrence <list>', "periods present: '2020=Y,2021=Y,2022=N'", '')
    .option('--id <id>', 'identifier (default V-nnn)')
    .option('--user <name>', 'who makes the change (default $CIP_USER or OS user)')
    .action(
      async (
        o: Opts & {
          process: string;
          description: string;
          institutionalRisk: string;
          complianceRisks: string;
          effects: string;
          occurrence: string;
          id?: string;
        },
      ) => {
        await withWorkspace(o.workspace, async (ws) => {
          await assertDirectChangeAllowed(ws, 'register');
          if (o.id && (await listVulnerabilities(ws, { includeRetired: true })).some((v) => v.id === o.id)) {
            throw new UserError(
              `vulnerability ${o.id} exists already; use 'cip register score ${o.id}' or import a corrected file`,
            );
          }
          const { vulnerability: v } = await saveVulnerability(
            ws,
            cliActor(o.user),
            {
              id: o.id,
              processCode: o.process,
              description: o.description,
              institutionalRisk: o.institutionalRisk,
              complianceRisks: o.complianceRisks,
              effects: o.effects,
              occurrence: o.occurrence,
            },
            'option',
            { onDuplicate: 'error' },
          );
          if (o.json) return printJson(v);
          console.log(explain(await registerScales(ws), v, await workspaceLanguage(ws)));
        });
      },
    );

  withCommonOptions(
    reg.command('list').description('the register with expected effect, probability, priority and level'),
  )
    .option('--risk <compliance-risk>', 'only vulnerabilities linked to this compliance risk')
    .option('--sort <order>', 'process | priority', 'process')
    .action(async (o: Opts & { risk?: string; sort: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const scales = await registerScales(ws);
        const risk = o.risk ? lookupCode(scales.compliance_risks, o.risk)?.code : undefined;
        if (o.risk && !risk)
          throw new UserError(
            `unknown compliance risk '${o.risk}' (expected one of ${scales.compliance_risks.map((r) => r.code).join(', ')})`,
          );
        const vulns = await listVulnerabilities(ws, { complianceRisk: risk });
        if (o.sort === 'priority') vulns.sort((a, b) => (b.score.priority ?? -1) - (a.score.priority ?? -1));
        if (o.json) return printJson(vulns);
        if (vulns.length === 0)
          return console.log('The register is empty. Add with `cip register add` or `cip register import FILE`.');
        console.log(registerTable(scales, vulns, await workspaceLanguage(ws)));
      });
    });

  withCommonOptions(
    reg.command('score <id>').description('show how a vulnerability scores; with options, re-assess it (new version)'),
  )
    .option('--effects <list>', 'new effects, as for add')
    .option('--occurrence <list>', "replace the occurrence: '2020=Y,2021=N'")
    .option('--add-occurrence <list>', "add or change periods: '2024=Y'")
    .option('--user <name>', 'who makes the change')
    .action(async (id: string, o: Opts & { effects?: string; occurrence?: string; addOccurrence?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        let v = await getVulnerability(ws, id);
        if (o.effects || o.occurrence !== undefined || o.addOccurrence) {
          await assertDirectChangeAllowed(ws, 'register');
          v = (
            await rescoreVulnerability(ws, cliActor(o.user), id, {
              effects: o.effects,
              occurrence: o.occurrence,
              addOccurrence: o.addOccurrence,
            })
          ).vulnerability;
        }
        if (o.json) return printJson(v);
        console.log(explain(await registerScales(ws), v, await workspaceLanguage(ws)));
      });
    });

  withCommonOptions(
    reg
      .command('retire <id>')
      .description('retire a vulnerability (kept in the history and in older versions; no longer listed or exported)'),
  )
    .requiredOption('--reason <text>', 'why it is retired')
    .option('--user <name>', 'who makes the change')
    .action(async (id: string, o: Opts & { reason: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        await assertDirectChangeAllowed(ws, 'register');
        const v = await retireVulnerability(ws, cliActor(o.user), id, o.reason);
        if (o.json) return printJson(v);
        console.log(`${v.id} (${v.processCode}) retired.`);
      });
    });

  withCommonOptions(
    reg
      .command('import <file>')
      .description('import a register file (.yaml with measures and indicators, or .csv); all or nothing'),
  )
    .option('--user <name>', 'who makes the change')
    .action(async (file: string, o: Opts) => {
      await withWorkspace(o.workspace, async (ws) => {
        await assertDirectChangeAllowed(ws, 'register');
        const r = await importRegister(ws, cliActor(o.user), clientPath(file));
        if (o.json) return printJson(r);
        console.log(
          `Imported ${r.file}: ${r.vulnerabilities.read} vulnerabilities (${r.vulnerabilities.changed} new or changed), ` +
            `${r.measures.read} measures (${r.measures.changed}), ${r.indicators.read} indicators (${r.indicators.changed}).`,
        );
      });
    });

  withCommonOptions(
    reg.command('export [file]').description('export the register as YAML (default) or CSV; to stdout without FILE'),
    { json: false },
  )
    .option('--format <f>', 'yaml | csv (default from the file extension)')
    .action(async (file: string | undefined, o: Opts & { format?: string }) => {
      await withWorkspace(o.workspace, async (ws) => {
        const format = o.format ?? (file && /\.csv$/i.test(file) ? 'csv' : 'yaml');
        if (format !== 'yaml' && format !== 'csv') throw new UserError(`--format ${format}: expected yaml or csv`);
        const text = format === 'csv' ? await exportCsv(ws) : await exportYaml(ws);
        if (file) {
          writeFileSync(clientPath(file), text);
          console.error(`Register written to ${file}.`);
        } else process.stdout.write(text);
      });
    });

  const config = reg.command('config').description('scales, objectives, catalogues and priority bands in force');
  withCommonOptions(
    config
      .command('show')
      .description('print the register configuration (YAML shape of src/plan/data/register-scales.yaml)'),
  ).action(async (o: Opts) => {
    await withWorkspace(o.workspace, async (ws) => {
      const s = await registerScales(ws);
      if (o.json) return printJson(s);
      const lang = await workspaceLanguage(ws);
      console.log(`Effect scale: ${s.effect_scale.map((e) => `${label(e.labels, lang)} ${e.points}`).join(' / ')}`);
      console.log(`Objectives: ${s.objectives.map((x) => `${x.short} (${label(x.labels, lang)})`).join(', ')}`);
      console.log(
        `Priority bands (${s.priority_bands.basis}): ${s.priority_bands.bands.map((b) => `${label(b.labels, lang)} ≥ ${b.min}`).join(', ')}`,
      );
      console.log(`Institutional risks: ${s.institutional_risks.map((r) => r.code).join(', ')}`);
      console.log(`Compliance risks: ${s.compliance_risks.map((r) => r.code).join(', ')}`);
    });
  });
  withCommonOptions(
    config
      .command('set <file>')
      .description('replace the configuration with a YAML file (e.g. a 1–5 scale); recorded in the history'),
  )
    .option('--user <name>', 'who makes the change')
    .action(async (file: string, o: Opts) => {
      await withWorkspace(o.workspace, async (ws) => {
        const r = registerScalesSchema.safeParse(parse(readFileSync(clientPath(file), 'utf8')));
        if (!r.success) {
          const i = r.error.issues[0];
          throw new UserError(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
        }
        const actor = cliActor(o.user);
        await ws.transaction(async () => {
          const before = await registerScales(ws);
          // Existing vulnerabilities must still score under the new scales.
          const vulns = await listVulnerabilities(ws, { includeRetired: true });
          const codes = new Set(r.data.effect_scale.map((e) => e.code));
          const bad = vulns.find(
            (v) =>
              Object.values(v.effects).some((e) => !codes.has(e)) ||
              r.data.objectives.some((x) => !(x.code in v.effects)),
          );
          if (bad)
            throw new UserError(
              `${file}: vulnerability ${bad.id} uses effect levels or objectives this configuration lacks; re-score it first`,
            );
          const version =
            ((await ws.scalar<number | null>(`SELECT max(version) FROM plan_config WHERE key = 'register_scales'`)) ??
              0) + 1;
          await ws.run(`INSERT INTO plan_config VALUES ('register_scales', $v, $j, $a, now())`, {
            v: version,
            j: JSON.stringify(r.data),
            a: actor,
          });
          await recordChange(ws, {
            actor,
            action: 'register.config.set',
            entityType: 'plan_config',
            entityId: 'register_scales',
            before,
            after: r.data,
          });
        });
        if (o.json) return printJson(r.data);
        console.log(`Register configuration replaced from ${file}.`);
      });
    });
}
