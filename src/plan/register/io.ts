// Register files: YAML (vulnerabilities with their measures and indicators) and CSV (vulnerabilities, one row
// each). What is exported imports back unchanged: export → import → export gives the same bytes.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Scalar, parseDocument, stringify } from 'yaml';
import type { Workspace } from '../../workspace/workspace.ts';
import { registerScales } from '../config.ts';
import { RegisterInputError, type VulnerabilityInput } from './parse.ts';
import { listVulnerabilities, normalise, saveVulnerability, type Vulnerability } from './store.ts';
import { listMeasures, parseExpected, saveMeasure, type Measure, type MeasureFields } from '../measures/store.ts';
import { listIndicators, recordIndicatorValue, saveIndicator, type Indicator } from '../measures/indicators.ts';
import { csvCell, unsafeCell } from '../../exports/cells.ts';

const HEADER = '# CIP vulnerability register (Table 7, Annex 2). Computed fields (score) are ignored on import.\n';

/** Process codes stay strings in YAML ('1.10' must not become the number 1.1). */
function quoted(s: string): Scalar {
  const n = new Scalar(s);
  n.type = Scalar.QUOTE_DOUBLE;
  return n;
}

function measureDoc(m: Measure) {
  return {
    id: m.id,
    description: m.description,
    responsible_unit: m.responsibleUnit,
    supporting_units: m.supportingUnits,
    expected: m.expectedDate ?? m.expectedComment,
    ...(m.expectedDate && m.expectedComment ? { expected_comment: m.expectedComment } : {}),
    depends_on: m.dependsOn,
    status: m.status,
    completed_on: m.completedOn,
  };
}

function indicatorDoc(i: Indicator) {
  return {
    id: i.id,
    measure: i.measureId,
    name: i.name,
    numerator: i.numeratorLabel,
    denominator: i.denominatorLabel,
    goal: i.goal,
    values: i.values.map((v) => ({
      period: v.period,
      numerator: v.numerator,
      denominator: v.denominator,
      value: v.value,
    })),
  };
}

function vulnDoc(v: Vulnerability, measures: Measure[], indicators: Indicator[]) {
  return {
    id: v.id,
    process_code: quoted(v.processCode),
    description: v.description,
    institutional_risk: v.institutionalRisk,
    compliance_risks: v.complianceRisks,
    effects: v.effects,
    occurrence: Object.fromEntries(v.occurrence),
    score: {
      expected_effect: v.score.expectedEffect,
      probability: v.score.probability,
      priority: v.score.priority,
      priority_level: v.score.priorityLevel,
    },
    measures: measures.filter((m) => m.vulnId === v.id).map(measureDoc),
    indicators: indicators.filter((i) => i.vulnId === v.id).map(indicatorDoc),
  };
}

export async function exportYaml(ws: Workspace): Promise<string> {
  const [vulns, measures, indicators] = await Promise.all([
    listVulnerabilities(ws),
    listMeasures(ws),
    listIndicators(ws),
  ]);
  return HEADER + stringify({ vulnerabilities: vulns.map((v) => vulnDoc(v, measures, indicators)) }, { lineWidth: 0 });
}

// ---------- CSV ----------

export async function exportCsv(ws: Workspace): Promise<string> {
  const scales = await registerScales(ws);
  const vulns = await listVulnerabilities(ws);
  const periods: string[] = [];
  for (const v of vulns) for (const [p] of v.occurrence) if (!periods.includes(p)) periods.push(p);
  const header = [
    'id',
    'process_code',
    'description',
    'institutional_risk',
    'compliance_risks',
    ...scales.objectives.map((o) => o.code),
    ...periods.map((p) => `occurrence:${p}`),
    'expected_effect',
    'probability',
    'priority',
    'priority_level',
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const v of vulns) {
    const occ = new Map(v.occurrence);
    lines.push(
      [
        v.id,
        v.processCode,
        v.description,
        v.institutionalRisk,
        v.complianceRisks.join(';'),
        ...scales.objectives.map((o) => v.effects[o.code]),
        ...periods.map((p) => occ.get(p) ?? ''),
        v.score.expectedEffect,
        v.score.probability,
        v.score.priority,
        v.score.priorityLevel,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

const COMPUTED = new Set(['expected_effect', 'probability', 'priority', 'priority_level']);

/** Reads the CSV with DuckDB (all columns as text) and turns each row into a register input. */
async function readCsv(ws: Workspace, file: string): Promise<{ row: number; input: VulnerabilityInput }[]> {
  const scales = await registerScales(ws);
  let rows: Record<string, string | null>[];
  try {
    rows = await ws.all<Record<string, string | null>>(
      `SELECT * FROM read_csv($f, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
      { f: file },
    );
  } catch (e) {
    throw new RegisterInputError(`${basename(file)}: cannot read as CSV: ${(e as Error).message.split('\n')[0]}`);
  }
  if (rows.length === 0) return [];
  // Text the export neutralised ('=…' written as "'=…") reads back as it was.
  rows = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? v : unsafeCell(v)])));
  const cols = Object.keys(rows[0]);
  const required = [
    'process_code',
    'description',
    'institutional_risk',
    'compliance_risks',
    ...scales.objectives.map((o) => o.code),
  ];
  const missing = required.filter((c) => !cols.includes(c));
  if (missing.length) throw new RegisterInputError(`${basename(file)}: missing column(s) ${missing.join(', ')}`);
  const known = new Set(['id', ...required, ...COMPUTED]);
  const unknown = cols.filter((c) => !known.has(c) && !c.startsWith('occurrence:'));
  if (unknown.length)
    throw new RegisterInputError(
      `${basename(file)}: unknown column(s) ${unknown.join(', ')} (expected ${[...known].join(', ')}, occurrence:<period>)`,
    );
  const occCols = cols.filter((c) => c.startsWith('occurrence:'));
  return rows.map((r, i) => ({
    row: i + 1,
    input: {
      id: r.id?.trim() || undefined,
      processCode: r.process_code ?? '',
      description: r.description ?? '',
      institutionalRisk: r.institutional_risk ?? '',
      complianceRisks: r.compliance_risks ?? '',
      effects: Object.fromEntries(scales.objectives.map((o) => [o.code, r[o.code] ?? ''])),
      occurrence: occCols
        .filter((c) => (r[c] ?? '').trim() !== '')
        .map((c) => [c.slice('occurrence:'.length), r[c]!.trim()]),
    },
  }));
}

// ---------- import ----------

interface YamlMeasure {
  id?: string;
  description?: string;
  responsible_unit?: string;
  supporting_units?: string[] | string;
  expected?: string | null;
  expected_comment?: string | null;
  depends_on?: string[];
  status?: string;
  completed_on?: string | null;
}
interface YamlIndicator {
  id?: string;
  measure?: string | null;
  name?: string;
  numerator?: string;
  denominator?: string;
  goal?: number | null;
  values?: { period: string | number; numerator: number; denominator: number }[];
}

export interface ImportResult {
  file: string;
  vulnerabilities: { read: number; changed: number };
  measures: { read: number; changed: number };
  indicators: { read: number; changed: number };
}

/** Imports a YAML or CSV register file: everything is validated first, then written in one transaction. */
export async function importRegister(ws: Workspace, actor: string, file: string): Promise<ImportResult> {
  const name = basename(file);
  const scales = await registerScales(ws);
  let vulns: { where: string; input: VulnerabilityInput }[];
  let docs: { measures?: YamlMeasure[]; indicators?: YamlIndicator[]; id?: string }[] = [];
  if (/\.csv$/i.test(file)) {
    vulns = (await readCsv(ws, file)).map((r) => ({ where: `${name} row ${r.row}`, input: r.input }));
  } else if (/\.ya?ml$/i.test(file)) {
    let doc: { vulnerabilities?: Record<string, unknown>[] };
    const yd = parseDocument(readFileSync(file, 'utf8'), { keepSourceTokens: true });
    if (yd.errors.length)
      throw new RegisterInputError(`${name}: not valid YAML: ${yd.errors[0].message.split('\n')[0]}`);
    doc = (yd.toJS() ?? {}) as typeof doc;
    // A process code written unquoted (1.10) is read by YAML as a number; take its source text instead.
    const rawCode = (i: number, v: unknown): string => {
      const node = yd.getIn(['vulnerabilities', i, 'process_code'], true) as Scalar | undefined;
      const src = node?.srcToken && 'source' in node.srcToken ? String(node.srcToken.source) : undefined;
      return typeof v === 'number' && src ? src : String(v ?? '');
    };
    if (!Array.isArray(doc.vulnerabilities))
      throw new RegisterInputError(`${name}: expected a top-level 'vulnerabilities:' list`);
    docs = doc.vulnerabilities as typeof docs;
    vulns = doc.vulnerabilities.map((v, i) => ({
      where: `${name} vulnerabilities[${i}]`,
      input: {
        id: v.id === undefined ? undefined : String(v.id),
        processCode: rawCode(i, v.process_code),
        description: String(v.description ?? ''),
        institutionalRisk: String(v.institutional_risk ?? ''),
        complianceRisks: (v.compliance_risks ?? []) as string[],
        effects: (v.effects ?? {}) as Record<string, unknown>,
        occurrence: (v.occurrence ?? []) as Record<string, unknown>,
      },
    }));
  } else {
    throw new RegisterInputError(`${name}: unknown file type (expected .yaml, .yml or .csv)`);
  }
  // Validate everything before writing anything.
  vulns.forEach((v) => normalise(scales, v.input, v.where));
  const measures: { where: string; id?: string; fields: MeasureFields }[] = [];
  const indicators: { where: string; id?: string; vulnIdx: number; doc: YamlIndicator }[] = [];
  docs.forEach((d, vi) => {
    (d.measures ?? []).forEach((m, mi) => {
      const where = `${name} vulnerabilities[${vi}].measures[${mi}]`;
      if (!d.id) throw new RegisterInputError(`${where}: the vulnerability needs an id to carry measures`);
      const exp =
        m.expected === null || m.expected === undefined
          ? { date: null, comment: null }
          : parseExpected(String(m.expected));
      if (m.status !== undefined && m.status !== 'planned' && m.status !== 'done')
        throw new RegisterInputError(`${where}.status: '${m.status}', expected planned or done`);
      measures.push({
        where,
        id: m.id,
        fields: {
          vulnId: String(d.id),
          description: String(m.description ?? ''),
          responsibleUnit: String(m.responsible_unit ?? ''),
          supportingUnits: Array.isArray(m.supporting_units)
            ? m.supporting_units.map(String)
            : String(m.supporting_units ?? '')
                .split(/[;,]/)
                .map((s) => s.trim())
                .filter(Boolean),
          expectedDate: exp.date,
          expectedComment: m.expected_comment ?? exp.comment,
          dependsOn: (m.depends_on ?? []).map(String),
          status: (m.status ?? 'planned') as 'planned' | 'done',
          completedOn: m.completed_on ? String(m.completed_on) : null,
        },
      });
    });
    (d.indicators ?? []).forEach((ind, ii) =>
      indicators.push({ where: `${name} vulnerabilities[${vi}].indicators[${ii}]`, id: ind.id, vulnIdx: vi, doc: ind }),
    );
  });
  // Measures in dependency order (dependencies first), so each can be checked as it is saved.
  const ordered: typeof measures = [];
  const pending = new Map(measures.map((m) => [m.id ?? m.where, m]));
  const visiting = new Set<string>();
  const place = (key: string, chain: string[]) => {
    const m = pending.get(key);
    if (!m) return;
    if (visiting.has(key)) throw new RegisterInputError(`${m.where}: dependency cycle ${[...chain, key].join(' → ')}`);
    visiting.add(key);
    for (const d of m.fields.dependsOn) place(d, [...chain, key]);
    pending.delete(key);
    ordered.push(m);
  };
  for (const key of [...pending.keys()]) place(key, []);

  const result: ImportResult = {
    file: name,
    vulnerabilities: { read: vulns.length, changed: 0 },
    measures: { read: measures.length, changed: 0 },
    indicators: { read: indicators.length, changed: 0 },
  };
  await ws.transaction(async () => {
    for (const v of vulns)
      if ((await saveVulnerability(ws, actor, v.input, v.where)).changed) result.vulnerabilities.changed++;
    for (const m of ordered) {
      try {
        if ((await saveMeasure(ws, actor, m.fields, m.id)).changed) result.measures.changed++;
      } catch (e) {
        throw new RegisterInputError(`${m.where}: ${(e as Error).message}`);
      }
    }
    for (const i of indicators) {
      const vulnId = String(docs[i.vulnIdx].id);
      try {
        const saved = await saveIndicator(
          ws,
          actor,
          {
            vulnId,
            measureId: i.doc.measure ?? null,
            name: String(i.doc.name ?? ''),
            numeratorLabel: String(i.doc.numerator ?? ''),
            denominatorLabel: String(i.doc.denominator ?? ''),
            goal: i.doc.goal ?? null,
          },
          i.id,
        );
        let changed = saved.changed;
        for (const val of i.doc.values ?? []) {
          if (
            (
              await recordIndicatorValue(
                ws,
                actor,
                saved.indicator.id,
                String(val.period),
                Number(val.numerator),
                Number(val.denominator),
              )
            ).changed
          )
            changed = true;
        }
        if (changed) result.indicators.changed++;
      } catch (e) {
        throw new RegisterInputError(`${i.where}: ${(e as Error).message}`);
      }
    }
  });
  return result;
}
