// Tables owned by the segmentation context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const segmentationMigrations: Migration[] = [
  {
    id: 'segmentation-001-gri',
    description: 'GRI configurations (versioned), runs, per-operator base rows, shared result tables',
    sql: `
-- Every saved configuration is a new version; the latest version of a risk is the one in force.
CREATE TABLE seg_configs (
  risk VARCHAR NOT NULL,               -- 'general' or a compliance risk (risk-specific GRI)
  version INTEGER NOT NULL,
  config_json VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  created_by VARCHAR NOT NULL,
  comment VARCHAR,
  PRIMARY KEY (risk, version)
);

-- One row per risk: the last pipeline run (window, indicator order and availability, weights, bars).
CREATE TABLE seg_runs (
  risk VARCHAR PRIMARY KEY,
  config_id VARCHAR NOT NULL,
  computed_at TIMESTAMP NOT NULL,
  run_json VARCHAR NOT NULL
);

-- Per operator and risk: what re-scoring needs without rescanning lines. flags bit i = indicator i of the run.
CREATE TABLE seg_operator_base (
  risk VARCHAR NOT NULL,
  operator_id VARCHAR NOT NULL,
  size_segment VARCHAR NOT NULL,
  total_value DOUBLE NOT NULL,
  lines BIGINT NOT NULL,
  vat DOUBLE, duty DOUBLE, excise DOUBLE,
  repeat_offender BOOLEAN NOT NULL,
  controlled BOOLEAN NOT NULL,         -- inspected or audited in the window
  noncompliant BOOLEAN NOT NULL,       -- irregularity found in the window (subsample for frequency weights)
  isic_sector VARCHAR,
  main_chapter VARCHAR,
  flags UBIGINT NOT NULL,
  vals DOUBLE[] NOT NULL,             -- indicator values, in the run's indicator order
  thr DOUBLE[] NOT NULL               -- the threshold each value was compared with
);

-- Shared contract (docs/architecture.md): the latest general GRI run, one row per operator.
CREATE TABLE operator_segments (
  operator_id VARCHAR NOT NULL,
  size_segment VARCHAR NOT NULL,
  total_value DOUBLE NOT NULL,
  lines BIGINT NOT NULL,
  gri DOUBLE NOT NULL,
  risk_level VARCHAR NOT NULL,
  config_id VARCHAR NOT NULL,
  computed_at TIMESTAMP NOT NULL
);

-- Risk-specific GRIs (one configuration per compliance risk), same columns plus the risk.
CREATE TABLE operator_risk_segments (
  risk VARCHAR NOT NULL,
  operator_id VARCHAR NOT NULL,
  size_segment VARCHAR NOT NULL,
  total_value DOUBLE NOT NULL,
  lines BIGINT NOT NULL,
  gri DOUBLE NOT NULL,
  risk_level VARCHAR NOT NULL,
  config_id VARCHAR NOT NULL,
  computed_at TIMESTAMP NOT NULL
);

-- Shared contract: one row per raised flag of the latest general run, with its evidence.
CREATE TABLE operator_indicator_flags (
  operator_id VARCHAR NOT NULL,
  indicator_code VARCHAR NOT NULL,
  value DOUBLE,
  flag BOOLEAN NOT NULL,
  evidence VARCHAR NOT NULL
);

-- Same for risk-specific runs.
CREATE TABLE operator_risk_indicator_flags (
  risk VARCHAR NOT NULL,
  operator_id VARCHAR NOT NULL,
  indicator_code VARCHAR NOT NULL,
  value DOUBLE,
  flag BOOLEAN NOT NULL,
  evidence VARCHAR NOT NULL
);
`,
  },
  {
    id: 'segmentation-002-pattern-cube',
    description: 'operators per flag pattern and size: instant re-scoring previews without touching per-operator rows',
    sql: `
CREATE TABLE seg_pattern_cube (
  risk VARCHAR NOT NULL,
  flags UBIGINT NOT NULL,
  size_segment VARCHAR NOT NULL,
  operators BIGINT NOT NULL,
  noncompliant BIGINT NOT NULL,
  value DOUBLE NOT NULL,
  vat DOUBLE NOT NULL, duty DOUBLE NOT NULL, excise DOUBLE NOT NULL,
  repeat_offenders BIGINT NOT NULL,
  without_control BIGINT NOT NULL
);
`,
  },
  {
    id: 'segmentation-003-pattern-scores',
    description: 'GRI and level of each flag pattern of the last scoring: ranks and levels without scanning operators',
    sql: `
-- Written with operator_segments by every (re-)scoring. An operator's rank = 1 + operators of patterns with a higher GRI.
-- Since this version the indicator values of a run live in a per-run table seg_op_<risk> (one row per operator,
-- written by computeFlags, indexed on operator_id by explain) and seg_operator_base.vals / thr are left empty.
CREATE TABLE seg_pattern_scores (
  risk VARCHAR NOT NULL,
  flags UBIGINT NOT NULL,
  operators BIGINT NOT NULL,
  gri DOUBLE NOT NULL,
  risk_level VARCHAR NOT NULL
);
`,
  },
  {
    id: 'segmentation-004-no-operator-base',
    description:
      'drop seg_operator_base: re-scoring, operator_segments and Table 4 read the run table and the pattern cube',
    sql: `
-- The per-operator base rows were a second copy of the run's table seg_op_<risk> (flags, size, value, lines, the
-- booleans): re-scoring and learned weights read the run's table, weights and Table 4 its pattern cube
-- (seg_pattern_cube). Runs stored before the run tables existed are recomputed (cip gri compute).
DROP TABLE seg_operator_base;
`,
  },
  {
    id: 'segmentation-005-run-log',
    description: 'operators and value per size × level of every (re-)scoring, to show how segments moved between runs',
    sql: `
-- Appended by every run and re-scoring (run-log.ts), never updated: the plan's executive summary compares the last two.
CREATE TABLE seg_run_log (
  risk VARCHAR NOT NULL,
  computed_at TIMESTAMP NOT NULL,
  config_id VARCHAR NOT NULL,
  size_segment VARCHAR NOT NULL,
  risk_level VARCHAR NOT NULL,
  operators BIGINT NOT NULL,
  value DOUBLE NOT NULL
);
`,
  },
];
