// The canonical fields an import can fill, per kind of file: their type, whether they are required, and
// the natural key that makes a row a duplicate. Mirrors the tables in src/workspace/schema.ts.

/** Why an inspected line was selected: by lot (the unbiased control), a risk rule, a risk score, an officer's choice. */
export const SELECTION_REASONS = ['random', 'rule', 'score', 'officer'] as const;
export type SelectionReason = (typeof SELECTION_REASONS)[number];

export const IMPORT_KINDS = ['declarations', 'operators', 'tax', 'cases', 'audits', 'treatments'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * How a source value is parsed. `hs` = digits only, 6–10 long; `channel` = green|yellow|red|blue; `selection` = why an
 * inspected line was selected: random|rule|score|officer (vocabulary.yaml: selection_reasons).
 */
export type FieldType = 'string' | 'date' | 'number' | 'integer' | 'boolean' | 'channel' | 'selection' | 'hs';

export interface FieldDef {
  name: string;
  type: FieldType;
  required?: boolean;
  /** Numbers that are amounts, masses or times: a negative value is an error. */
  nonNegative?: boolean;
  /** Yes/no fields that also accept outcome words (vocabulary.yaml: findings, inspections). */
  words?: 'findings' | 'inspections';
}

export interface KindDef {
  kind: ImportKind;
  table: string;
  key: string[];
  fields: FieldDef[];
}

const s = (name: string, required = false): FieldDef => ({ name, type: 'string', required });
const d = (name: string, required = false): FieldDef => ({ name, type: 'date', required });
const n = (name: string, required = false): FieldDef => ({ name, type: 'number', required, nonNegative: true });
const b = (name: string, words?: FieldDef['words']): FieldDef => ({
  name,
  type: 'boolean',
  ...(words ? { words } : {}),
});

export const KINDS: Record<ImportKind, KindDef> = {
  declarations: {
    kind: 'declarations',
    table: 'declaration_lines',
    key: ['declaration_id', 'line_no'],
    fields: [
      s('declaration_id', true),
      { name: 'line_no', type: 'integer' },
      d('date', true),
      s('flow'),
      s('regime'),
      s('office'),
      s('operator_id', true),
      s('declarant_id'),
      s('supplier_id'),
      { name: 'hs_code', type: 'hs', required: true },
      s('origin_country'),
      s('departure_country'),
      s('transport_mode'),
      n('quantity'),
      n('net_mass_kg'),
      n('value', true),
      n('duty'),
      n('vat'),
      n('excise'),
      s('tax_type'),
      s('exemption_code'),
      s('preference_code'),
      { name: 'channel', type: 'channel' },
      b('inspected', 'inspections'),
      b('finding', 'findings'),
      s('compliance_risk'),
      n('amount_reassessed'),
      n('amount_collected'),
      n('release_hours'),
      b('aeo_flag'),
      { name: 'selection_reason', type: 'selection' },
    ],
  },
  operators: {
    kind: 'operators',
    table: 'operators',
    key: ['operator_id'],
    fields: [
      s('operator_id', true),
      s('name'),
      d('registration_date'),
      s('isic_sector'),
      b('aeo_status'),
      s('region'),
      s('office'),
    ],
  },
  tax: {
    kind: 'tax',
    table: 'tax_records',
    key: ['operator_id', 'period_start', 'period_end'],
    fields: [
      s('operator_id', true),
      d('period_start', true),
      d('period_end', true),
      b('return_filed'),
      n('vat_on_imports_declared'),
      n('imports_declared'),
      n('exports_declared'),
      n('excise_declared'),
      b('audit_irregularities'),
      b('transfer_pricing_finding'),
    ],
  },
  cases: {
    kind: 'cases',
    table: 'cases',
    key: ['case_id'],
    fields: [
      s('case_id', true),
      s('operator_id', true),
      d('date', true),
      s('declaration_id'),
      s('compliance_risk'),
      b('serious'),
      n('amount'),
    ],
  },
  audits: {
    kind: 'audits',
    table: 'audits',
    key: ['audit_id'],
    fields: [
      s('audit_id', true),
      s('operator_id', true),
      d('start_date', true),
      d('end_date'),
      s('scope'),
      s('compliance_risk'),
      b('finding', 'findings'),
      n('amount_assessed'),
      n('amount_collected'),
    ],
  },
  treatments: {
    kind: 'treatments',
    table: 'treatments_applied',
    key: ['operator_id', 'treatment', 'start_date'],
    fields: [
      s('operator_id', true),
      s('treatment', true),
      d('start_date', true),
      d('end_date'),
      s('segment'),
      s('applied_by'),
    ],
  },
};

export function kindDef(kind: string): KindDef {
  const def = (KINDS as Record<string, KindDef | undefined>)[kind];
  if (!def) throw new Error(`unknown import kind '${kind}'; expected one of ${IMPORT_KINDS.join(', ')}`);
  return def;
}

export function requiredFields(def: KindDef): string[] {
  return def.fields.filter((f) => f.required).map((f) => f.name);
}

/** SQL type of a canonical field once parsed. */
export function sqlType(t: FieldType): string {
  switch (t) {
    case 'date':
      return 'DATE';
    case 'number':
      return 'DOUBLE';
    case 'integer':
      return 'INTEGER';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'VARCHAR';
  }
}
