// The canonical data tables of SPEC §2. Each bounded context owns its own tables in its own schema.ts;
// this file holds only the shared canonical model and workspace bookkeeping.
import type { Migration } from './migrations.ts';

/**
 * The columns of declaration_lines as of migration workspace-003 (frozen: that migration creates them). The table's
 * columns today are DECLARATION_LINES_COLUMNS below. Codes with many distinct values are stored uncompressed:
 * DuckDB's FSST/dictionary analysis of them was ≈ 40 % of a 10M-line import's CPU (7.8 → 4.8 s for the bare INSERT)
 * for ≈ 2× the file size; scans are as fast (operator_id compressed would save ≈ 0.1 s of a 10M-line GRI run once the
 * lines are in operator order, and cost ≈ 1 s of a 10M-line import). DuckDB keeps the compression in its catalog but
 * omits it from duckdb_tables().sql.
 */
const LINES_COLUMNS_V3 = `
  declaration_id VARCHAR USING COMPRESSION uncompressed NOT NULL,
  line_no INTEGER NOT NULL,
  date DATE NOT NULL,
  flow VARCHAR,                        -- import | export | transit
  regime VARCHAR,                      -- customs procedure code / regime
  office VARCHAR,
  operator_id VARCHAR USING COMPRESSION uncompressed NOT NULL,     -- TIN of importer / exporter
  declarant_id VARCHAR,                -- customs broker
  supplier_id VARCHAR USING COMPRESSION uncompressed,              -- foreign seller / buyer
  hs_code VARCHAR USING COMPRESSION uncompressed NOT NULL,
  origin_country VARCHAR,
  departure_country VARCHAR,
  transport_mode VARCHAR,
  quantity DOUBLE,
  net_mass_kg DOUBLE,
  value DOUBLE NOT NULL,               -- CIF for imports, FOB for exports, reporting currency
  duty DOUBLE,
  vat DOUBLE,
  excise DOUBLE,
  tax_type VARCHAR,
  exemption_code VARCHAR,
  preference_code VARCHAR,
  channel VARCHAR,                     -- green | yellow | red | blue
  inspected BOOLEAN,
  finding BOOLEAN,                     -- offence found
  compliance_risk VARCHAR,             -- valuation | classification | origin | undeclared | special_regimes | ...
  amount_reassessed DOUBLE,
  amount_collected DOUBLE,
  release_hours DOUBLE,
  aeo_flag BOOLEAN,
  extra MAP(VARCHAR, VARCHAR),         -- source columns without a canonical field, kept as they came
  import_id INTEGER,
  source_row BIGINT`;

/**
 * The columns of declaration_lines today, in table order (clusterLines rewrites the table from them): a migration that
 * changes the columns changes this too, appending what it adds (ALTER TABLE … ADD COLUMN appends).
 */
export const DECLARATION_LINES_COLUMNS = `${LINES_COLUMNS_V3},
  selection_reason VARCHAR             -- why an inspected line was selected: random | rule | score | officer
`;

export const workspaceMigrations: Migration[] = [
  {
    id: 'workspace-001-core',
    description: 'settings, imports bookkeeping and the canonical data tables',
    sql: `
CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

-- One row per import run that committed. file_sha256 makes re-imports of the same file detectable.
CREATE SEQUENCE import_id_seq START 1;
CREATE TABLE imports (
  import_id INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
  kind VARCHAR NOT NULL,               -- declarations | operators | tax | cases | audits | treatments
  file_name VARCHAR NOT NULL,
  file_sha256 VARCHAR NOT NULL,
  mapping_json VARCHAR,
  imported_by VARCHAR,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_imported BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  rows_duplicate BIGINT NOT NULL
);

-- Rows refused by an import, with the reason, so they can be exported and fixed at the source.
CREATE TABLE import_rejects (
  import_id INTEGER NOT NULL,
  row_no BIGINT NOT NULL,              -- 1-based data row number in the source file (header not counted)
  column_name VARCHAR,
  value VARCHAR,
  reason VARCHAR NOT NULL
);

CREATE TABLE declaration_lines (
  declaration_id VARCHAR NOT NULL,
  line_no INTEGER NOT NULL,
  date DATE NOT NULL,
  flow VARCHAR,                        -- import | export | transit
  regime VARCHAR,                      -- customs procedure code / regime
  office VARCHAR,
  operator_id VARCHAR USING COMPRESSION uncompressed NOT NULL,     -- TIN of importer / exporter
  declarant_id VARCHAR,                -- customs broker
  supplier_id VARCHAR,                 -- foreign seller / buyer
  hs_code VARCHAR NOT NULL,
  origin_country VARCHAR,
  departure_country VARCHAR,
  transport_mode VARCHAR,
  quantity DOUBLE,
  net_mass_kg DOUBLE,
  value DOUBLE NOT NULL,               -- CIF for imports, FOB for exports, reporting currency
  duty DOUBLE,
  vat DOUBLE,
  excise DOUBLE,
  tax_type VARCHAR,
  exemption_code VARCHAR,
  preference_code VARCHAR,
  channel VARCHAR,                     -- green | yellow | red | blue
  inspected BOOLEAN,
  finding BOOLEAN,                     -- offence found
  compliance_risk VARCHAR,             -- valuation | classification | origin | undeclared | special_regimes | ...
  amount_reassessed DOUBLE,
  amount_collected DOUBLE,
  release_hours DOUBLE,
  aeo_flag BOOLEAN,
  extra MAP(VARCHAR, VARCHAR),         -- source columns without a canonical field, kept as they came
  import_id INTEGER,
  source_row BIGINT
);

CREATE TABLE operators (
  operator_id VARCHAR NOT NULL,
  name VARCHAR,
  registration_date DATE,
  isic_sector VARCHAR,
  aeo_status BOOLEAN,
  region VARCHAR,
  office VARCHAR,
  extra MAP(VARCHAR, VARCHAR),
  import_id INTEGER,
  source_row BIGINT
);

CREATE TABLE tax_records (
  operator_id VARCHAR NOT NULL,
  period_start DATE NOT NULL,
  period_end DATE NOT NULL,
  return_filed BOOLEAN,
  vat_on_imports_declared DOUBLE,
  imports_declared DOUBLE,
  exports_declared DOUBLE,
  excise_declared DOUBLE,
  audit_irregularities BOOLEAN,
  transfer_pricing_finding BOOLEAN,
  extra MAP(VARCHAR, VARCHAR),
  import_id INTEGER,
  source_row BIGINT
);

CREATE TABLE cases (
  case_id VARCHAR NOT NULL,
  operator_id VARCHAR NOT NULL,
  date DATE NOT NULL,
  declaration_id VARCHAR,
  compliance_risk VARCHAR,
  serious BOOLEAN,
  amount DOUBLE,
  extra MAP(VARCHAR, VARCHAR),
  import_id INTEGER,
  source_row BIGINT
);

CREATE TABLE audits (
  audit_id VARCHAR NOT NULL,
  operator_id VARCHAR NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE,
  scope VARCHAR,
  compliance_risk VARCHAR,
  finding BOOLEAN,                     -- irregularity found
  amount_assessed DOUBLE,
  amount_collected DOUBLE,
  extra MAP(VARCHAR, VARCHAR),
  import_id INTEGER,
  source_row BIGINT
);

CREATE TABLE treatments_applied (
  operator_id VARCHAR NOT NULL,
  treatment VARCHAR NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE,
  segment VARCHAR,                     -- e.g. large/high when applied from the treatment matrix
  applied_by VARCHAR,
  applied_at TIMESTAMP,
  extra MAP(VARCHAR, VARCHAR),
  import_id INTEGER,
  source_row BIGINT
);
`,
  },
  {
    id: 'workspace-002-operator-lookup',
    description: 'index on operators.operator_id: the web app looks operators up one at a time',
    sql: `CREATE INDEX operators_operator_id ON operators (operator_id);`,
  },
  {
    id: 'workspace-003-lines-storage',
    description:
      'declaration_lines: high-cardinality codes stored uncompressed (cheaper imports); lines kept clustered by operator',
    sql: `
CREATE TABLE declaration_lines_v3 (${LINES_COLUMNS_V3});
INSERT INTO declaration_lines_v3 SELECT * FROM declaration_lines;
DROP TABLE declaration_lines;
ALTER TABLE declaration_lines_v3 RENAME TO declaration_lines;`,
  },
  {
    id: 'workspace-004-selection-reason',
    description:
      'declaration_lines.selection_reason: why an inspected line was selected (random, rule, score, officer); random inspections are the unbiased control',
    sql: `ALTER TABLE declaration_lines ADD COLUMN selection_reason VARCHAR;`,
  },
];
