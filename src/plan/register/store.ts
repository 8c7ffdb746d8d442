// The vulnerability register in the workspace: versioned rows, each change recorded in the history.
import { z } from 'zod';
import type { Workspace } from '../../workspace/workspace.ts';
import { recordChange } from '../../history/history.ts';
import type { RegisterScales } from '../config.ts';
import { registerScales } from '../config.ts';
import { OccurrenceSchema, score, ScoreSchema, type Occurrence } from './score.ts';
import {
  RegisterInputError,
  parseComplianceRisks,
  parseEffects,
  parseInstitutionalRisk,
  parseOccurrence,
  parseProcessCode,
  type VulnerabilityFields,
  type VulnerabilityInput,
} from './parse.ts';

/** A vulnerability of the register as read (the API's answer). */
export const VulnerabilitySchema = z.object({
  id: z.string(),
  version: z.number(),
  processCode: z.string(),
  description: z.string(),
  institutionalRisk: z.string(),
  complianceRisks: z.array(z.string()),
  /** objective code -> effect level code of the scale */
  effects: z.record(z.string(), z.string()),
  occurrence: z.array(OccurrenceSchema),
  changedBy: z.string(),
  changedAt: z.string(),
  score: ScoreSchema,
});
export type Vulnerability = z.infer<typeof VulnerabilitySchema>;

interface Row {
  vuln_id: string;
  version: number;
  process_code: string;
  description: string;
  institutional_risk: string;
  compliance_risks_json: string;
  effects_json: string;
  occurrence_json: string;
  retired: boolean;
  changed_by: string;
  changed_at: string;
}

/** Validates and normalises an input against the scales; `where` prefixes error messages. */
export function normalise(scales: RegisterScales, i: VulnerabilityInput, where: string): VulnerabilityFields {
  if (!i.description?.trim()) throw new RegisterInputError(`${where}: description is empty`);
  const n: VulnerabilityFields = {
    id: i.id,
    processCode: parseProcessCode(i.processCode ?? '', `${where} process_code`),
    description: i.description.trim(),
    institutionalRisk: parseInstitutionalRisk(scales, i.institutionalRisk ?? '', `${where} institutional_risk`),
    complianceRisks: parseComplianceRisks(scales, i.complianceRisks ?? [], `${where} compliance_risks`),
    effects: parseEffects(scales, i.effects, `${where} effects`),
    occurrence: parseOccurrence(i.occurrence ?? [], `${where} occurrence`),
  };
  if (n.id !== undefined && !/^[A-Za-z0-9._-]+$/.test(n.id))
    throw new RegisterInputError(`${where} id: '${n.id}' may only hold letters, digits, '.', '_' and '-'`);
  return n;
}

function toVulnerability(scales: RegisterScales, r: Row): Vulnerability {
  const effects = JSON.parse(r.effects_json) as Record<string, string>;
  const occurrence = JSON.parse(r.occurrence_json) as Occurrence[];
  return {
    id: r.vuln_id,
    version: r.version,
    processCode: r.process_code,
    description: r.description,
    institutionalRisk: r.institutional_risk,
    complianceRisks: JSON.parse(r.compliance_risks_json) as string[],
    effects,
    occurrence,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
    score: score(scales, { effects, occurrence }),
  };
}

/** 1.10.2 after 1.9.1: compares process codes number by number. */
export function compareProcessCodes(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

const LATEST = `
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, strftime(changed_at, '%Y-%m-%dT%H:%M:%SZ') AS changed_at_s,
           row_number() OVER (PARTITION BY vuln_id ORDER BY version DESC) AS rn
    FROM plan_vulnerabilities) WHERE rn = 1`;

export async function listVulnerabilities(
  ws: Workspace,
  filter: { complianceRisk?: string; includeRetired?: boolean } = {},
): Promise<Vulnerability[]> {
  const scales = await registerScales(ws);
  const rows = await ws.all<Row & { changed_at_s: string }>(LATEST);
  return rows
    .filter((r) => filter.includeRetired || !r.retired)
    .map((r) => toVulnerability(scales, { ...r, changed_at: r.changed_at_s }))
    .filter((v) => !filter.complianceRisk || v.complianceRisks.includes(filter.complianceRisk))
    .sort((a, b) => compareProcessCodes(a.processCode, b.processCode) || a.id.localeCompare(b.id));
}

export async function getVulnerability(ws: Workspace, id: string): Promise<Vulnerability> {
  const all = await listVulnerabilities(ws, { includeRetired: true });
  const v = all.find((x) => x.id === id);
  if (!v)
    throw new RegisterInputError(`no vulnerability '${id}' in the register (see 'cip register list')`, 'not_found');
  return v;
}

async function nextId(ws: Workspace): Promise<string> {
  const n = await ws.scalar<number | null>(
    `SELECT max(TRY_CAST(regexp_extract(vuln_id, '^V-(\\d+)$', 1) AS INTEGER)) FROM plan_vulnerabilities`,
  );
  return `V-${String((n ?? 0) + 1).padStart(3, '0')}`;
}

function stateOf(v: VulnerabilityFields) {
  return {
    process_code: v.processCode,
    description: v.description,
    institutional_risk: v.institutionalRisk,
    compliance_risks: v.complianceRisks,
    effects: v.effects,
    occurrence: v.occurrence,
  };
}

async function insertVersion(
  ws: Workspace,
  id: string,
  version: number,
  v: VulnerabilityFields,
  actor: string,
  retired = false,
): Promise<void> {
  await ws.run(
    `INSERT INTO plan_vulnerabilities VALUES ($id, $version, $pc, $d, $ir, $cr, $ef, $oc, $retired, $actor, now())`,
    {
      retired,
      id,
      version,
      pc: v.processCode,
      d: v.description,
      ir: v.institutionalRisk,
      cr: JSON.stringify(v.complianceRisks),
      ef: JSON.stringify(v.effects),
      oc: JSON.stringify(v.occurrence),
      actor,
    },
  );
}

/**
 * Adds a vulnerability, or — when its id exists — records a new version if anything changed.
 * Returns the current state and whether a version was written.
 */
export async function saveVulnerability(
  ws: Workspace,
  actor: string,
  input: VulnerabilityInput,
  where = 'input',
  opts: { onDuplicate?: 'update' | 'error' } = {},
): Promise<{ vulnerability: Vulnerability; changed: boolean }> {
  const scales = await registerScales(ws);
  const v = normalise(scales, input, where);
  return ws.transaction(async () => {
    const all = await listVulnerabilities(ws, { includeRetired: true });
    // Without an id, the same process code, institutional risk and description is the same vulnerability.
    const same =
      v.id === undefined
        ? (await listVulnerabilities(ws)).find(
            (x) =>
              x.processCode === v.processCode &&
              x.institutionalRisk === v.institutionalRisk &&
              x.description === v.description,
          )
        : undefined;
    if (same && opts.onDuplicate === 'error') {
      throw new RegisterInputError(
        `${where}: already in the register as ${same.id} (${same.processCode}, ${same.institutionalRisk}); use 'cip register score ${same.id}' to re-assess it`,
      );
    }
    const id = v.id ?? same?.id ?? (await nextId(ws));
    const prev = all.find((x) => x.id === id);
    const after = stateOf(v);
    if (prev) {
      const before = stateOf(prev);
      if (JSON.stringify(before) === JSON.stringify(after)) return { vulnerability: prev, changed: false };
      await insertVersion(ws, id, prev.version + 1, v, actor);
      await recordChange(ws, {
        actor,
        action: 'register.update',
        entityType: 'vulnerability',
        entityId: id,
        before,
        after,
      });
    } else {
      await insertVersion(ws, id, 1, v, actor);
      await recordChange(ws, { actor, action: 'register.add', entityType: 'vulnerability', entityId: id, after });
    }
    return { vulnerability: await getVulnerability(ws, id), changed: true };
  });
}

/** The vulnerability, unless it is retired (then: refused, naming it). */
export async function assertNotRetired(ws: Workspace, id: string): Promise<Vulnerability> {
  const cur = await getVulnerability(ws, id);
  const retired = await ws.scalar<boolean>(
    'SELECT retired FROM plan_vulnerabilities WHERE vuln_id = $id ORDER BY version DESC LIMIT 1',
    { id },
  );
  if (retired) throw new RegisterInputError(`vulnerability ${id} is already retired`, 'conflict');
  return cur;
}

/** Retires a vulnerability (entered by mistake, or no longer relevant): a new version marked retired. */
export async function retireVulnerability(
  ws: Workspace,
  actor: string,
  id: string,
  reason: string,
): Promise<Vulnerability> {
  if (!reason.trim()) throw new RegisterInputError('give a reason for retiring a vulnerability');
  return ws.transaction(async () => {
    const cur = await assertNotRetired(ws, id);
    await insertVersion(ws, id, cur.version + 1, cur, actor, true);
    await recordChange(ws, {
      actor,
      action: 'register.retire',
      entityType: 'vulnerability',
      entityId: id,
      before: stateOf(cur),
      after: { retired: true, reason },
    });
    return getVulnerability(ws, id);
  });
}

/** Re-scores an existing vulnerability: new effects and/or occurrence as a new version. */
export async function rescoreVulnerability(
  ws: Workspace,
  actor: string,
  id: string,
  patch: { effects?: string | Record<string, unknown>; occurrence?: string | unknown[]; addOccurrence?: string },
): Promise<{ vulnerability: Vulnerability; changed: boolean }> {
  const cur = await getVulnerability(ws, id);
  let occurrence: string | unknown[] = patch.occurrence ?? cur.occurrence;
  if (patch.addOccurrence) {
    const base = parseOccurrence(occurrence, '--occurrence');
    const map = new Map(base.map(([p, y]) => [p, y]));
    for (const [p, y] of parseOccurrence(patch.addOccurrence, '--add-occurrence')) map.set(p, y);
    occurrence = [...map.entries()];
  }
  return saveVulnerability(
    ws,
    actor,
    {
      id,
      processCode: cur.processCode,
      description: cur.description,
      institutionalRisk: cur.institutionalRisk,
      complianceRisks: cur.complianceRisks,
      effects: patch.effects ?? cur.effects,
      occurrence,
    },
    `vulnerability ${id}`,
  );
}
