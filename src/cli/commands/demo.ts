// cip demo: fill a workspace with a realistic, reproducible generated data set (src/demo).
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { Workspace, resolveWorkspaceDir } from '../../workspace/workspace.ts';
import { DEFAULT_EFFECT, DEFAULT_RANDOM_SHARE, DEFAULT_ROWS, DEFAULT_SEED, generateDemo } from '../../demo/index.ts';
import { UserError, formatTable, printJson, withCommonOptions } from '../output.ts';
import { SELECTION_RULES, type SelectionRule } from '../../demo/selection.ts';

/** "300000", "300k", "10M", "1.5m" → a whole number; anything else is a UserError naming the option. */
export function parseCount(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim().replace(/[_,]/g, ''));
  if (!m) throw new UserError(`${option}: expected a whole number such as 300000, 300k or 10M, got '${text}'`);
  const n = Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n)) throw new UserError(`${option}: expected a whole number, got '${text}'`);
  return n;
}

function parseNumber(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UserError(`${option}: expected a number, got '${text}'`);
  return n;
}

interface DemoCliOptions {
  workspace?: string;
  json?: boolean;
  rows: string;
  seed: string;
  effect: string;
  selection: string;
  randomShare: string;
  force?: boolean;
}

/** Reads and checks the command's options; a UserError names the option and what was expected. */
export function demoOptionsFromCli(opts: { rows: string; seed: string; effect: string }): {
  rows: number;
  seed: number;
  effect: number;
} {
  const rows = parseCount('--rows', opts.rows);
  const seed = parseCount('--seed', opts.seed);
  const effect = parseNumber('--effect', opts.effect);
  if (rows < 1000) throw new UserError(`--rows: expected at least 1000 lines, got ${rows}`);
  if (seed > 2 ** 31 - 1) throw new UserError(`--seed: expected a whole number from 0 to 2147483647, got ${seed}`);
  if (effect < -1 || effect > 1)
    throw new UserError(`--effect: expected a number from -1 to 1 (e.g. -0.5 halves non-compliance), got ${effect}`);
  return { rows, seed, effect };
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('demo')
      .description(
        'generate a realistic, reproducible demo workspace (lines, operators, tax records, cases, audits, a treated group)',
      ),
  )
    .option('--rows <n>', 'number of declaration lines (e.g. 300000, 300k, 10M)', String(DEFAULT_ROWS))
    .option('--seed <s>', 'random seed: the same seed gives the same data', String(DEFAULT_SEED))
    .option(
      '--effect <e>',
      "true effect of the treatment: relative change of treated operators' non-compliance from its start (-1..1; 0 = none)",
      String(DEFAULT_EFFECT),
    )
    .option(
      '--selection <rule>',
      'how the treated are picked: size (by size and pilot directorate), stratum (at random among repeat offenders), top (top past finding rates of the pilot directorates)',
      'size',
    )
    .option(
      '--random-share <s>',
      'share of declarations inspected by lot whatever their risk (selection_reason random: the unbiased control), 0..0.5',
      String(DEFAULT_RANDOM_SHARE),
    )
    .option('--force', 'replace data imported into the workspace (demo data is always replaced)')
    .action(async (opts: DemoCliOptions) => {
      const { rows, seed, effect } = demoOptionsFromCli(opts);
      if (!(SELECTION_RULES as readonly string[]).includes(opts.selection))
        throw new UserError(`--selection: expected one of ${SELECTION_RULES.join(', ')}, got '${opts.selection}'`);
      const selection = opts.selection as SelectionRule;
      const randomShare = parseNumber('--random-share', opts.randomShare);
      if (!(randomShare >= 0 && randomShare <= 0.5))
        throw new UserError(`--random-share: expected a share from 0 to 0.5 (e.g. 0.02), got ${opts.randomShare}`);

      const dir = resolveWorkspaceDir(opts.workspace);
      const ws = await Workspace.open(dir, { create: true });
      try {
        const imports = Number(await ws.scalar('SELECT count(*) FROM imports'));
        if (imports > 0 && !opts.force) {
          throw new UserError(
            `workspace ${dir} holds imported data (${imports} import(s)); 'cip demo' would replace it. ` +
              'Use another --workspace DIR, or --force to replace it.',
          );
        }
        const bar =
          !opts.json && process.stderr.isTTY
            ? new cliProgress.SingleBar(
                { format: 'demo [{bar}] {percentage}% {step}', stream: process.stderr, hideCursor: true },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        bar?.start(100, 0, { step: 'populations' });
        const r = await generateDemo(ws, {
          rows,
          seed,
          effect,
          selection,
          randomShare,
          onProgress: (step, done) => bar?.update(Math.round(done * 100), { step }),
        });
        bar?.stop();
        if (opts.json) return printJson({ workspace: dir, ...r });
        console.log(
          `Demo workspace at ${dir}: seed ${r.seed}, ${r.rows.toLocaleString('en')} lines, 2023-01-01..2025-12-31, ` +
            `generated in ${r.seconds.toFixed(1)} s (${Math.round(r.rows / r.seconds).toLocaleString('en')} lines/s).`,
        );
        console.log(
          formatTable(
            ['table', 'rows'],
            Object.entries(r.tables).map(([t, n]) => [t, n.toLocaleString('en')]),
          ),
        );
        const t = r.truth;
        console.log(
          `\nTreatment '${r.treatment}' from ${r.treatmentStart}: ${t.treatedOperators} operators treated; ` +
            `true effect on the finding rate of their inspected lines ${(100 * t.trueEffect).toFixed(2)} points ` +
            `(${(100 * t.counterfactualFindingRate).toFixed(1)}% → ${(100 * t.expectedFindingRate).toFixed(1)}%; --effect ${r.effect}).`,
        );
        console.log("The generator's truth is in the tables demo_truth, demo_truth_operators, ... (for tests only).");
      } finally {
        ws.close();
      }
    });
}
