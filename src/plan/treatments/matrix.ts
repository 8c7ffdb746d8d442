// Table 6: a 3 × 3 (size × risk) matrix of treatment packages, pre-filled from the note (data file), edited
// by the committee (versioned rows), applied to the operators of a segment (treatments_applied rows).
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { recordChange } from '../../history/history.ts';
import { parseDate } from '../measures/store.ts';
import {
  defaultTreatmentData,
  label,
  lookupCode,
  registerScales,
  workspaceLanguage,
  type Language,
} from '../config.ts';

export const SIZES = ['large', 'medium', 'small'] as const;
export const RISKS = ['high', 'medium', 'low'] as const;
export type Size = (typeof SIZES)[number];
export type Risk = (typeof RISKS)[number];
export const INTERVENTIONS = ['one_to_one', 'one_to_several', 'one_to_many'] as const;

export class TreatmentInputError extends DomainError {}

export interface TreatmentCell {
  matrix: string;
  size: Size;
  risk: Risk;
  package: string;
  intervention: string;
  what: string[];
  how: string | null;
  when: string | null;
  responsibleUnit: string | null;
  monitoringUnit: string | null;
  language: string;
  /** 0 = the note's example from the data file, never edited in this workspace */
  version: number;
  changedBy: string | null;
}

export type CellPatch = Partial<
  Pick<TreatmentCell, 'package' | 'intervention' | 'what' | 'how' | 'when' | 'responsibleUnit' | 'monitoringUnit'>
> & {
  addWhat?: string[];
  removeWhat?: string[];
};

/** 'general' or 'risk:<code>' with the code resolved through the compliance-risk catalogue. */
export async function resolveMatrix(ws: Workspace, input: string | undefined): Promise<string> {
  if (!input || input === 'general') return 'general';
  const raw = input.startsWith('risk:') ? input.slice(5) : input;
  const hit = lookupCode((await registerScales(ws)).compliance_risks, raw);
  if (!hit) throw new TreatmentInputError(`unknown compliance risk '${raw}' for a treatment matrix`);
  return `risk:${hit.code}`;
}

export function parseSize(v: string): Size {
  const s = v.trim().toLowerCase();
  if (!(SIZES as readonly string[]).includes(s))
    throw new TreatmentInputError(`size '${v}': expected large, medium or small`);
  return s as Size;
}

export function parseRisk(v: string): Risk {
  const s = v.trim().toLowerCase();
  if (!(RISKS as readonly string[]).includes(s))
    throw new TreatmentInputError(`risk level '${v}': expected high, medium or low`);
  return s as Risk;
}

function defaultCell(matrix: string, size: Size, risk: Risk, lang: Language): TreatmentCell | null {
  const m = defaultTreatmentData().matrices[matrix];
  if (!m) return null;
  const row = m[size];
  const c = row[risk];
  return {
    matrix,
    size,
    risk,
    package: label(c.package, lang),
    intervention: row.intervention,
    what: c.what[lang] ?? c.what.en,
    how: null,
    when: null,
    responsibleUnit: null,
    monitoringUnit: null,
    language: c.what[lang] ? lang : 'en',
    version: 0,
    changedBy: null,
  };
}

interface Row {
  matrix: string;
  size_segment: Size;
  risk_level: Risk;
  version: number;
  language: string;
  package: string;
  intervention: string;
  what_json: string;
  how: string | null;
  when_text: string | null;
  responsible_unit: string | null;
  monitoring_unit: string | null;
  changed_by: string;
}

/** The 9 cells of a matrix: the latest edit of each cell, else the note's example in the workspace language. */
export async function getMatrix(ws: Workspace, matrix = 'general', lang?: Language): Promise<TreatmentCell[]> {
  const language = lang ?? (await workspaceLanguage(ws));
  const rows = await ws.all<Row>(
    `SELECT * EXCLUDE (rn, changed_at) FROM (
       SELECT *, row_number() OVER (PARTITION BY size_segment, risk_level ORDER BY version DESC) AS rn
       FROM plan_treatment_cells WHERE matrix = $m) WHERE rn = 1`,
    { m: matrix },
  );
  const out: TreatmentCell[] = [];
  for (const size of SIZES) {
    for (const risk of RISKS) {
      const r = rows.find((x) => x.size_segment === size && x.risk_level === risk);
      if (r) {
        out.push({
          matrix,
          size,
          risk,
          package: r.package,
          intervention: r.intervention,
          what: JSON.parse(r.what_json) as string[],
          how: r.how,
          when: r.when_text,
          responsibleUnit: r.responsible_unit,
          monitoringUnit: r.monitoring_unit,
          language: r.language,
          version: r.version,
          changedBy: r.changed_by,
        });
        continue;
      }
      const d =
        defaultCell(matrix, size, risk, language) ??
        (matrix !== 'general' ? defaultCell('general', size, risk, language) : null);
      if (d) out.push({ ...d, matrix });
    }
  }
  return out;
}

const stateOf = (c: TreatmentCell) => ({
  package: c.package,
  intervention: c.intervention,
  what: c.what,
  how: c.how,
  when: c.when,
  responsible_unit: c.responsibleUnit,
  monitoring_unit: c.monitoringUnit,
  language: c.language,
});

/** Edits one cell: a new version row and a history entry in one transaction. */
export async function setCell(
  ws: Workspace,
  actor: string,
  matrix: string,
  size: Size,
  risk: Risk,
  patch: CellPatch,
): Promise<{ cell: TreatmentCell; changed: boolean }> {
  if (patch.intervention !== undefined && !(INTERVENTIONS as readonly string[]).includes(patch.intervention)) {
    throw new TreatmentInputError(`intervention '${patch.intervention}': expected one of ${INTERVENTIONS.join(', ')}`);
  }
  if (patch.package !== undefined && !patch.package.trim()) throw new TreatmentInputError('package name is empty');
  return ws.transaction(async () => {
    const cur = (await getMatrix(ws, matrix)).find((c) => c.size === size && c.risk === risk)!;
    let what = patch.what ?? cur.what;
    if (patch.removeWhat?.length) {
      for (const r of patch.removeWhat) {
        if (!what.includes(r))
          throw new TreatmentInputError(`'${r}' is not a treatment of ${size}/${risk} (it has: ${what.join('; ')})`);
      }
      what = what.filter((w) => !patch.removeWhat!.includes(w));
    }
    if (patch.addWhat?.length) what = [...what, ...patch.addWhat.filter((a) => !what.includes(a))];
    const next: TreatmentCell = {
      ...cur,
      package: patch.package ?? cur.package,
      intervention: patch.intervention ?? cur.intervention,
      what,
      how: patch.how ?? cur.how,
      when: patch.when ?? cur.when,
      responsibleUnit: patch.responsibleUnit ?? cur.responsibleUnit,
      monitoringUnit: patch.monitoringUnit ?? cur.monitoringUnit,
    };
    if (JSON.stringify(stateOf(next)) === JSON.stringify(stateOf(cur))) return { cell: cur, changed: false };
    const version = cur.version + 1;
    await ws.run(
      `INSERT INTO plan_treatment_cells VALUES ($m, $s, $r, $v, $lang, $p, $i, $w, $how, $when, $ru, $mu, $actor, now())`,
      {
        m: matrix,
        s: size,
        r: risk,
        v: version,
        lang: next.language,
        p: next.package,
        i: next.intervention,
        w: JSON.stringify(next.what),
        how: next.how,
        when: next.when,
        ru: next.responsibleUnit,
        mu: next.monitoringUnit,
        actor,
      },
    );
    await recordChange(ws, {
      actor,
      action: 'treatments.set',
      entityType: 'treatment_cell',
      entityId: `${matrix}:${size}/${risk}`,
      before: stateOf(cur),
      after: stateOf(next),
    });
    return { cell: { ...next, version, changedBy: actor }, changed: true };
  });
}

export interface ApplyResult {
  matrix: string;
  segment: string;
  treatment: string;
  startDate: string;
  operatorsInSegment: number;
  recorded: number;
  alreadyRecorded: number;
}

/** The name recorded in treatments_applied (what `cip effect --treatment` asks for). */
export const treatmentName = (c: TreatmentCell) =>
  `${c.matrix === 'general' ? '' : c.matrix + ' '}${c.size}/${c.risk}: ${c.package}`;

/**
 * Records the cell's package as applied to every operator of the segment (from operator_segments, or
 * operator_risk_segments for a risk matrix), from `startDate`. Idempotent: rows already there are kept.
 */
export async function applyCell(
  ws: Workspace,
  actor: string,
  matrix: string,
  size: Size,
  risk: Risk,
  startDate: string,
  opts: { name?: string; dryRun?: boolean } = {},
): Promise<ApplyResult> {
  startDate = parseDate(startDate, 'start date');
  const cell = (await getMatrix(ws, matrix)).find((c) => c.size === size && c.risk === risk)!;
  const treatment = opts.name?.trim() || treatmentName(cell);
  const segment = `${size}/${risk}`;
  const riskCode = matrix === 'general' ? null : matrix.slice(5);
  const source =
    riskCode === null
      ? `SELECT operator_id FROM operator_segments WHERE size_segment = $size AND risk_level = $risk`
      : `SELECT operator_id FROM operator_risk_segments WHERE risk = $rc AND size_segment = $size AND risk_level = $risk`;
  const params = { size, risk, ...(riskCode === null ? {} : { rc: riskCode }) };
  const segRows = await ws.scalar<number>(
    riskCode === null
      ? 'SELECT count(*) FROM operator_segments'
      : 'SELECT count(*) FROM operator_risk_segments WHERE risk = $rc',
    riskCode === null ? {} : { rc: riskCode },
  );
  if (!segRows) {
    throw new TreatmentInputError(
      riskCode === null
        ? "no segmentation in this workspace yet: run 'cip gri compute' first"
        : `no risk-specific segmentation for '${riskCode}': run 'cip gri compute --risk ${riskCode}' first`,
    );
  }
  const inSegment = await ws.scalar<number>(`SELECT count(*) FROM (${source})`, params);
  if (!inSegment)
    throw new TreatmentInputError(
      `segment ${segment} has no operators in the latest segmentation; nothing recorded`,
      'conflict',
    );
  const already = await ws.scalar<number>(
    `SELECT count(*) FROM (${source}) s WHERE EXISTS (SELECT 1 FROM treatments_applied t WHERE t.operator_id = s.operator_id AND t.treatment = $t AND t.start_date = $d::DATE)`,
    { ...params, t: treatment, d: startDate },
  );
  const result: ApplyResult = {
    matrix,
    segment,
    treatment,
    startDate,
    operatorsInSegment: inSegment,
    recorded: inSegment - already,
    alreadyRecorded: already,
  };
  if (opts.dryRun || result.recorded === 0) return result;
  await ws.transaction(async () => {
    await ws.run(
      `INSERT INTO treatments_applied (operator_id, treatment, start_date, segment, applied_by, applied_at)
       SELECT s.operator_id, $t, $d::DATE, $seg, $actor, now() FROM (${source}) s
       WHERE NOT EXISTS (SELECT 1 FROM treatments_applied t WHERE t.operator_id = s.operator_id AND t.treatment = $t AND t.start_date = $d::DATE)`,
      { ...params, t: treatment, d: startDate, seg: segment, actor },
    );
    await recordChange(ws, {
      actor,
      action: 'treatments.apply',
      entityType: 'treatment_cell',
      entityId: `${matrix}:${segment}`,
      after: { treatment, start_date: startDate, operators: result.recorded, package: cell.package, what: cell.what },
    });
  });
  return result;
}
