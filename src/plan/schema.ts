// Tables owned by the plan context. Append new migrations; never edit a released one.
// Every record people edit is versioned: a change (or correction) is a new row with version + 1; the latest
// version is the current state, older ones stay. Each insert goes with a recordChange in one transaction.
import type { Migration } from '../workspace/migrations.ts';

export const planMigrations: Migration[] = [
  {
    id: 'plan-001-core',
    description: 'treatment matrix, vulnerability register, measures, indicators, register config',
    sql: `
-- Table 6 / Annex 3 cells edited by the committee. matrix = 'general' or 'risk:<compliance risk>'.
-- Cells never edited come from src/plan/data/treatments.yaml.
CREATE TABLE plan_treatment_cells (
  matrix VARCHAR NOT NULL,
  size_segment VARCHAR NOT NULL,       -- large | medium | small
  risk_level VARCHAR NOT NULL,         -- high | medium | low
  version INTEGER NOT NULL,
  language VARCHAR NOT NULL,           -- language the texts were written in
  package VARCHAR NOT NULL,
  intervention VARCHAR NOT NULL,       -- one_to_one | one_to_several | one_to_many
  what_json VARCHAR NOT NULL,          -- JSON array of treatments
  how VARCHAR,
  when_text VARCHAR,
  responsible_unit VARCHAR,
  monitoring_unit VARCHAR,
  changed_by VARCHAR NOT NULL,
  changed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (matrix, size_segment, risk_level, version)
);

-- Table 7 / Annex 2: one row per version of a limitation or vulnerability.
CREATE TABLE plan_vulnerabilities (
  vuln_id VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  process_code VARCHAR NOT NULL,
  description VARCHAR NOT NULL,
  institutional_risk VARCHAR NOT NULL,
  compliance_risks_json VARCHAR NOT NULL,  -- JSON array of compliance risk codes
  effects_json VARCHAR NOT NULL,           -- JSON object objective code -> scale level code
  occurrence_json VARCHAR NOT NULL,        -- JSON array of [period, "Y"|"N"] in the order assessed
  retired BOOLEAN NOT NULL DEFAULT false,
  changed_by VARCHAR NOT NULL,
  changed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (vuln_id, version)
);

-- Annex 2 step 3: measures (treatments of a vulnerability).
CREATE TABLE plan_measures (
  measure_id VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  vuln_id VARCHAR NOT NULL,
  description VARCHAR NOT NULL,
  responsible_unit VARCHAR NOT NULL,
  supporting_units_json VARCHAR NOT NULL,  -- JSON array
  expected_date DATE,
  expected_comment VARCHAR,                -- e.g. 'To be included in the upcoming customs reform package'
  depends_on_json VARCHAR NOT NULL,        -- JSON array of measure ids
  status VARCHAR NOT NULL,                 -- planned | done
  completed_on DATE,
  changed_by VARCHAR NOT NULL,
  changed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (measure_id, version)
);

-- Annex 2 step 4: indicators to monitor progress.
CREATE TABLE plan_indicators (
  indicator_id VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  vuln_id VARCHAR NOT NULL,
  measure_id VARCHAR,
  name VARCHAR NOT NULL,
  numerator_label VARCHAR NOT NULL,
  denominator_label VARCHAR NOT NULL,
  goal DOUBLE,                             -- in percent
  changed_by VARCHAR NOT NULL,
  changed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (indicator_id, version)
);

-- Values per period; a correction is a new row with seq + 1 (the latest seq of a period counts).
CREATE TABLE plan_indicator_values (
  indicator_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  seq INTEGER NOT NULL,
  numerator DOUBLE NOT NULL,
  denominator DOUBLE NOT NULL,
  recorded_by VARCHAR NOT NULL,
  recorded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (indicator_id, period, seq)
);

-- Workspace overrides of the data files (e.g. key 'register_scales'), versioned.
CREATE TABLE plan_config (
  key VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  value_json VARCHAR NOT NULL,
  changed_by VARCHAR NOT NULL,
  changed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (key, version)
);
`,
  },
  {
    id: 'plan-002-treatment-texts',
    description:
      'Treatment-matrix cells keep one text per language; the languages not updated by an edit need translation',
    sql: `
-- texts_json: {"<lang>": {"package", "what": [..], "how", "when"}}; outdated_json: languages whose text predates the
-- last edit (shown as needing translation). The single-language columns keep the text of the language edited.
ALTER TABLE plan_treatment_cells ADD COLUMN texts_json VARCHAR;
ALTER TABLE plan_treatment_cells ADD COLUMN outdated_json VARCHAR;
UPDATE plan_treatment_cells SET
  texts_json = json_object(language, json_object('package', package, 'what', json(what_json), 'how', how, 'when', when_text))::VARCHAR,
  outdated_json = '[]';
`,
  },
];
