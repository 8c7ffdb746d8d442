// importFile: one file into one canonical table, in one transaction (all or nothing), idempotent on the
// file's SHA-256 and on each row's natural key, streamed by DuckDB with a memory limit and spilling to
// <workspace>/.tmp. One pass inserts the rows without problems; a second pass over the source, only when
// rows were left out, records their problems; repeated keys are then found in the table and taken out.
// The SHA-256 is computed on a worker thread while DuckDB imports and checked just before COMMIT; a file whose
// size and first/last MiB match an earlier import is hashed first, so a plain re-import costs no import.
import { DomainError } from '../errors/index.ts';
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import type { Workspace } from '../workspace/workspace.ts';
import { pushImport } from '../engine/lines.ts';
import { refreshDeclarations } from './declarations.ts';
import { recordChange } from '../history/history.ts';
import { kindDef, requiredFields, type ImportKind, type KindDef } from './fields.ts';
import { loadMappingFile, validateMapping, type Mapping } from './mapping.ts';
import {
  openSource,
  sampleRows,
  stageAsParquet,
  workspaceTmpDir,
  describeReadError,
  SourceError,
  type Source,
} from './source.ts';
import { compileMapping } from './compile.ts';
import { suggestMapping } from './suggest.ts';
import { runWithProgress, silentProgress, type ProgressReporter } from './progress.ts';
import { importWarnings, importWarningsQuery, rejectIssues, warningIssues, type QualityIssue } from './quality.ts';
import { fileFingerprint, sha256File, sha256InBackground } from './hash.ts';
import { outcomeReport, type OutcomeReport } from './outcomes.ts';

export interface ImportOptions {
  /** A parsed mapping, or the path of a mapping file; without either the suggested mapping is used. */
  mapping?: Mapping;
  mappingFile?: string;
  strict?: boolean;
  actor?: string;
  progress?: ProgressReporter;
  /** DuckDB memory_limit for the import, e.g. '1GB'. Leaves the setting alone when omitted, or in a server. */
  memoryLimit?: string;
  /** Language of the outcome statements (default English). */
  lang?: string;
}

/** The four numbers every import reports (and the only keys of `cip import --json`). */
export interface ImportSummary {
  read: number;
  imported: number;
  rejected: number;
  duplicates: number;
}

export interface ImportResult {
  kind: ImportKind;
  file: string;
  sha256: string;
  importId: number | null;
  /** Set when this exact file was imported before: nothing was added. */
  alreadyImported?: { importId: number; finishedAt: string };
  summary: ImportSummary;
  issues: QualityIssue[];
  mapping: Mapping;
  /** Declarations: which outcomes the workspace's lines now hold and which analyses are off. */
  outcomes?: OutcomeReport;
}

export class ImportError extends DomainError {
  constructor(
    message: string,
    readonly issues: QualityIssue[] = [],
    readonly summary?: ImportSummary,
  ) {
    super(message);
  }
}

export { sha256File };

interface PriorImport {
  import_id: number;
  finished_at: string;
  rows_read: number;
  rows_rejected: number;
}

/** Thrown inside the transaction when the file turns out to be imported already: roll back, report it. */
class AlreadyImported extends Error {
  constructor(readonly prior: PriorImport) {
    super('already imported');
  }
}

async function priorImport(ws: Workspace, sha256: string, kind: ImportKind): Promise<PriorImport | undefined> {
  return ws.one<PriorImport>(
    'SELECT import_id, finished_at, rows_read, rows_rejected FROM imports WHERE file_sha256 = $sha AND kind = $kind ORDER BY import_id LIMIT 1',
    { sha: sha256, kind },
  );
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function resolveMapping(ws: Workspace, def: KindDef, src: Source, opts: ImportOptions): Promise<Mapping> {
  if (opts.mapping) return validateMapping(opts.mapping, def.kind, '(given)');
  if (opts.mappingFile) return loadMappingFile(opts.mappingFile, def.kind);
  const s = suggestMapping(
    def.kind,
    src.columns.map((c) => c.name),
    await sampleRows(ws, src),
  );
  if (s.missing.length) {
    throw new ImportError(
      `${basename(src.file)}: no mapping given and the required field(s) ${s.missing.join(', ')} could not be placed ` +
        `from the column names (${src.columns.map((c) => c.name).join(', ')}).\n` +
        `Run 'cip mapping suggest ${src.file} --kind ${def.kind} > mapping.yaml', edit it, then import with --mapping mapping.yaml.`,
    );
  }
  return s.mapping;
}

export async function importFile(
  ws: Workspace,
  kind: ImportKind,
  file: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const def = kindDef(kind);
  const progress = opts.progress ?? silentProgress;
  // A mapping given for a file already imported is still validated, so a bad one never passes silently.
  const preMapping = opts.mappingFile ? loadMappingFile(opts.mappingFile, kind) : opts.mapping;
  const alreadyImported = (sha256: string, prior: PriorImport): ImportResult => ({
    kind,
    file,
    sha256,
    importId: null,
    alreadyImported: { importId: prior.import_id, finishedAt: prior.finished_at },
    summary: {
      read: prior.rows_read,
      imported: 0,
      rejected: prior.rows_rejected,
      duplicates: prior.rows_read - prior.rows_rejected,
    },
    issues: [],
    mapping: preMapping ?? { fields: {} },
  });

  const fp = fileFingerprint(file);
  const lookalike = await ws.one(
    'SELECT import_id FROM imports WHERE kind = $kind AND file_size = $size AND file_fingerprint = $fp LIMIT 1',
    { kind, size: fp.size, fp: fp.fingerprint },
  );
  let knownSha: string | undefined;
  if (lookalike) {
    knownSha = await sha256File(file);
    const prior = await priorImport(ws, knownSha, kind);
    if (prior) return alreadyImported(knownSha, prior);
  }
  const hashing = knownSha === undefined ? sha256InBackground(file) : undefined;
  const fileSha = async () => knownSha ?? (await hashing!.result);

  let src = await openSource(ws, file, preMapping?.source ?? {}).catch((err: unknown) => {
    hashing?.cancel();
    throw err;
  });
  try {
    const mapping = await resolveMapping(ws, def, src, { ...opts, mapping: preMapping, mappingFile: undefined });
    await configureSession(ws, opts.memoryLimit);
    try {
      src = await stageAsParquet(ws, src, (sql, params) => runWithProgress(ws, sql, params, progress, 'reading'));
    } catch (err) {
      throw new ImportError((err as Error).message);
    }
    const compiled = compileMapping(def, mapping, src);
    const started = new Date().toISOString();
    const result = await ws.transaction(async () => {
      const importId = Number(await ws.scalar("SELECT nextval('import_id_seq')"));
      const cols = def.fields.map((f) => f.name);
      const keyList = def.key.join(', ');
      await ws.run('DROP TABLE IF EXISTS _ing_rejects; DROP TABLE IF EXISTS _ing_dupkeys');

      // Pass 1: every row without a problem goes in, in one streamed INSERT. Rows carry their source_row, so
      // the table need not keep the file's order: in order, DuckDB merges source batches that are not whole
      // row groups (a Parquet file from another tool, the CSV copy) and leaves them to be compressed again at
      // the next checkpoint (≈ 13 s of 10M CSV lines); unordered, each thread writes its row groups once.
      // Declaration lines go in sorted by operator (workspace/layout.ts): every GRI pass groups them by operator, and
      // each import's lines appended in that order keep those passes sequential without rewriting the table.
      let inserted: number;
      const order = def.table === 'declaration_lines' ? ' ORDER BY f_operator_id, f_date' : '';
      await ws.setInstanceSetting('preserve_insertion_order', order ? 'true' : 'false');
      try {
        inserted = await runWithProgress(
          ws,
          `INSERT INTO ${def.table} (${cols.join(', ')}, extra, import_id, source_row)
           SELECT ${cols.map((c) => `f_${c}`).join(', ')}, extra, ${importId}, source_row
           FROM (${compiled.select}) WHERE ok${order}`,
          compiled.params,
          progress,
          'importing',
        );
      } catch (err) {
        throw new ImportError(describeReadError(file, err).message);
      } finally {
        await ws.restoreInstanceSetting('preserve_insertion_order');
      }
      const read = Number(await ws.scalar(`SELECT count(*) FROM ${src.relation}`, src.params));

      // Pass 2, only when some rows were left out: their problems, one reject row per problem.
      await ws.run(
        'CREATE TEMP TABLE _ing_rejects (source_row BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR, detail VARCHAR)',
      );
      if (inserted < read) {
        await runWithProgress(
          ws,
          `INSERT INTO _ing_rejects SELECT source_row, e.column, e.value, e.reason, e.detail
           FROM (SELECT source_row, unnest(errs) AS e FROM (${compiled.select}) WHERE errs IS NOT NULL)`,
          compiled.params,
          progress,
          'rejects',
        );
      }

      // Keys this import repeats: already in the workspace (duplicates, removed) or repeated inside the
      // file (the first occurrence stays, the others are rejected).
      // Candidates by key hash first (hashes equal to their neighbour once sorted: ≈ 40% cheaper than a GROUP BY
      // over millions of distinct hashes), then, only when there are candidates, exact keys for those.
      // Rows written inside the open transaction are scanned by one thread: counting the candidates in the same
      // statement as the warnings (valid when no row is taken out) runs their scans side by side (10M lines:
      // 1.1 s instead of 1.0 + 0.6 s; hashing the new keys from the source instead cost more CPU than it saved).
      const keyHash = `hash(${keyList})`;
      const candidates = `SELECT DISTINCT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS prev FROM (SELECT ${keyHash} AS h FROM ${def.table}))
           WHERE h = prev`;
      const fieldColumn = Object.fromEntries(Object.entries(compiled.columnOf).map(([c, f]) => [f, c]));
      const w = importWarningsQuery(def, importId, fieldColumn, basename(file));
      const checked = await ws.all<{ part: number; n: number }>(
        `SELECT 0 AS part, NULL AS file, NULL AS code, NULL AS column_name, count(*) AS n, NULL AS examples FROM (${candidates})
         ${w ? `UNION ALL SELECT * FROM (${w.sql})` : ''} ORDER BY part, file`,
        w?.params,
      );
      let warnings = warningIssues(checked.slice(1));
      const candidateCount = Number(checked[0].n);
      if (candidateCount > 0) {
        await ws.run(
          `CREATE TEMP TABLE _ing_dupkeys AS
           WITH cand AS (${candidates})
           SELECT ${keyList}, bool_or(import_id IS DISTINCT FROM ${importId}) AS existing,
                  min(source_row) FILTER (WHERE import_id = ${importId}) AS first_row
           FROM ${def.table} WHERE ${keyHash} IN (SELECT h FROM cand)
           GROUP BY ALL HAVING count(*) > 1 AND bool_or(import_id = ${importId})`,
        );
      }
      const repeats = candidateCount > 0 && Number(await ws.scalar('SELECT count(*) FROM _ing_dupkeys')) > 0;
      let duplicates = 0;
      if (repeats) {
        const dupRows = `FROM ${def.table} t JOIN _ing_dupkeys d USING (${keyList}) WHERE t.import_id = ${importId}`;
        duplicates = Number(await ws.scalar(`SELECT count(*) ${dupRows} AND d.existing`));
        const keyLabel = def.key.join('+');
        await ws.run(
          `INSERT INTO _ing_rejects
           SELECT t.source_row, $keyLabel, concat_ws('|', ${def.key.map((k) => `CAST(t.${k} AS VARCHAR)`).join(', ')}),
                  'duplicate_key: ' || $keyLabel || ' already on row ' || d.first_row,
                  json_object('key', 'reject.duplicate_key', 'params', json_object('key', $keyLabel, 'first_row', CAST(d.first_row AS VARCHAR)))::VARCHAR
           ${dupRows} AND NOT d.existing AND t.source_row <> d.first_row`,
          { keyLabel },
        );
        await ws.run(
          `DELETE FROM ${def.table} WHERE import_id = ${importId} AND source_row IN (
             SELECT t.source_row ${dupRows} AND (d.existing OR t.source_row <> d.first_row))`,
        );
      }
      const rejected = Number(await ws.scalar('SELECT count(DISTINCT source_row) FROM _ing_rejects'));
      const imported = Number(await ws.scalar(`SELECT count(*) FROM ${def.table} WHERE import_id = ${importId}`));
      if (imported + rejected + duplicates !== read) {
        throw new ImportError(
          `${basename(file)}: internal check failed: read ${read} ≠ imported ${imported} + rejected ${rejected} + duplicates ${duplicates}`,
        );
      }
      const issues = await rejectIssues(ws, '_ing_rejects', basename(file), rejected);
      if (opts.strict && rejected > 0) {
        throw new ImportError(
          `${basename(file)}: ${rejected} of ${read} rows have errors; --strict: nothing imported, workspace unchanged`,
          issues,
          { read, imported: 0, rejected, duplicates },
        );
      }
      // The whole file's SHA-256 (hashed meanwhile): a file imported before adds nothing after all.
      const sha256 = await fileSha();
      const prior = await priorImport(ws, sha256, kind);
      if (prior) throw new AlreadyImported(prior);
      await ws.run(
        `INSERT INTO import_rejects (import_id, row_no, column_name, value, reason, detail)
         SELECT $id, source_row, column_name, value, reason, detail FROM _ing_rejects ORDER BY source_row, column_name`,
        { id: importId },
      );
      const mappingJson = JSON.stringify(mapping);
      await ws.run(
        `INSERT INTO imports (import_id, kind, file_name, file_sha256, mapping_json, imported_by, started_at, finished_at,
                              rows_read, rows_imported, rows_rejected, rows_duplicate, file_size, file_fingerprint)
         VALUES ($id, $kind, $file, $sha, $mapping, $by, $started::TIMESTAMP, now()::TIMESTAMP, $read, $imported, $rejected, $duplicates,
                 $size, $fp)`,
        {
          id: importId,
          kind,
          file: basename(file),
          sha: sha256,
          mapping: mappingJson,
          by: opts.actor ?? null,
          started,
          read,
          imported,
          rejected,
          duplicates,
          size: fp.size,
          fp: fp.fingerprint,
        },
      );
      // The declarations this import adds or completes, in the same transaction as their lines.
      if (def.table === 'declaration_lines') await refreshDeclarations(ws, importId);
      // Rows taken out as repeats: the warnings are made again without them.
      if (repeats) warnings = await importWarnings(ws, def, importId, fieldColumn);
      issues.push(...warnings);
      const summary: ImportSummary = { read, imported, rejected, duplicates };
      await recordChange(ws, {
        actor: opts.actor ?? 'system',
        action: 'import',
        entityType: 'import',
        entityId: String(importId),
        after: { kind, file: basename(file), sha256, ...summary },
      });
      // A workspace whose lines are scanned in ClickHouse gets this import's lines there too (src/engine).
      if (def.table === 'declaration_lines') await pushImport(ws, importId);
      return { importId, summary, issues, sha256 };
    });
    const outcomes = kind === 'declarations' ? await outcomeReport(ws, opts.lang) : undefined;
    return { kind, file, mapping, ...result, ...(outcomes ? { outcomes } : {}) };
  } catch (err) {
    if (err instanceof AlreadyImported) return alreadyImported(await fileSha(), err.prior);
    throw err;
  } finally {
    hashing?.cancel();
    src.cleanup();
    await ws.run('DROP TABLE IF EXISTS _ing_rejects; DROP TABLE IF EXISTS _ing_dupkeys').catch(() => undefined);
    await ws.restoreInstanceSetting('memory_limit').catch(() => undefined);
  }
}

async function configureSession(ws: Workspace, memoryLimit?: string): Promise<void> {
  await ws.run(`SET temp_directory = ${sqlString(workspaceTmpDir(ws))}`);
  if (memoryLimit) await ws.setInstanceSetting('memory_limit', memoryLimit);
  await ws.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0');
}

export { requiredFields };
