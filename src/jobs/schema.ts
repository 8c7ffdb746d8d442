// The jobs table: the server's queue of long work (imports, GRI runs, backtests, exports), kept in the workspace so a
// job cut off by a stop or a crash is still listed, as failed, after the restart. Append migrations; never edit one.
import type { Migration } from '../workspace/migrations.ts';

export const jobsMigrations: Migration[] = [
  {
    id: 'jobs-001-queue',
    description: 'background jobs of the server: kind, state, progress, who, result or file, failure message',
    sql: `
CREATE SEQUENCE job_id_seq START 1;
CREATE TABLE jobs (
  job_id BIGINT PRIMARY KEY,
  kind VARCHAR NOT NULL,               -- import | gri | backtest | selectivity | pca | plan-export | minutes-export | cli
  title VARCHAR NOT NULL,              -- what it does, e.g. 'cip import declarations lines.csv'
  params_json VARCHAR,
  writes BOOLEAN NOT NULL,             -- changes the workspace (queued one at a time by default)
  status VARCHAR NOT NULL,             -- queued | running | succeeded | failed | cancelled
  phase VARCHAR,
  percent DOUBLE,
  rows_done BIGINT,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  error_code VARCHAR,                  -- failed | cancelled | interrupted (cut off by a stop or crash)
  error VARCHAR,                       -- the message the CLI gives for the same failure
  error_detail VARCHAR,                -- e.g. the rejected rows of a --strict import
  result_json VARCHAR,
  file_name VARCHAR,                   -- a download, kept under <workspace>/.jobs/<job_id>/
  cancelled_by VARCHAR
);`,
  },
  {
    id: 'jobs-002-rejected',
    description:
      "the rows a failed --strict import rejected, as problems whose sentences are messages (key and parameters, JSON): shown in the reader's language",
    sql: `ALTER TABLE jobs ADD COLUMN rejected_json VARCHAR;`,
  },
];
