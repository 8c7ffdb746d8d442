// Measures (Annex 2 step 3) and their dependencies in the workspace: versioned rows + history entries.
import { z } from 'zod';
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { recordChange } from '../../history/history.ts';
import { getVulnerability } from '../register/store.ts';
import { assertCanComplete, assertNoCycle, schedule, ScheduleEntrySchema, type MeasureNode } from './schedule.ts';

export class MeasureInputError extends DomainError {}

/** A measure as read (the API's answer). */
export const MeasureSchema = z.object({
  id: z.string(),
  version: z.number(),
  vulnId: z.string(),
  description: z.string(),
  responsibleUnit: z.string(),
  supportingUnits: z.array(z.string()),
  expectedDate: z.string().nullable(),
  expectedComment: z.string().nullable(),
  dependsOn: z.array(z.string()),
  status: z.enum(['planned', 'done']),
  completedOn: z.string().nullable(),
  changedBy: z.string(),
});
export type Measure = z.infer<typeof MeasureSchema>;

export type MeasureFields = Omit<Measure, 'id' | 'version' | 'changedBy'>;

export const MeasureWithScheduleSchema = MeasureSchema.extend({ schedule: ScheduleEntrySchema });
export type MeasureWithSchedule = z.infer<typeof MeasureWithScheduleSchema>;

/** '2023-06-30' → date; '2023-06' → last day of that month; anything else → a comment. */
export function parseExpected(v: string): { date: string | null; comment: string | null } {
  const s = v.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (day) {
    const d = new Date(`${s}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s)
      throw new MeasureInputError(`expected completion '${v}' is not a valid date`);
    return { date: s, comment: null };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(s);
  if (month) {
    const m = Number(month[2]);
    if (m < 1 || m > 12) throw new MeasureInputError(`expected completion '${v}' is not a valid month`);
    const last = new Date(Date.UTC(Number(month[1]), m, 0)).toISOString().slice(0, 10);
    return { date: last, comment: null };
  }
  return { date: null, comment: s || null };
}

export function parseDate(v: string, what: string): string {
  const r = parseExpected(v);
  if (!r.date) throw new MeasureInputError(`${what} '${v}' is not a date (expected YYYY-MM-DD)`);
  return r.date;
}

interface Row {
  measure_id: string;
  version: number;
  vuln_id: string;
  description: string;
  responsible_unit: string;
  supporting_units_json: string;
  expected_date: string | null;
  expected_comment: string | null;
  depends_on_json: string;
  status: 'planned' | 'done';
  completed_on: string | null;
  changed_by: string;
}

const fromRow = (r: Row): Measure => ({
  id: r.measure_id,
  version: r.version,
  vulnId: r.vuln_id,
  description: r.description,
  responsibleUnit: r.responsible_unit,
  supportingUnits: JSON.parse(r.supporting_units_json) as string[],
  expectedDate: r.expected_date,
  expectedComment: r.expected_comment,
  dependsOn: JSON.parse(r.depends_on_json) as string[],
  status: r.status,
  completedOn: r.completed_on,
  changedBy: r.changed_by,
});

const numericId = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);

export async function listMeasures(ws: Workspace, filter: { vulnId?: string } = {}): Promise<Measure[]> {
  const rows = await ws.all<Row>(
    `SELECT * EXCLUDE (rn, changed_at) FROM (
       SELECT *, row_number() OVER (PARTITION BY measure_id ORDER BY version DESC) AS rn FROM plan_measures) WHERE rn = 1`,
  );
  return rows
    .map(fromRow)
    .filter((m) => !filter.vulnId || m.vulnId === filter.vulnId)
    .sort((a, b) => numericId(a.id) - numericId(b.id) || a.id.localeCompare(b.id));
}

export async function getMeasure(ws: Workspace, id: string): Promise<Measure> {
  const m = (await listMeasures(ws)).find((x) => x.id === id);
  if (!m) throw new MeasureInputError(`no measure '${id}' (see 'cip measures list')`, 'not_found');
  return m;
}

const toNode = (m: Measure): MeasureNode => ({
  id: m.id,
  dependsOn: m.dependsOn,
  expectedDate: m.expectedDate,
  status: m.status,
  completedOn: m.completedOn,
});

export async function listMeasuresWithSchedule(
  ws: Workspace,
  today: string,
  filter: { vulnId?: string } = {},
): Promise<MeasureWithSchedule[]> {
  const all = await listMeasures(ws);
  const entries = new Map(schedule(all.map(toNode), today).map((e) => [e.id, e]));
  return all
    .filter((m) => !filter.vulnId || m.vulnId === filter.vulnId)
    .map((m) => ({ ...m, schedule: entries.get(m.id)! }));
}

function stateOf(m: MeasureFields) {
  return {
    vuln_id: m.vulnId,
    description: m.description,
    responsible_unit: m.responsibleUnit,
    supporting_units: m.supportingUnits,
    expected_date: m.expectedDate,
    expected_comment: m.expectedComment,
    depends_on: m.dependsOn,
    status: m.status,
    completed_on: m.completedOn,
  };
}

async function insertVersion(ws: Workspace, id: string, version: number, m: MeasureFields, actor: string) {
  await ws.run(
    `INSERT INTO plan_measures VALUES ($id, $version, $v, $d, $r, $s, $ed::DATE, $ec, $dep, $st, $co::DATE, $actor, now())`,
    {
      id,
      version,
      v: m.vulnId,
      d: m.description,
      r: m.responsibleUnit,
      s: JSON.stringify(m.supportingUnits),
      ed: m.expectedDate,
      ec: m.expectedComment,
      dep: JSON.stringify(m.dependsOn),
      st: m.status,
      co: m.completedOn,
      actor,
    },
  );
}

/** Adds a measure, or records a new version of an existing id when something changed. */
export async function saveMeasure(
  ws: Workspace,
  actor: string,
  fields: MeasureFields,
  id?: string,
): Promise<{ measure: Measure; changed: boolean }> {
  if (!fields.description.trim()) throw new MeasureInputError('the measure has no description');
  if (!fields.responsibleUnit.trim())
    throw new MeasureInputError(`measure '${fields.description}': no responsible unit`);
  if (id !== undefined && !/^[A-Za-z0-9._-]+$/.test(id))
    throw new MeasureInputError(`measure id '${id}' may only hold letters, digits, '.', '_' and '-'`);
  await getVulnerability(ws, fields.vulnId);
  return ws.transaction(async () => {
    const all = await listMeasures(ws);
    const mid = id ?? `M-${String(Math.max(0, ...all.map((m) => numericId(m.id))) + 1).padStart(3, '0')}`;
    const prev = all.find((m) => m.id === mid);
    const known = new Set([...all.map((m) => m.id), mid]);
    for (const d of fields.dependsOn)
      if (!known.has(d)) throw new MeasureInputError(`measure ${mid} depends on '${d}', which does not exist`);
    const nodes = all.filter((m) => m.id !== mid).map(toNode);
    for (const d of fields.dependsOn) {
      assertNoCycle(nodes, mid, d);
      nodes.push({ id: mid, dependsOn: [d], expectedDate: null, status: 'planned', completedOn: null });
    }
    if (fields.status === 'done') {
      if (!fields.completedOn) throw new MeasureInputError(`measure ${mid} is done but has no completion date`);
      assertCanComplete(
        [...all.filter((m) => m.id !== mid).map(toNode), { ...toNode({ ...fields, id: mid } as Measure) }],
        mid,
        fields.completedOn,
      );
    }
    const after = stateOf(fields);
    if (prev) {
      const before = stateOf(prev);
      if (JSON.stringify(before) === JSON.stringify(after)) return { measure: prev, changed: false };
      await insertVersion(ws, mid, prev.version + 1, fields, actor);
      await recordChange(ws, { actor, action: 'measures.update', entityType: 'measure', entityId: mid, before, after });
    } else {
      await insertVersion(ws, mid, 1, fields, actor);
      await recordChange(ws, { actor, action: 'measures.add', entityType: 'measure', entityId: mid, after });
    }
    return { measure: await getMeasure(ws, mid), changed: true };
  });
}

export interface NewMeasure {
  vulnId: string;
  description: string;
  responsibleUnit: string;
  supportingUnits?: string[];
  /** '2023-06-30', '2023-06' (end of that month) or a comment such as 'In the upcoming customs reform package' */
  expected?: string | null;
  /** a comment next to an expected date */
  expectedComment?: string | null;
  dependsOn?: string[];
  /** default M-nnn */
  id?: string;
}

/** Adds a measure to a vulnerability (Annex 2 step 3): the one entry point of `cip measures add` and the API. */
export async function addMeasure(ws: Workspace, actor: string, n: NewMeasure): Promise<Measure> {
  if (n.id !== undefined && (await listMeasures(ws)).some((m) => m.id === n.id))
    throw new MeasureInputError(
      `measure ${n.id} already exists: change it with 'cip measures set ${n.id}'`,
      'conflict',
    );
  const exp = n.expected?.trim() ? parseExpected(n.expected) : { date: null, comment: null };
  const { measure } = await saveMeasure(
    ws,
    actor,
    {
      vulnId: n.vulnId,
      description: n.description,
      responsibleUnit: n.responsibleUnit,
      supportingUnits: (n.supportingUnits ?? []).map((u) => u.trim()).filter(Boolean),
      expectedDate: exp.date,
      expectedComment: n.expectedComment?.trim() || exp.comment,
      dependsOn: [...new Set(n.dependsOn ?? [])].sort(),
      status: 'planned',
      completedOn: null,
    },
    n.id,
  );
  return measure;
}

/** `id` depends on each of `on` (or no longer, with remove): all or nothing, cycles refused. */
export async function changeDependencies(
  ws: Workspace,
  actor: string,
  id: string,
  on: string[],
  remove = false,
): Promise<Measure> {
  if (on.length === 0) throw new MeasureInputError(`give the measures ${id} depends on`);
  return ws.transaction(async () => {
    let m = await getMeasure(ws, id);
    for (const o of on) m = remove ? await removeDependency(ws, actor, id, o) : await addDependency(ws, actor, id, o);
    return m;
  });
}

async function change(
  ws: Workspace,
  actor: string,
  id: string,
  action: string,
  edit: (m: Measure) => MeasureFields,
): Promise<Measure> {
  return ws.transaction(async () => {
    const cur = await getMeasure(ws, id);
    const next = edit(cur);
    const before = stateOf(cur);
    const after = stateOf(next);
    if (JSON.stringify(before) === JSON.stringify(after)) return cur;
    await insertVersion(ws, id, cur.version + 1, next, actor);
    await recordChange(ws, { actor, action, entityType: 'measure', entityId: id, before, after });
    return getMeasure(ws, id);
  });
}

/** `id` depends on `on`: refused when it would create a cycle. */
export async function addDependency(ws: Workspace, actor: string, id: string, on: string): Promise<Measure> {
  const all = await listMeasures(ws);
  if (!all.some((m) => m.id === on))
    throw new MeasureInputError(`no measure '${on}' (see 'cip measures list')`, 'not_found');
  assertNoCycle(all.map(toNode), id, on);
  return change(ws, actor, id, 'measures.depend', (m) => ({
    ...m,
    dependsOn: [...new Set([...m.dependsOn, on])].sort(),
  }));
}

export async function removeDependency(ws: Workspace, actor: string, id: string, on: string): Promise<Measure> {
  return change(ws, actor, id, 'measures.undepend', (m) => {
    if (!m.dependsOn.includes(on)) throw new MeasureInputError(`${id} does not depend on ${on}`);
    return { ...m, dependsOn: m.dependsOn.filter((d) => d !== on) };
  });
}

/** Marks a measure done on a date; refused while a measure it depends on is not done (or was done later). */
export async function completeMeasure(ws: Workspace, actor: string, id: string, on: string): Promise<Measure> {
  const all = await listMeasures(ws);
  assertCanComplete(all.map(toNode), id, on);
  return change(ws, actor, id, 'measures.done', (m) => ({ ...m, status: 'done', completedOn: on }));
}

/** Reopens a measure marked done by mistake (a new version; the old one stays in the history). */
export async function reopenMeasure(ws: Workspace, actor: string, id: string): Promise<Measure> {
  const all = await listMeasures(ws);
  const blocked = all.filter((m) => m.dependsOn.includes(id) && m.status === 'done').map((m) => m.id);
  if (blocked.length)
    throw new MeasureInputError(`${id} cannot be reopened: ${blocked.join(', ')} depend on it and are done`);
  return change(ws, actor, id, 'measures.reopen', (m) => ({ ...m, status: 'planned', completedOn: null }));
}
