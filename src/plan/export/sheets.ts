// The note's tables as plain sheet specifications (stable sheet and column codes, typed cells), built from
// PlanData. The Excel writer formats them; the Word writer reuses some; the reader maps them back by code.
import { label } from '../config.ts';
import type { PlanData } from './gather.ts';
import { ExportText, PLAN_LABELS } from './labels.ts';
import type { XlsxType } from './xlsx-style.ts';

export type CellType = XlsxType;
export type Cell = string | number | boolean | null;
export interface Column {
  code: string;
  type: CellType;
  label: string;
  width?: number;
  /** the type of this column's cell in a given row, when it depends on the row (Box 2 values by unit) */
  typeOf?: (row: Record<string, Cell>) => CellType;
}
export interface Sheet {
  code: string;
  /** the sheet's name in the reader's language (≤ 31 characters) */
  tab: string;
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

function cols(T: ExportText, spec: [code: string, type: CellType, labelKey?: string, width?: number][]): Column[] {
  return spec.map(([code, type, key, width]) => {
    const base = key ?? code.split(':')[0];
    const suffix = code.includes(':') ? ` ${code.split(':').slice(1).join(':')}` : '';
    return { code, type, label: (T.has('columns', base) ? T.col(base) : base) + suffix, width };
  });
}

/** Excel formats of a Box 2 value by the indicator's unit (ratios as %, never raw fractions). */
const KPI_TYPES: Record<string, CellType> = { ratio: 'ratio', hours: 'hours', count: 'int', amount: 'money' };

export function buildSheets(p: PlanData): Sheet[] {
  const T = new ExportText(PLAN_LABELS, p.language);
  const sheets: Sheet[] = [];
  const add = (code: string, columns: Column[], rows: Record<string, Cell>[], suffix = '') => {
    const [base, risk] = [code.split('-')[0], code.split('-').slice(1).join('-')];
    const isKnown = T.has('sheets', code) || !risk;
    const riskName = label(p.scales.compliance_risks.find((c) => c.code === risk)?.labels ?? { en: risk }, p.language);
    const tab = isKnown ? T.tab(code) : `${T.tab(base)} ${riskName}`;
    sheets.push({ code, tab, title: T.sheet(isKnown ? code : base) + suffix, columns, rows });
  };
  const lvl = (code: string | null) => code;

  if (p.table1) {
    add(
      'T1',
      cols(T, [
        ['size', 'text'],
        ['operators', 'int'],
        ['pct_operators', 'pct'],
        ['value', 'money'],
        ['pct_value', 'pct'],
      ]),
      p.table1.rows.map((r) => ({
        size: r.size,
        operators: r.operators,
        pct_operators: r.pctOperators,
        value: r.value,
        pct_value: r.pctValue,
      })),
      ` (${p.table1.window.first} – ${p.table1.window.end}, ${p.table1.basis})`,
    );
  }
  if (p.run) {
    const t3 = p.run.scoring.table3;
    const fam = new Map(p.run.indicators.map((i) => [i.code, i.family]));
    add(
      'T3',
      cols(T, [
        ['indicator_code', 'text'],
        ['family', 'text'],
        ['ones', 'int'],
        ['share', 'num'],
        ['significant', 'text'],
        ['weight', 'num'],
      ]),
      p.run.scoring.weights.map((w) => {
        const r = t3?.rows.find((x) => x.code === w.code);
        return {
          indicator_code: w.code,
          family: fam.get(w.code) ?? null,
          ones: r?.ones ?? null,
          share: r?.share ?? null,
          significant: r ? (r.significant ? 'Y' : 'N') : null,
          weight: w.weight,
        };
      }),
      ` — ${p.run.scoring.method}`,
    );
  }
  for (const [code, t] of [
    ['T4', p.table4],
    ['T4X', p.extended],
  ] as const) {
    if (!t) continue;
    const spec: [string, CellType][] = [
      ['size', 'text'],
      ['level', 'level'],
      ['operators', 'int'],
      ['pct_operators', 'pct'],
      ['value', 'money'],
      ['pct_value', 'pct'],
    ];
    if (code === 'T4X')
      spec.push(
        ['vat', 'money'],
        ['duty', 'money'],
        ['excise', 'money'],
        ['repeat_offenders', 'int'],
        ['without_control', 'int'],
      );
    add(
      code,
      cols(T, spec),
      t.rows.map((r) => ({
        size: r.size,
        level: r.level,
        operators: r.operators,
        pct_operators: r.pctOperators,
        value: r.value,
        pct_value: r.pctValue,
        ...(code === 'T4X'
          ? {
              vat: r.vat ?? 0,
              duty: r.duty ?? 0,
              excise: r.excise ?? 0,
              repeat_offenders: r.repeatOffenders ?? 0,
              without_control: r.withoutControl ?? 0,
            }
          : {}),
      })),
    );
  }
  if (p.table5.length) {
    add(
      'T5',
      cols(T, [
        ['hs', 'text'],
        ['size', 'text'],
        ['level', 'level'],
        ['importers', 'int'],
        ['tin', 'text'],
        ['gri', 'num'],
        ['value', 'money'],
      ]),
      p.table5.flatMap((t) =>
        t.rows.map((r) => ({
          hs: t.hsCode,
          size: r.size,
          level: r.level,
          importers: r.importers,
          tin: r.tin,
          gri: r.gri,
          value: r.value,
        })),
      ),
    );
  }
  add(
    'T6',
    cols(T, [
      ['size', 'text'],
      ['risk', 'level'],
      ['package', 'text', undefined, 24],
      ['intervention', 'text'],
      ['what', 'text', undefined, 60],
      ['how', 'text'],
      ['when', 'text'],
      ['responsible', 'text'],
      ['monitoring', 'text'],
    ]),
    p.matrix.map((c) => ({
      size: c.size,
      risk: c.risk,
      package: c.package,
      intervention: c.intervention,
      what: c.what.join('\n'),
      how: c.how,
      when: c.when,
      responsible: c.responsibleUnit,
      monitoring: c.monitoringUnit,
    })),
  );

  const vulnCols: [string, CellType, string?, number?][] = [
    ['vuln_id', 'text'],
    ['process_code', 'text'],
    ['description', 'text', undefined, 40],
    ['institutional_risk', 'text'],
    ['compliance_risks', 'text'],
  ];
  const vulnCells = (v: PlanData['vulnerabilities'][number]) => ({
    vuln_id: v.id,
    process_code: v.processCode,
    description: v.description,
    institutional_risk: v.institutionalRisk,
    compliance_risks: v.complianceRisks.join(', '),
  });
  const t7 = (vulns: PlanData['vulnerabilities']) =>
    vulns.flatMap((v) => {
      const ms = p.measures.filter((m) => m.vulnId === v.id);
      const is = p.indicators.filter((i) => i.vulnId === v.id);
      const n = Math.max(1, ms.length, is.length);
      return Array.from({ length: n }, (_, k) => ({
        ...vulnCells(v),
        expected_effect: v.score.expectedEffect,
        probability: v.score.probability,
        probability_level: lvl(v.score.probabilityLevel),
        priority: v.score.priority,
        priority_level: lvl(v.score.priorityLevel),
        measure_id: ms[k]?.id ?? null,
        measure: ms[k]?.description ?? null,
        responsible: ms[k]?.responsibleUnit ?? null,
        expected: ms[k] ? (ms[k].expectedDate ?? ms[k].expectedComment) : null,
        indicator_id: is[k]?.id ?? null,
        indicator: is[k]?.name ?? null,
      }));
    });
  const t7Cols = cols(T, [
    ...vulnCols,
    ['expected_effect', 'int'],
    ['probability', 'int'],
    ['probability_level', 'level'],
    ['priority', 'int'],
    ['priority_level', 'level'],
    ['measure_id', 'text'],
    ['measure', 'text', undefined, 40],
    ['responsible', 'text'],
    ['expected', 'text'],
    ['indicator_id', 'text'],
    ['indicator', 'text', undefined, 30],
  ]);
  add('T7', t7Cols, t7(p.vulnerabilities));

  const obj = p.scales.objectives;
  add(
    'A2.1',
    cols(T, [
      ...vulnCols,
      ...obj.map((o) => [`effect:${o.code}`, 'level', undefined, 14] as [string, CellType, undefined, number]),
      ['expected_effect', 'int'],
    ]).map((c) =>
      c.code.startsWith('effect:')
        ? { ...c, label: label(obj.find((o) => `effect:${o.code}` === c.code)!.labels, p.language) }
        : c,
    ),
    p.vulnerabilities.map((v) => ({
      ...vulnCells(v),
      ...Object.fromEntries(obj.map((o) => [`effect:${o.code}`, v.effects[o.code]])),
      expected_effect: v.score.expectedEffect,
    })),
  );
  const periods: string[] = [];
  for (const v of p.vulnerabilities) for (const [per] of v.occurrence) if (!periods.includes(per)) periods.push(per);
  add(
    'A2.2',
    cols(T, [
      ...vulnCols.filter(([c]) => c !== 'compliance_risks'),
      ['expected_effect', 'int'],
      ...periods.map((x) => [`period:${x}`, 'text'] as [string, CellType]),
      ['probability', 'int'],
      ['priority', 'int'],
      ['priority_level', 'level'],
    ]),
    p.vulnerabilities.map((v) => {
      const occ = new Map(v.occurrence);
      const { compliance_risks: _omit, ...base } = vulnCells(v);
      return {
        ...base,
        expected_effect: v.score.expectedEffect,
        ...Object.fromEntries(periods.map((x) => [`period:${x}`, occ.get(x) ?? null])),
        probability: v.score.probability,
        priority: v.score.priority,
        priority_level: v.score.priorityLevel,
      };
    }),
  );
  const vulnOf = new Map(p.vulnerabilities.map((v) => [v.id, v]));
  add(
    'A2.3',
    cols(T, [
      ['process_code', 'text'],
      ['vuln_id', 'text'],
      ['institutional_risk', 'text'],
      ['measure_id', 'text'],
      ['measure', 'text', undefined, 50],
      ['responsible', 'text'],
      ['supporting', 'text'],
      ['expected', 'text'],
      ['status', 'text'],
      ['completed_on', 'date'],
      ['depends_on', 'text'],
      ['forecast', 'date'],
      ['late', 'text'],
      ['pushes_back', 'text'],
    ]),
    p.measures.map((m) => ({
      process_code: vulnOf.get(m.vulnId)?.processCode ?? null,
      vuln_id: m.vulnId,
      institutional_risk: vulnOf.get(m.vulnId)?.institutionalRisk ?? null,
      measure_id: m.id,
      measure: m.description,
      responsible: m.responsibleUnit,
      supporting: m.supportingUnits.join(', '),
      expected: m.expectedDate ?? m.expectedComment,
      status: m.status,
      completed_on: m.completedOn,
      depends_on: m.dependsOn.join(', '),
      forecast: m.schedule.forecastDate,
      late: m.schedule.late ? 'Y' : 'N',
      pushes_back: m.schedule.pushesBack.join(', '),
    })),
  );
  add(
    'A2.4',
    cols(T, [
      ['process_code', 'text'],
      ['vuln_id', 'text'],
      ['indicator_id', 'text'],
      ['measure_id', 'text'],
      ['indicator', 'text', undefined, 30],
      ['numerator_def', 'text', undefined, 40],
      ['denominator_def', 'text', undefined, 30],
      ['period', 'text'],
      ['numerator', 'int'],
      ['denominator', 'int'],
      ['pct', 'pct'],
      ['goal', 'pct'],
    ]),
    p.indicators.flatMap((i) =>
      (i.values.length ? i.values : [null]).map((v) => ({
        process_code: vulnOf.get(i.vulnId)?.processCode ?? null,
        vuln_id: i.vulnId,
        indicator_id: i.id,
        measure_id: i.measureId,
        indicator: i.name,
        numerator_def: i.numeratorLabel,
        denominator_def: i.denominatorLabel,
        period: v?.period ?? null,
        numerator: v?.numerator ?? null,
        denominator: v?.denominator ?? null,
        pct: v?.value ?? null,
        goal: i.goal,
      })),
    ),
  );

  for (const r of p.riskCips) {
    const sfx = `-${r.risk}`;
    const suffix = ` — ${r.risk} (${r.windows.current.start} – ${r.windows.current.end})`;
    add(
      `A3.1${sfx}`,
      cols(T, [
        ['hs', 'text'],
        ['cif', 'money'],
        ['cif_var', 'pct', 'variation'],
        ['vat', 'money'],
        ['vat_var', 'pct', 'variation'],
        ['duty', 'money'],
        ['duty_var', 'pct', 'variation'],
        ['excise', 'money'],
        ['excise_var', 'pct', 'variation'],
        ['importers', 'int'],
        ['importers_var', 'pct', 'variation'],
      ]),
      r.indicators.map((i) => ({
        hs: i.hs,
        cif: i.cif.current,
        cif_var: i.cif.variation,
        vat: i.vat.current,
        vat_var: i.vat.variation,
        duty: i.duty.current,
        duty_var: i.duty.variation,
        excise: i.excise.current,
        excise_var: i.excise.variation,
        importers: i.importers.current,
        importers_var: i.importers.variation,
      })),
      suffix,
    );
    add(
      `A3.2${sfx}`,
      cols(T, [
        ['hs', 'text'],
        ['size', 'text'],
        ['level', 'level'],
        ['importers', 'int'],
        ['pct_importers', 'pct'],
        ['repeat_offenders', 'int'],
        ['repeat_offenders_var', 'pct', 'variation'],
        ['cif', 'money'],
        ['pct_cif', 'pct'],
        ['collection', 'money'],
        ['pct_collection', 'pct'],
      ]),
      r.segmentation.flatMap((s) =>
        s.rows.map((x) => ({
          hs: s.hs,
          size: x.size,
          level: x.level,
          importers: x.importers,
          pct_importers: x.pctImporters,
          repeat_offenders: x.repeatOffenders,
          repeat_offenders_var: x.repeatOffendersVariation,
          cif: x.cif,
          pct_cif: x.pctCif,
          collection: x.collection,
          pct_collection: x.pctCollection,
        })),
      ),
      suffix,
    );
    add(
      `A3.3${sfx}`,
      cols(T, [
        ['size', 'text'],
        ['risk', 'level'],
        ['package', 'text', undefined, 24],
        ['what', 'text', undefined, 60],
      ]),
      r.treatments.map((c) => ({ size: c.size, risk: c.risk, package: c.package, what: c.what.join('\n') })),
      suffix,
    );
    add(`A3.4${sfx}`, t7Cols, t7(r.vulnerabilities), suffix);
  }

  if (p.kpis) {
    const unitOf = new Map(p.kpis.kpis.map((k) => [k.code, k.unit]));
    const valueType = (r: Record<string, Cell>) => KPI_TYPES[unitOf.get(String(r.kpi_code)) ?? ''] ?? 'num';
    const partType = (r: Record<string, Cell>) => (unitOf.get(String(r.kpi_code)) === 'hours' ? 'hours' : 'money');
    add(
      'BOX2',
      cols(T, [
        ['kpi_level', 'text'],
        ['kpi_code', 'text'],
        ['kpi_name', 'text', undefined, 40],
        ['dimension', 'text'],
        ['period', 'text'],
        ['value', 'num', 'kpi_value'],
        ['numerator', 'num'],
        ['denominator', 'num'],
        ['variation', 'ratio'],
      ]).map((c) =>
        c.code === 'value'
          ? { ...c, typeOf: valueType }
          : c.code === 'numerator' || c.code === 'denominator'
            ? { ...c, typeOf: partType }
            : c,
      ),
      p.kpis.kpis.flatMap((k) =>
        k.points.map((pt) => ({
          kpi_level: k.level,
          kpi_code: k.code,
          kpi_name: k.name,
          dimension: pt.dimension,
          period: pt.period,
          value: pt.value,
          numerator: pt.numerator,
          denominator: pt.denominator,
          variation: pt.variation,
        })),
      ),
    );
    if (p.kpis.operational) {
      add(
        'BOX2-OP',
        cols(T, [
          ['compliance_risk', 'text'],
          ['source', 'text'],
          ['period', 'text'],
          ['cases', 'int'],
          ['cases_var', 'ratio', 'variation'],
          ['reassessed', 'money'],
          ['reassessed_var', 'ratio', 'variation'],
          ['collected', 'money'],
          ['collected_var', 'ratio', 'variation'],
        ]),
        p.kpis.operational.rows.map((o) => ({
          compliance_risk: o.compliance_risk,
          source: o.source,
          period: o.period,
          cases: o.cases,
          cases_var: o.cases_variation,
          reassessed: o.reassessed,
          reassessed_var: o.reassessed_variation,
          collected: o.collected,
          collected_var: o.collected_variation,
        })),
      );
    }
  }
  // Excel's rules for sheet names: at most 31 characters, none of []:*?/\, unique (case-insensitive).
  const taken = new Set<string>([T.tab('README').toLowerCase()]);
  for (const sh of sheets) {
    const base = sh.tab
      .replace(/[[\]:*?/\\]/g, ' ')
      .slice(0, 31)
      .trim();
    let name = base;
    for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base.slice(0, 31 - String(k).length - 1)}~${k}`;
    taken.add(name.toLowerCase());
    sh.tab = name;
  }
  const readme: Sheet = {
    code: 'README',
    tab: T.tab('README'),
    title: `${T.doc('title')} — ${T.doc('generated')} ${p.generatedAt.slice(0, 10)}${p.pseudonymised ? ' — ' + T.doc('pseudonymised') : ''}`,
    columns: cols(T, [
      ['sheet', 'text'],
      ['tab', 'text'],
      ['title', 'text', undefined, 70],
      ['rows', 'int'],
    ]),
    rows: [
      ...sheets.map((s) => ({ sheet: s.code, tab: s.tab, title: s.title, rows: s.rows.length })),
      ...p.notes.map((n) => ({ sheet: 'note', tab: null, title: n, rows: null })),
      { sheet: 'history', tab: null, title: `${T.doc('history_head')}: ${p.historyHead}`, rows: null },
    ],
  };
  return [readme, ...sheets];
}
