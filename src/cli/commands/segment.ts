// cip segment size|matrix|hs|links: segmentation by size (Table 1), size × risk (Table 4, extended),
// a sensitive HS code (Table 5) and links between operators, brokers and suppliers.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { hsTable, links, table1, table4 } from '../../segmentation/index.ts';
import { money, renderTable1, renderTable4 } from '../../segmentation/format.ts';
import { formatTable, printJson, withCommonOptions } from '../output.ts';

interface Opts {
  workspace?: string;
  json?: boolean;
  risk?: string;
  extended?: boolean;
  limit?: string;
}

export function register(program: Command): void {
  const seg = program
    .command('segment')
    .description('segmentation of operators by size and risk (note Steps 1–6, Tables 1, 4, 5)');

  withCommonOptions(
    seg
      .command('size')
      .description('Table 1: operators and CIF/FOB value by size (window and thresholds from the GRI configuration)'),
  )
    .option('--risk <risk>', 'configuration to use', 'general')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const t = await table1(ws, opts.risk);
        if (opts.json) printJson(t);
        else console.log(renderTable1(t));
      }),
    );

  withCommonOptions(
    seg
      .command('matrix')
      .description(
        'Table 4: size × GRI level (operators, value); --extended adds VAT, duty, excise, repeat offenders, operators without control',
      ),
  )
    .option('--extended', 'the extended table')
    .option('--risk <risk>', "GRI to use ('general' or a risk-specific GRI)", 'general')
    .action(async (opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const t = await table4(ws, opts.risk, { extended: opts.extended });
        if (opts.json) printJson(t);
        else console.log(renderTable4(t, !!opts.extended));
      }),
    );

  withCommonOptions(
    seg
      .command('hs <code>')
      .description('Table 5: importers of a sensitive HS code (prefix) by size × GRI level, with TINs and GRIs'),
  )
    .option('--risk <risk>', 'GRI to use', 'general')
    .option('--limit <n>', 'TINs listed per cell', '20')
    .action(async (code: string, opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const t = await hsTable(ws, code, { risk: opts.risk, limit: Number(opts.limit) });
        if (opts.json) return printJson(t);
        console.log(`Table 5. HS ${t.hsCode}: ${t.importers} importers, window ${t.window.first} .. ${t.window.end}`);
        const rows: (string | number)[][] = [];
        for (const c of t.cells) {
          if (c.importers === 0) continue;
          c.operators.forEach((o, k) =>
            rows.push(
              k === 0
                ? [c.size, c.level, c.importers, o.tin, o.gri.toFixed(4), money(o.value)]
                : ['', '', '', o.tin, o.gri.toFixed(4), money(o.value)],
            ),
          );
        }
        console.log(formatTable(['Size', 'GRI level', 'Importers', 'TIN', 'GRI', 'Value of the code'], rows));
      }),
    );

  withCommonOptions(
    seg
      .command('links <code>')
      .description('brokers and suppliers shared by operators trading a sensitive HS code, riskiest first'),
  )
    .option('--risk <risk>', 'GRI to use', 'general')
    .option('--limit <n>', 'hubs listed per kind', '20')
    .action(async (code: string, opts: Opts) =>
      withWorkspace(opts.workspace, async (ws) => {
        const t = await links(ws, code, { risk: opts.risk, limit: Number(opts.limit) });
        if (opts.json) return printJson(t);
        for (const [title, hubs] of [
          ['Brokers', t.brokers],
          ['Suppliers', t.suppliers],
        ] as const) {
          console.log(`\n${title} shared by operators trading HS ${t.hsCode}`);
          console.log(
            formatTable(
              ['ID', 'Operators', 'High-risk', 'Lines', 'Value', 'Riskiest operators (GRI)'],
              hubs.map((h) => [
                h.id,
                h.operators,
                h.highRiskOperators,
                h.lines,
                money(h.value),
                h.members
                  .slice(0, 4)
                  .map((m) => `${m.tin} (${m.gri.toFixed(2)})`)
                  .join(', '),
              ]),
            ),
          );
        }
      }),
    );
}
