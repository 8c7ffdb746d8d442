// Table 6: a 3 × 3 (size × risk) matrix of treatment packages, pre-filled from the note (data file), edited
// by the committee (versioned rows), applied to the operators of a segment (treatments_applied rows).
import { z } from 'zod';
import { DomainError } from '../../errors/index.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { recordChange } from '../../history/history.ts';
import { parseDate } from '../measures/store.ts';
import {
  asLanguage,
  defaultTreatmentData,
  label,
  LANGUAGES,
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

/** One cell of a treatment matrix as read: the schema is the API's answer, the type the domain's. */
export const TreatmentCellSchema = z.object({
  matrix: z.string(),
  size: z.enum(SIZES),
  risk: z.enum(RISKS),
  package: z.string(),
  intervention: z.string(),
  what: z.array(z.string()),
  how: z.string().nullable(),
  when: z.string().nullable(),
  responsibleUnit: z.string().nullable(),
  monitoringUnit: z.string().nullable(),
  /** The language of the texts above (the reader's, unless the cell has no text in it yet). */
  language: z.string(),
  /** The cell was edited in another language since this text was written: it needs translation. */
  needsTranslation: z.boolean(),
  /** The languages whose text needs translation. */
  outdated: z.array(z.enum(LANGUAGES)),
  /** 0 = the note's example from the data file, never edited in this workspace */
  version: z.number(),
  changedBy: z.string().nullable(),
});
export type TreatmentCell = z.infer<typeof TreatmentCellSchema>;

/** The texts of a cell in one language. */
interface CellText {
  package: string;
  what: string[];
  how: string | null;
  when: string | null;
}

/** A cell in every language: what a version row stores. */
interface CellState {
  texts: Partial<Record<Language, CellText>>;
  outdated: Language[];
  intervention: string;
  responsibleUnit: string | null;
  monitoringUnit: string | null;
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

/** The note's example of a cell (data file) in every language, or null when the matrix has none. */
function defaultState(matrix: string, size: Size, risk: Risk): CellState | null {
  const m = defaultTreatmentData().matrices[matrix];
  if (!m) return null;
  const row = m[size];
  const c = row[risk];
  const texts: CellState['texts'] = {};
  for (const lang of LANGUAGES)
    texts[lang] = { package: label(c.package, lang), what: c.what[lang] ?? c.what.en, how: null, when: null };
  return {
    texts,
    outdated: LANGUAGES.filter((l) => !c.what[l]),
    intervention: row.intervention,
    responsibleUnit: null,
    monitoringUnit: null,
    version: 0,
    changedBy: null,
  };
}

interface Row {
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
  texts_json: string | null;
  outdated_json: string | null;
}

function rowState(r: Row): CellState {
  const texts = (r.texts_json ? JSON.parse(r.texts_json) : {}) as CellState['texts'];
  const lang = asLanguage(r.language);
  texts[lang] ??= { package: r.package, what: JSON.parse(r.what_json) as string[], how: r.how, when: r.when_text };
  const outdated = (r.outdated_json ? JSON.parse(r.outdated_json) : []) as Language[];
  // A language without a text of its own (a cell edited before texts were kept per language) needs translation.
  for (const l of LANGUAGES) if (!texts[l] && !outdated.includes(l)) outdated.push(l);
  return {
    texts,
    outdated,
    intervention: r.intervention,
    responsibleUnit: r.responsible_unit,
    monitoringUnit: r.monitoring_unit,
    version: r.version,
    changedBy: r.changed_by,
  };
}

/** The cell as a reader of `lang` sees it: their language's text, else the text the cell was last written in. */
function view(matrix: string, size: Size, risk: Risk, st: CellState, lang: Language): TreatmentCell {
  const shown = st.texts[lang] ? lang : (LANGUAGES.find((l) => st.texts[l] && !st.outdated.includes(l)) ?? 'en');
  const t = st.texts[shown] ?? Object.values(st.texts)[0]!;
  return {
    matrix,
    size,
    risk,
    ...t,
    intervention: st.intervention,
    responsibleUnit: st.responsibleUnit,
    monitoringUnit: st.monitoringUnit,
    language: shown,
    needsTranslation: st.outdated.includes(lang),
    outdated: st.outdated,
    version: st.version,
    changedBy: st.changedBy,
  };
}

async function matrixStates(ws: Workspace, matrix: string): Promise<{ size: Size; risk: Risk; st: CellState }[]> {
  const rows = await ws.all<Row>(
    `SELECT * EXCLUDE (rn, changed_at) FROM (
       SELECT *, row_number() OVER (PARTITION BY size_segment, risk_level ORDER BY version DESC) AS rn
       FROM plan_treatment_cells WHERE matrix = $m) WHERE rn = 1`,
    { m: matrix },
  );
  const out: { size: Size; risk: Risk; st: CellState }[] = [];
  for (const size of SIZES) {
    for (const risk of RISKS) {
      const r = rows.find((x) => x.size_segment === size && x.risk_level === risk);
      const st = r
        ? rowState(r)
        : (defaultState(matrix, size, risk) ?? (matrix !== 'general' ? defaultState('general', size, risk) : null));
      if (st) out.push({ size, risk, st });
    }
  }
  return out;
}

/** The 9 cells of a matrix in `lang` (default: the workspace's): the latest edit of each cell, else the note's example. */
export async function getMatrix(ws: Workspace, matrix = 'general', lang?: Language): Promise<TreatmentCell[]> {
  const language = lang ?? (await workspaceLanguage(ws));
  return (await matrixStates(ws, matrix)).map(({ size, risk, st }) => view(matrix, size, risk, st, language));
}

const stateOf = (st: CellState) => ({
  texts: st.texts,
  outdated: st.outdated,
  intervention: st.intervention,
  responsible_unit: st.responsibleUnit,
  monitoring_unit: st.monitoringUnit,
});

/**
 * Edits one cell in `lang` (the editor's; default: the workspace's): a new version row and a history entry in one
 * transaction. Changing the text marks the other languages as needing translation; editing a language that needed
 * translation (even saving it unchanged) is its translation and clears its mark.
 */
export async function setCell(
  ws: Workspace,
  actor: string,
  matrix: string,
  size: Size,
  risk: Risk,
  patch: CellPatch,
  lang?: Language,
): Promise<{ cell: TreatmentCell; changed: boolean }> {
  if (patch.intervention !== undefined && !(INTERVENTIONS as readonly string[]).includes(patch.intervention)) {
    throw new TreatmentInputError(`intervention '${patch.intervention}': expected one of ${INTERVENTIONS.join(', ')}`);
  }
  if (patch.package !== undefined && !patch.package.trim()) throw new TreatmentInputError('package name is empty');
  const language = lang ?? (await workspaceLanguage(ws));
  return ws.transaction(async () => {
    const cur = (await matrixStates(ws, matrix)).find((c) => c.size === size && c.risk === risk)!.st;
    const shown = view(matrix, size, risk, cur, language);
    let what = patch.what ?? shown.what;
    if (patch.removeWhat?.length) {
      for (const r of patch.removeWhat) {
        if (!what.includes(r))
          throw new TreatmentInputError(`'${r}' is not a treatment of ${size}/${risk} (it has: ${what.join('; ')})`);
      }
      what = what.filter((w) => !patch.removeWhat!.includes(w));
    }
    if (patch.addWhat?.length) what = [...what, ...patch.addWhat.filter((a) => !what.includes(a))];
    const text: CellText = {
      package: patch.package ?? shown.package,
      what,
      how: patch.how ?? shown.how,
      when: patch.when ?? shown.when,
    };
    const before = cur.texts[language];
    const textChanged = JSON.stringify(text) !== JSON.stringify(before ?? null);
    const translating = cur.outdated.includes(language);
    const touched = translating || textChanged;
    const outdated = !touched
      ? cur.outdated
      : translating
        ? cur.outdated.filter((l) => l !== language)
        : LANGUAGES.filter((l) => l !== language);
    const next: CellState = {
      ...cur,
      texts: touched ? { ...cur.texts, [language]: text } : cur.texts,
      outdated,
      intervention: patch.intervention ?? cur.intervention,
      responsibleUnit: patch.responsibleUnit ?? cur.responsibleUnit,
      monitoringUnit: patch.monitoringUnit ?? cur.monitoringUnit,
    };
    if (JSON.stringify(stateOf(next)) === JSON.stringify(stateOf(cur)))
      return { cell: view(matrix, size, risk, cur, language), changed: false };
    const version = cur.version + 1;
    const mine = next.texts[language] ?? shown;
    await ws.run(
      `INSERT INTO plan_treatment_cells (matrix, size_segment, risk_level, version, language, package, intervention,
         what_json, how, when_text, responsible_unit, monitoring_unit, changed_by, changed_at, texts_json, outdated_json)
       VALUES ($m, $s, $r, $v, $lang, $p, $i, $w, $how, $when, $ru, $mu, $actor, now(), $texts, $outdated)`,
      {
        m: matrix,
        s: size,
        r: risk,
        v: version,
        lang: language,
        p: mine.package,
        i: next.intervention,
        w: JSON.stringify(mine.what),
        how: mine.how,
        when: mine.when,
        ru: next.responsibleUnit,
        mu: next.monitoringUnit,
        actor,
        texts: JSON.stringify(next.texts),
        outdated: JSON.stringify(next.outdated),
      },
    );
    await recordChange(ws, {
      actor,
      action: 'treatments.set',
      entityType: 'treatment_cell',
      entityId: `${matrix}:${size}/${risk}`,
      before: stateOf(cur),
      after: { ...stateOf(next), language },
    });
    return { cell: view(matrix, size, risk, { ...next, version, changedBy: actor }, language), changed: true };
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
