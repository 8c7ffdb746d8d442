// Downloads: the plan workbook and document (plan context), the PCA list (measure) and the selectivity list
// (operator_segments). Roles without taxpayer access get pseudonymised TINs in the plan files.
import { DomainError } from '../../errors/index.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { gatherPlan } from '../../plan/export/gather.ts';
import { writeWorkbook } from '../../plan/export/xlsx.ts';
import { pcaPlan, pcaPlanCsv, PcaPlanError } from '../../measure/pca/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import type { AuthUser } from '../auth.ts';
import { scopeParams, SCOPE_SQL, visibleTins } from '../queries/operators.ts';
import { fileRoute, type RouteDef } from '../route-table.ts';
import { csvLine } from '../../exports/cells.ts';

const stamp = () => new Date().toISOString().slice(0, 10);

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cip-export-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const pseudonymiseFor = (user: AuthUser, asked: string | undefined) =>
  asked === 'true' || !user.permissions.has('taxpayer.read');

type DocxModule = { writeDocument: (p: unknown, file: string) => Promise<unknown> };

export async function planFile(
  ws: Workspace,
  user: AuthUser,
  pseudonymise: string | undefined,
  kind: 'xlsx' | 'docx',
): Promise<Buffer> {
  // in the reader's language: the signed-in user's
  const plan = await gatherPlan(ws, { pseudonymise: pseudonymiseFor(user, pseudonymise), language: user.language });
  return withTmp(async (dir) => {
    const file = join(dir, `plan.${kind}`);
    if (kind === 'xlsx') await writeWorkbook(plan, file);
    else {
      const modPath = '../../plan/export/docx.ts';
      const mod = (await import(modPath).catch(() => null)) as DocxModule | null;
      if (!mod) throw new DomainError('the Word plan document is not available in this version', 'not_found');
      await mod.writeDocument(plan, file);
    }
    return readFileSync(file);
  });
}

export const exportRoutes: RouteDef[] = [
  fileRoute({
    method: 'GET',
    url: '/api/exports/plan.xlsx',
    summary:
      "Excel workbook with the note's tables (TINs pseudonymised for roles without taxpayer access, or on request)",
    tag: 'exports',
    access: 'exports.read',
    query: z.object({ pseudonymise: z.enum(['true', 'false']).optional() }),
    file: async ({ db, user, query }) => ({
      filename: `cip-plan-${stamp()}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      data: await db.read((ws) => planFile(ws, user, query.pseudonymise, 'xlsx')),
    }),
  }),
  fileRoute({
    method: 'GET',
    url: '/api/exports/plan.docx',
    summary: 'The plan as a Word document (same pseudonymisation rule as the workbook)',
    tag: 'exports',
    access: 'exports.read',
    query: z.object({ pseudonymise: z.enum(['true', 'false']).optional() }),
    file: async ({ db, user, query }) => ({
      filename: `cip-plan-${stamp()}.docx`,
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      data: await db.read((ws) => planFile(ws, user, query.pseudonymise, 'docx')),
    }),
  }),
  fileRoute({
    method: 'GET',
    url: '/api/exports/pca.csv',
    summary: "Post-clearance-audit plan as CSV for the audit-planning system (operators of the user's unit)",
    tag: 'exports',
    access: 'taxpayer.read',
    query: z.object({
      capacity: z.coerce.number().int().min(1).max(100_000).default(100),
      min_level: z.enum(['low', 'medium', 'high']).optional(),
    }),
    file: async ({ db, user, query }) =>
      db.read(async (ws) => {
        let plan;
        try {
          plan = await pcaPlan(ws, { capacity: query.capacity, minLevel: query.min_level });
        } catch (e) {
          if (e instanceof PcaPlanError) throw new DomainError(e.message, 'invalid');
          throw e;
        }
        const ok = await visibleTins(
          ws,
          plan.candidates.map((c) => c.operator_id),
          user.offices,
        );
        return {
          filename: `pca-plan-${stamp()}.csv`,
          contentType: 'text/csv; charset=utf-8',
          data: pcaPlanCsv({ ...plan, candidates: plan.candidates.filter((c) => ok.has(c.operator_id)) }),
        };
      }),
  }),
  fileRoute({
    method: 'GET',
    url: '/api/exports/selectivity.csv',
    summary:
      "GRI per operator for the cargo-selectivity system: TIN, size, GRI, level, configuration (operators of the user's unit)",
    tag: 'exports',
    access: 'taxpayer.read',
    query: z.object({ min_level: z.enum(['low', 'medium', 'high']).default('low') }),
    file: async ({ db, user, query }) =>
      db.read(async (ws) => {
        const levels = { low: ['low', 'medium', 'high'], medium: ['medium', 'high'], high: ['high'] }[query.min_level];
        const rows = await ws.all<Record<string, unknown>>(
          `SELECT s.operator_id, s.size_segment, round(s.gri, 6) AS gri, s.risk_level, s.config_id, strftime(s.computed_at, '%Y-%m-%dT%H:%M:%S') AS computed_at
           FROM operator_segments s LEFT JOIN (SELECT operator_id, any_value(office) AS office FROM operators GROUP BY 1) o USING (operator_id)
           WHERE list_contains(string_split($levels, ','), s.risk_level) AND ${SCOPE_SQL}
           ORDER BY s.gri DESC, s.operator_id`,
          { levels: levels.join(','), ...scopeParams(user.offices) },
        );
        const head = ['operator_id', 'size_segment', 'gri', 'risk_level', 'config_id', 'computed_at'];
        const csv = [csvLine(head), ...rows.map((r) => csvLine(head.map((h) => r[h])))].join('\n') + '\n';
        return { filename: `selectivity-gri-${stamp()}.csv`, contentType: 'text/csv; charset=utf-8', data: csv };
      }),
  }),
];
