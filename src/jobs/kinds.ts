// What the web app can start as a job: each kind names its permission, its parameters (zod) and the domain function
// it runs — the same one the CLI command runs, with the same validation. CLI commands sent through the server become
// jobs of the same kinds by themselves (src/server/service.ts).
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../errors/index.ts';
import { recordChange } from '../history/history.ts';
import { IMPORT_KINDS } from '../ingest/fields.ts';
import { importFile, ImportError } from '../ingest/importer.ts';
import { MappingSchema, validateMapping } from '../ingest/mapping.ts';
import { getMapping, MAPPING_NAME } from '../ingest/saved-mappings.ts';
import { computeSegmentation } from '../segmentation/index.ts';
import { exportSelectivity } from '../measure/selectivity/export.ts';
import { loadSelectivityConfig } from '../measure/selectivity/config.ts';
import { pcaPlan, pcaPlanCsv } from '../measure/pca/index.ts';
import { minutesDocx, minutesXlsx } from '../governance/export.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { AuthUser } from '../server/auth.ts';
import type { ServerDb } from '../server/db.ts';
import type { Permission } from '../server/roles.ts';
import { visibleTins } from '../server/queries/operators.ts';
import { planFile } from '../server/routes/exports.ts';
import { backtestForApi, backtestQuery, checkBacktestQuery } from '../server/routes/measure.ts';
import { removeUpload, uploadPath } from '../server/uploads.ts';
import type { JobContext, JobOutcome } from './queue.ts';
import { jobInLanguage, RejectedRowsError, type JobView } from './view.ts';
import { importWarningMessages } from '../ingest/quality.ts';

export interface JobKind<P extends z.ZodType = z.ZodType> {
  kind: string;
  access: Permission;
  params: P;
  writes: boolean;
  connection: 'main' | 'own';
  pollProgress?: boolean;
  /** Checks made before the job is queued (a bad request is answered at once); returns the title and the params kept. */
  prepare(db: ServerDb, p: z.infer<P>, user: AuthUser): Promise<{ title: string; params: z.infer<P> }>;
  run(ctx: JobContext & { ws: Workspace }, p: z.infer<P>, user: AuthUser, db: ServerDb): Promise<JobOutcome>;
}

const kind = <P extends z.ZodType>(k: JobKind<P>): JobKind => k as unknown as JobKind;

const fileBytes = (dir: string, name: string) => statSync(join(dir, name)).size;

const importParams = z
  .object({
    uploadId: z.string().max(64),
    kind: z.enum(IMPORT_KINDS),
    /** The mapping as edited in the import page, or the name of a saved one. */
    mapping: MappingSchema.optional(),
    mappingName: MAPPING_NAME.optional(),
    strict: z.boolean().optional(),
  })
  .refine((p) => (p.mapping === undefined) !== (p.mappingName === undefined), {
    message: 'give exactly one of mapping or mappingName',
  });

const importKind = kind({
  kind: 'import',
  access: 'data.write',
  params: importParams,
  writes: true,
  connection: 'main',
  async prepare(db, p) {
    const file = uploadPath(db, p.uploadId);
    let mapping = p.mapping;
    if (p.mappingName) {
      const saved = await db.read((ws) => getMapping(ws, p.mappingName!));
      if (!saved) throw new DomainError(`no mapping saved under the name '${p.mappingName}'`, 'not_found');
      mapping = saved.mapping;
    }
    // The mapping in force when the job was asked for is the one used (a later save does not change it).
    return { title: file.split('/').pop()!, params: { ...p, mapping: validateMapping(mapping, p.kind, '(mapping)') } };
  },
  async run(ctx, p, user, db) {
    const file = uploadPath(db, p.uploadId);
    try {
      const r = await importFile(ctx.ws, p.kind, file, {
        mapping: p.mapping,
        strict: p.strict,
        actor: user.username,
        progress: ctx.progress,
      });
      removeUpload(db, p.uploadId);
      return {
        result: {
          type: 'import',
          importId: r.importId,
          alreadyImportedAs: r.alreadyImported?.importId ?? null,
          summary: r.summary,
          warnings: importWarningMessages(r.issues, r.outcomes),
        },
      };
    } catch (err) {
      if (err instanceof ImportError && err.issues.length) throw new RejectedRowsError(err.message, err.issues);
      throw err;
    }
  },
});

const griKind = kind({
  kind: 'gri',
  access: 'gri.write',
  params: z.object({ risk: z.string().min(1).max(60).default('general') }),
  writes: true,
  connection: 'main',
  pollProgress: true,
  async prepare(_db, p) {
    return { title: p.risk, params: p };
  },
  // The configuration in force, as `cip gri compute` without options; the run is recorded like the API's.
  async run(ctx, p, user) {
    ctx.progress.phase('computing');
    const run = await ctx.ws.transaction(async () => {
      const r = await computeSegmentation(ctx.ws, { risk: p.risk });
      await recordChange(ctx.ws, {
        actor: user.username,
        action: 'gri.compute',
        entityType: 'gri_run',
        entityId: r.configId,
        orgUnit: user.unit_id,
        after: { configId: r.configId, operators: r.operators, lines: r.lines, levels: r.scoring.levels },
      });
      return r;
    });
    const lv = run.scoring.levels;
    return {
      result: {
        type: 'gri',
        risk: run.risk,
        configId: run.configId,
        operators: run.operators,
        lines: run.lines,
        high: lv.high ?? 0,
        medium: lv.medium ?? 0,
        low: lv.low ?? 0,
      },
    };
  },
});

const backtestKind = kind({
  kind: 'backtest',
  access: 'measure.read',
  params: backtestQuery,
  writes: false,
  connection: 'own',
  pollProgress: true,
  async prepare(_db, p) {
    checkBacktestQuery(p); // a bad period is refused at once, as GET /api/backtest does
    return { title: `${p.train_until} → ${p.test_from} … ${p.test_until}`, params: p };
  },
  async run(ctx, p, user) {
    const answer = await backtestForApi(ctx.ws, p, user.language, ctx.progress);
    writeFileSync(join(ctx.filesDir(), 'backtest.json'), JSON.stringify(answer));
    return { result: { type: 'backtest', testLines: answer.periods.test.lines, auc: answer.lines.auc } };
  },
});

/** Line-level scores cover every office: only users who see every operator may export them. */
function requireAllOffices(user: AuthUser): void {
  if (user.offices !== null)
    throw new DomainError(
      `the selectivity export covers every office; your unit (${user.unit_id}) sees only its own operators`,
      'forbidden',
    );
}

const selectivityKind = kind({
  kind: 'selectivity',
  access: 'taxpayer.read',
  params: z.object({
    level: z.enum(['line', 'operator']).default('line'),
    asOf: z.string().max(10).optional(),
    lang: z.enum(['en', 'es', 'fr', 'pt']).optional(),
    randomShare: z.number().min(0).max(0.5).optional(),
    seed: z.number().int().min(0).max(2147483647).optional(),
  }),
  writes: true, // keeps the fitted model (selectivity_models)
  connection: 'main',
  pollProgress: true,
  async prepare(_db, p, user) {
    requireAllOffices(user);
    return { title: p.level, params: p };
  },
  async run(ctx, p, user) {
    const name = `selectivity-${p.level}s-${new Date().toISOString().slice(0, 10)}.csv`;
    ctx.progress.phase('scoring');
    const r = await exportSelectivity(ctx.ws, loadSelectivityConfig(), {
      out: join(ctx.filesDir(), name),
      level: p.level,
      asOf: p.asOf,
      lang: p.lang ?? user.language,
      reasons: 3,
      randomShare: p.randomShare,
      seed: p.seed,
    });
    return { fileName: name, result: { type: 'file', name, bytes: fileBytes(ctx.filesDir(), name), rows: r.rows } };
  },
});

const pcaKind = kind({
  kind: 'pca',
  access: 'taxpayer.read',
  params: z.object({
    capacity: z.number().int().min(1).max(100_000).default(100),
    minLevel: z.enum(['low', 'medium', 'high']).optional(),
  }),
  writes: false,
  connection: 'own',
  async prepare(_db, p) {
    return { title: String(p.capacity), params: p };
  },
  async run(ctx, p, user) {
    ctx.progress.phase('ranking');
    const plan = await pcaPlan(ctx.ws, { capacity: p.capacity, minLevel: p.minLevel });
    const ok = await visibleTins(
      ctx.ws,
      plan.candidates.map((c) => c.operator_id),
      user.offices,
    );
    const candidates = plan.candidates.filter((c) => ok.has(c.operator_id));
    const name = `pca-plan-${new Date().toISOString().slice(0, 10)}.csv`;
    writeFileSync(join(ctx.filesDir(), name), pcaPlanCsv({ ...plan, candidates }));
    return {
      fileName: name,
      result: { type: 'file', name, bytes: fileBytes(ctx.filesDir(), name), rows: candidates.length },
    };
  },
});

const planExportKind = kind({
  kind: 'plan-export',
  access: 'exports.read',
  params: z.object({ format: z.enum(['xlsx', 'docx']), pseudonymise: z.boolean().optional() }),
  writes: false,
  connection: 'own',
  async prepare(_db, p) {
    return { title: p.format, params: p };
  },
  async run(ctx, p, user) {
    // The same file as GET /api/exports/plan.{xlsx,docx}: the reader's language, TINs pseudonymised by role.
    ctx.progress.phase('writing');
    const buf = await planFile(ctx.ws, user, p.pseudonymise ? 'true' : undefined, p.format);
    const name = `cip-plan-${new Date().toISOString().slice(0, 10)}.${p.format}`;
    writeFileSync(join(ctx.filesDir(), name), buf);
    return { fileName: name, result: { type: 'file', name, bytes: buf.length, rows: null } };
  },
});

const minutesKind = kind({
  kind: 'minutes-export',
  access: 'exports.read',
  params: z.object({ ref: z.string().min(1).max(40), format: z.enum(['docx', 'xlsx']) }),
  writes: false,
  connection: 'own',
  async prepare(_db, p) {
    return { title: `${p.ref} (${p.format})`, params: p };
  },
  async run(ctx, p, user) {
    ctx.progress.phase('writing');
    const buf =
      p.format === 'docx'
        ? await minutesDocx(ctx.ws, p.ref, user.language)
        : await minutesXlsx(ctx.ws, p.ref, user.language);
    const name = `minutes-${p.ref}.${p.format}`;
    writeFileSync(join(ctx.filesDir(), name), buf);
    return { fileName: name, result: { type: 'file', name, bytes: buf.length, rows: null } };
  },
});

export const JOB_KINDS: JobKind[] = [
  importKind,
  griKind,
  backtestKind,
  selectivityKind,
  pcaKind,
  planExportKind,
  minutesKind,
];

export function jobKind(name: string): JobKind {
  const k = JOB_KINDS.find((j) => j.kind === name);
  if (!k) throw new DomainError(`unknown job kind '${name}'`, 'invalid');
  return k;
}

/** Who may see a job's full result or download it: by kind (CLI jobs too); taxpayer lists only their creator. */
const READ_ACCESS: Record<string, Permission> = {
  import: 'data.read',
  optimize: 'data.read',
  gri: 'segments.read',
  backtest: 'measure.read',
  selectivity: 'taxpayer.read',
  pca: 'taxpayer.read',
  'plan-export': 'exports.read',
  'minutes-export': 'exports.read',
};

export function mayRead(user: AuthUser, job: { kind: string; createdBy: string }): boolean {
  const access = READ_ACCESS[job.kind] ?? 'data.read';
  if (access === 'taxpayer.read') return job.createdBy === user.username;
  return user.permissions.has(access);
}

/** A job as `user` sees it: the result of a kind they may not read left out, sentences in their language. */
export function jobForReader(user: AuthUser, v: JobView): JobView {
  return mayRead(user, v) ? jobInLanguage(v, user.language) : { ...v, result: null, fileName: null, rejected: null };
}
