// cip mapping suggest FILE: propose a column mapping (YAML) from a file's header and a sample of values.
// cip mapping check MAPPING: validate a mapping file (and, with --file, its columns against a file).
// cip mapping save NAME FILE / cip mapping list: mappings saved in the workspace, reused by cip import --mapping NAME.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { IMPORT_KINDS, kindDef, type ImportKind } from '../../ingest/fields.ts';
import { loadMappingFile, mappingToYaml } from '../../ingest/mapping.ts';
import { memoryReader, openSource } from '../../ingest/source.ts';
import { suggestForFile } from '../../ingest/preview.ts';
import { compileMapping } from '../../ingest/compile.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor } from '../../history/history.ts';
import { listMappings, saveMapping } from '../../ingest/saved-mappings.ts';
import { clientPath } from '../transport/context.ts';

function checkKind(kind: string): ImportKind {
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
    throw new UserError(`unknown kind '${kind}'; expected one of ${IMPORT_KINDS.join(', ')}`);
  }
  return kind as ImportKind;
}

export function register(program: Command): void {
  const mapping = program.command('mapping').description('column mappings: suggest one from a file, check one');

  mapping
    .command('suggest <file>')
    .description('propose a mapping from the header and a sample of values (YAML on stdout, ready for --mapping)')
    .option('-k, --kind <kind>', `what the file holds: ${IMPORT_KINDS.join('|')}`, 'declarations')
    .option('-o, --out <file>', 'write the YAML mapping to a file instead of stdout')
    .option('--sample <n>', 'rows sampled for value shapes', '500')
    .option('--json', 'machine-readable JSON: mapping, placements, missing required fields, unmapped columns')
    .action(async (file: string, opts: { kind: string; out?: string; sample: string; json?: boolean }) => {
      const kind = checkKind(opts.kind);
      const { suggestion: s } = await suggestForFile(clientPath(file), kind, Number(opts.sample));
      if (opts.json) return printJson(s);
      const header =
        `# Column mapping suggested by 'cip mapping suggest ${basename(file)} --kind ${kind}' — check it, edit it, then\n` +
        `# cip import ${kind} ${basename(file)} --mapping THIS_FILE\n` +
        (s.missing.length ? `# REQUIRED FIELDS NOT PLACED (add them under fields:): ${s.missing.join(', ')}\n` : '') +
        (s.unmapped.length ? `# Columns kept in extra: ${s.unmapped.join(', ')}\n` : '') +
        s.unknownValues
          .map(
            (u) =>
              `# VALUES NOT UNDERSTOOD in ${u.column} (${u.field}): ${u.values.map((v) => `'${v}'`).join(', ')} — ` +
              `give them a meaning: ${u.field}: { column: ${u.column}, map: { '${u.values[0]}': ${u.field === 'channel' ? 'red' : 'true'} } }\n`,
          )
          .join('') +
        (kind === 'declarations' && !('finding' in s.mapping.fields)
          ? '# NO OUTCOMES: no column was placed as finding; without it the effect, backtest, learned weights and hit-rate KPIs are off\n'
          : '') +
        `# Fields of ${kind}: ${kindDef(kind)
          .fields.map((f) => f.name + (f.required ? '*' : ''))
          .join(', ')}\n`;
      const yaml = mappingToYaml(s.mapping, header);
      if (opts.out) writeFileSync(clientPath(opts.out), yaml);
      else process.stdout.write(yaml);
      process.stderr.write(
        '\n' +
          formatTable(
            ['field', 'column', 'score', 'why'],
            s.placements.map((p) => [p.field, p.column, p.score.toFixed(2), p.why]),
          ) +
          '\n',
      );
      if (s.missing.length) process.stderr.write(`required fields not placed: ${s.missing.join(', ')}\n`);
      for (const u of s.unknownValues)
        process.stderr.write(
          `${u.field} (column ${u.column}): values not understood ${u.values.map((v) => `'${v}'`).join(', ')}; add map: to the mapping\n`,
        );
    });

  mapping
    .command('check <mapping>')
    .description('validate a mapping file; with --file also check its columns against a data file')
    .option('-k, --kind <kind>', `what the mapping is for: ${IMPORT_KINDS.join('|')}`, 'declarations')
    .option('-f, --file <file>', 'data file whose header the mapping must match')
    .option('--json', 'machine-readable JSON')
    .action(async (path: string, opts: { kind: string; file?: string; json?: boolean }) => {
      const kind = checkKind(opts.kind);
      const m = loadMappingFile(clientPath(path), kind);
      if (opts.file) {
        const reader = await memoryReader();
        try {
          const src = await openSource(reader, clientPath(opts.file), m.source ?? {});
          try {
            compileMapping(kindDef(kind), m, src);
          } finally {
            src.cleanup();
          }
        } finally {
          reader.close();
        }
      }
      if (opts.json) printJson({ ok: true, fields: Object.keys(m.fields) });
      else
        console.log(
          `mapping ${path}: ok (${Object.keys(m.fields).length} fields${opts.file ? `, columns found in ${basename(opts.file)}` : ''})`,
        );
    });

  withCommonOptions(
    mapping
      .command('save <name> <file>')
      .description('save a mapping file in the workspace under a name (then: cip import KIND FILE --mapping NAME)')
      .option('-k, --kind <kind>', `what the mapping is for: ${IMPORT_KINDS.join('|')}`, 'declarations')
      .option('--user <name>', 'who saves it (default $CIP_USER or the OS account)'),
  ).action(
    async (name: string, path: string, opts: { kind: string; user?: string; workspace?: string; json?: boolean }) => {
      const kind = checkKind(opts.kind);
      const m = loadMappingFile(clientPath(path), kind);
      const saved = await withWorkspace(opts.workspace, (ws) => saveMapping(ws, name, kind, m, cliActor(opts.user)));
      if (opts.json) printJson({ name: saved.name, kind: saved.kind, fields: Object.keys(saved.mapping.fields) });
      else
        console.log(
          `mapping '${saved.name}' saved for ${saved.kind} (${Object.keys(saved.mapping.fields).length} fields)`,
        );
    },
  );

  withCommonOptions(
    mapping.command('list').description('mappings saved in the workspace (web app or cip mapping save)'),
  ).action(async (opts: { workspace?: string; json?: boolean }) => {
    const list = await withWorkspace(opts.workspace, (ws) => listMappings(ws));
    if (opts.json) return printJson(list);
    if (list.length === 0) return console.log('No saved mappings.');
    console.log(
      formatTable(
        ['name', 'kind', 'fields', 'saved by', 'saved at'],
        list.map((m) => [m.name, m.kind, Object.keys(m.mapping.fields).length, m.saved_by, m.saved_at.slice(0, 19)]),
      ),
    );
  });
}
