// cip gri compute|rescore|weights|histogram|config: the Global Risk Index (note Steps 2–6).
import { workspaceMessageLang } from '../../i18n/messages.ts';
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import {
  computeSegmentation,
  configHistory,
  getConfig,
  mergeConfig,
  parseConfig,
  requireRun,
  rescore,
  setConfig,
  WEIGHT_METHODS,
  type RescorePatch,
} from '../../segmentation/index.ts';
import { configFromFile } from '../../segmentation/config-file.ts';
import { publishConfig } from '../../segmentation/publish.ts';
import { renderRun, renderTable3 } from '../../segmentation/format.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import { assertDirectChangeAllowed } from '../../governance/approvals.ts';
import { stringify } from 'yaml';
import { clientPath } from '../transport/context.ts';
import {
  writeOperatorList,
  LEVELS,
  operatorList,
  SIZES,
  type OperatorListFilter,
} from '../../segmentation/operator-list.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  risk: string;
  weights?: string;
  config?: string;
  user?: string;
  comment?: string;
  bars?: string;
  levels?: string;
  tolerance?: string;
}

function weightMethod(m: string | undefined): (typeof WEIGHT_METHODS)[number] | undefined {
  if (m === undefined) return undefined;
  if (!(WEIGHT_METHODS as readonly string[]).includes(m))
    throw new UserError(`--weights ${m}: expected one of ${WEIGHT_METHODS.join(', ')}`);
  return m as (typeof WEIGHT_METHODS)[number];
}

function barsOption(s: string): { medium: number; high: number } {
  const m = /^\s*([0-9.]+)\s*,\s*([0-9.]+)\s*$/.exec(s);
  if (!m) throw new UserError(`--bars ${s}: expected MEDIUM,HIGH, e.g. --bars 0.1,0.3`);
  return { medium: Number(m[1]), high: Number(m[2]) };
}

export function register(program: Command): void {
  const gri = program.command('gri').description('Global Risk Index: indicators, weights, GRI, risk levels');

  withCommonOptions(
    gri
      .command('compute')
      .description('full pipeline: size, indicators, flags with evidence, weights, GRI, levels → operator_segments'),
  )
    .option('--weights <method>', `weighting: ${WEIGHT_METHODS.join('|')} (saved in the configuration)`)
    .option('--config <file>', 'YAML/JSON settings merged onto the configuration in force and saved as a new version')
    .option('--risk <risk>', "'general' or a compliance risk for a risk-specific GRI (e.g. valuation)", 'general')
    .option('--user <user>', 'who makes the change (default $CIP_USER or the OS user)')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        let cfg = opts.config
          ? await configFromFile(ws, clientPath(opts.config), opts.risk)
          : (await getConfig(ws, opts.risk)).config;
        const method = weightMethod(opts.weights);
        if (method) cfg = { ...cfg, weights: { ...cfg.weights, method } };
        if (opts.config || method) await assertDirectChangeAllowed(ws, 'gri_config');
        // The configuration is saved with the run, in its transaction: a refused run leaves no new version.
        const run = await computeSegmentation(ws, {
          config: parseConfig(cfg),
          save: { actor: cliActor(opts.user), comment: opts.config ? `from ${opts.config}` : null },
        });
        if (opts.json) printJson(run);
        else console.log(renderRun(run));
      }),
    );

  withCommonOptions(
    gri
      .command('rescore')
      .description('new weights or bars applied instantly from the stored flags (no rescan of lines)'),
  )
    .option('--weights <method>', `weighting: ${WEIGHT_METHODS.join('|')}`)
    .option('--tolerance <x>', 'tolerance threshold of frequency weights (share A_i/##)')
    .option('--levels <method>', 'risk bars: manual|quantile|meanSd')
    .option('--bars <medium,high>', 'manual bars, e.g. 0.1,0.3 (sets --levels manual)')
    .option('--risk <risk>', 'GRI to re-score', 'general')
    .option('--user <user>', 'who makes the change')
    .option('--comment <text>', 'why')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const patch: RescorePatch = {};
        const method = weightMethod(opts.weights);
        if (method || opts.tolerance)
          patch.weights = {
            ...(method ? { method } : {}),
            ...(opts.tolerance ? { tolerance: Number(opts.tolerance) } : {}),
          };
        if (opts.bars) patch.levels = { method: 'manual', manual: barsOption(opts.bars) };
        else if (opts.levels) patch.levels = { method: opts.levels as 'manual' };
        if (patch.weights || patch.levels) await assertDirectChangeAllowed(ws, 'gri_config');
        const run = await rescore(ws, opts.risk, patch, cliActor(opts.user), opts.comment ?? null);
        if (opts.json) printJson(run);
        else console.log(renderRun(run));
      }),
    );

  withCommonOptions(
    gri
      .command('weights')
      .description('the weights in force; Table 3 for frequency weights, the fitted model for learned ones'),
  )
    .option('--risk <risk>', 'GRI', 'general')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const run = await requireRun(ws, opts.risk);
        const s = run.scoring;
        if (opts.json) return printJson({ method: s.method, weights: s.weights, table3: s.table3, learned: s.learned });
        console.log(
          formatTable(
            ['Indicator', 'Weight'],
            s.weights.map((w) => [w.code, w.weight.toFixed(4)]),
          ),
        );
        if (s.table3) console.log('\n' + renderTable3(run));
        if (s.learned) {
          console.log(
            `\n${s.learned.method}, lambda ${s.learned.lambda}, ${s.learned.operators} operators, ${s.learned.positives} with a later finding`,
          );
          console.log(
            formatTable(
              ['Indicator', 'Coefficient', 'SE', 'z'],
              s.learned.coefficients.map((c) => [c.code, c.coef.toFixed(3), c.se.toFixed(3), c.z.toFixed(2)]),
            ),
          );
        }
      }),
    );

  withCommonOptions(
    gri
      .command('operators')
      .description(
        'every operator of the last run: size, GRI, level, raised flags and the main reason; filter by level, size, unit; export to CSV/XLSX',
      ),
  )
    .option('--risk <risk>', 'GRI', 'general')
    .option('--level <level>', `only this risk level: ${LEVELS.join('|')}`)
    .option('--size <size>', `only this size segment: ${SIZES.join('|')}`)
    .option('--unit <unit>', 'only operators of this office or directorate (operators.office or operators.region)')
    .option('--limit <n>', 'rows printed (highest GRI first)', '50')
    .option('--offset <n>', 'rows skipped before printing', '0')
    .option('--csv <file>', 'write every operator the filters keep to a CSV file')
    .option('--xlsx <file>', 'write every operator the filters keep to an Excel workbook')
    .action(
      async (
        opts: Opts & {
          level?: string;
          size?: string;
          unit?: string;
          limit: string;
          offset: string;
          csv?: string;
          xlsx?: string;
        },
      ) =>
        withWorkspace(opts.workspace, async (ws) => {
          if (opts.level !== undefined && !(LEVELS as readonly string[]).includes(opts.level))
            throw new UserError(`--level ${opts.level}: expected one of ${LEVELS.join(', ')}`);
          if (opts.size !== undefined && !(SIZES as readonly string[]).includes(opts.size))
            throw new UserError(`--size ${opts.size}: expected one of ${SIZES.join(', ')}`);
          const count = (flag: string, v: string) => {
            if (!/^\d+$/.test(v)) throw new UserError(`${flag} ${v}: expected a whole number`);
            return Number(v);
          };
          const filter: OperatorListFilter = {
            risk: opts.risk,
            level: opts.level as OperatorListFilter['level'],
            size: opts.size as OperatorListFilter['size'],
            unit: opts.unit,
            offices: null,
            lang: await workspaceMessageLang(ws),
          };
          for (const [format, file] of [
            ['csv', opts.csv],
            ['xlsx', opts.xlsx],
          ] as const) {
            if (!file) continue;
            const n = await writeOperatorList(ws, filter, format, clientPath(file));
            if (!opts.json) console.error(`${n.toLocaleString('en')} operators written to ${file}`);
          }
          const list = await operatorList(ws, filter, {
            limit: count('--limit', opts.limit),
            offset: count('--offset', opts.offset),
          });
          if (opts.json) return printJson(list);
          console.log(
            `${list.total.toLocaleString('en')} operators (GRI '${list.risk}', ${list.configId}, computed ${list.computedAt.slice(0, 19)})` +
              (list.rows.length < list.total
                ? `; rows ${list.rows.length ? Number(opts.offset) + 1 : 0}–${Number(opts.offset) + list.rows.length} shown`
                : ''),
          );
          console.log(
            formatTable(
              ['Operator', 'Name', 'Office', 'Size', 'GRI', 'Level', 'Flags', 'Main reason'],
              list.rows.map((r) => [
                r.operator_id,
                r.name ?? '',
                r.office ?? '',
                r.size_segment,
                r.gri.toFixed(4),
                r.risk_level,
                r.flags.join(' '),
                r.main_reason ?? '',
              ]),
            ),
          );
        }),
    );

  withCommonOptions(gri.command('histogram').description('distribution of the GRI with the bars (data for the chart)'))
    .option('--risk <risk>', 'GRI', 'general')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const h = (await requireRun(ws, opts.risk)).scoring.histogram;
        if (opts.json) return printJson(h);
        const max = Math.max(1, ...h.bins.map((b) => b.operators));
        for (const b of h.bins) {
          const mark =
            b.from <= h.bars.high && h.bars.high < b.to
              ? ' ◀ high'
              : b.from <= h.bars.medium && h.bars.medium < b.to
                ? ' ◀ medium'
                : '';
          console.log(
            `${b.from.toFixed(2)}–${b.to.toFixed(2)} ${String(b.operators).padStart(8)} ${'#'.repeat(Math.ceil((40 * b.operators) / max))}${mark}`,
          );
        }
        console.log(
          `mean ${h.mean.toFixed(4)}, sd ${h.sd.toFixed(4)}; bars medium ≥ ${h.bars.medium.toFixed(4)}, high ≥ ${h.bars.high.toFixed(4)}`,
        );
      }),
    );

  const config = gri
    .command('config')
    .description('the GRI configuration: versions, each change recorded in the history');
  withCommonOptions(config.command('show').description('the configuration in force (YAML; --json for JSON)'))
    .option('--risk <risk>', 'GRI', 'general')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const c = await getConfig(ws, opts.risk);
        if (opts.json) return printJson(c);
        console.log(
          `# ${c.configId}${c.createdBy ? ` by ${c.createdBy} at ${c.createdAt}` : ' (default, not saved yet)'}`,
        );
        process.stdout.write(stringify(c.config));
      }),
    );
  withCommonOptions(
    config.command('set <file>').description('merge a YAML/JSON file onto the configuration and save a new version'),
  )
    .option('--risk <risk>', "GRI (default: the file's risk, else general)")
    .option('--user <user>', 'who makes the change')
    .option('--comment <text>', 'why')
    .action(async (file: string, opts: Opts & { risk?: string }) =>
      withWorkspace(opts.workspace, async (ws) => {
        const cfg = await configFromFile(ws, clientPath(file), opts.risk);
        await assertDirectChangeAllowed(ws, 'gri_config');
        const s = await setConfig(ws, mergeConfig(cfg, {}), cliActor(opts.user), opts.comment ?? `from ${file}`);
        if (opts.json) return printJson(s);
        console.log(
          `Saved ${s.configId}. Run 'cip gri compute${s.config.risk === 'general' ? '' : ` --risk ${s.config.risk}`}' (or 'cip gri rescore' for weights/bars only).`,
        );
      }),
    );
  withCommonOptions(
    config
      .command('publish <file>')
      .description(
        'merge a YAML/JSON file onto the configuration and publish it: a new version brought into effect (re-scored or re-run), or a proposal while the committee requires approval',
      ),
  )
    .option('--risk <risk>', "GRI (default: the file's risk, else general)")
    .option('--summary <text>', 'what the committee is asked to approve (when approval is required)')
    .option('--user <user>', 'who makes the change')
    .option('--comment <text>', 'why')
    .action(async (file: string, opts: Opts & { risk?: string; summary?: string }) =>
      withWorkspace(opts.workspace, async (ws) => {
        const cfg = await configFromFile(ws, file, opts.risk);
        const r = await publishConfig(ws, cliActor(opts.user), {
          risk: cfg.risk,
          config: cfg,
          comment: opts.comment ?? `from ${file}`,
          summary: opts.summary,
        });
        if (opts.json) return printJson(r);
        console.log(
          r.changes.map((c) => `  ${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`).join('\n'),
        );
        console.log(
          r.outcome === 'proposal'
            ? `Proposed as ${r.proposalId}: it takes effect when a meeting approves it (cip approvals show ${r.proposalId}).`
            : `Published ${r.configId}${r.recomputed === 'none' ? '' : r.recomputed === 'rescore' ? '; operators re-scored' : '; GRI re-computed'}.`,
        );
      }),
    );
  withCommonOptions(config.command('history').description('versions of the configuration, latest first'))
    .option('--risk <risk>', 'GRI', 'general')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const h = await configHistory(ws, opts.risk);
        if (opts.json) return printJson(h);
        console.log(
          formatTable(
            ['Config', 'Saved at', 'By', 'Weights', 'Levels', 'Comment'],
            h.map((v) => [
              v.configId,
              v.createdAt,
              v.createdBy,
              v.config.weights.method,
              v.config.levels.method,
              v.comment,
            ]),
          ),
        );
      }),
    );
}
