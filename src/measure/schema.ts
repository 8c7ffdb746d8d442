// Tables owned by the measure context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const measureMigrations: Migration[] = [
  {
    id: 'measure-sel-001-models',
    description: 'selectivity models: the weights and profile window behind every export, kept for audit',
    sql: `
CREATE SEQUENCE selectivity_model_seq START 1;
CREATE TABLE selectivity_models (
  model_id INTEGER PRIMARY KEY DEFAULT nextval('selectivity_model_seq'),
  fitted_at TIMESTAMP NOT NULL,
  purpose VARCHAR NOT NULL,            -- export-line | export-operator | backtest
  history_from DATE,
  history_until DATE NOT NULL,         -- profiles learned from labelled lines up to this date
  fitted_on VARCHAR NOT NULL,          -- history-out-of-fold | validation | fixed
  intercept DOUBLE NOT NULL,
  weights_json VARCHAR NOT NULL,       -- {factor id: weight}
  thresholds_json VARCHAR NOT NULL,    -- score bars of the high and medium levels
  config_json VARCHAR NOT NULL,        -- the factor configuration used
  fit_lines BIGINT NOT NULL,
  fit_findings BIGINT NOT NULL,
  scored_lines BIGINT
);
`,
  },
];
