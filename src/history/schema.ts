// The append-only, hash-chained change history shared by every context.
import type { Migration } from '../workspace/migrations.ts';

export const historyMigrations: Migration[] = [
  {
    id: 'history-001',
    description: 'append-only change history, chained by SHA-256',
    sql: `
CREATE TABLE history (
  seq BIGINT PRIMARY KEY,            -- 1, 2, 3 ... without gaps
  changed_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,            -- user name (server login or CLI --user / $CIP_USER / OS user)
  action VARCHAR NOT NULL,           -- e.g. 'gri.config.set', 'register.add', 'users.add'
  entity_type VARCHAR NOT NULL,      -- e.g. 'gri_config', 'vulnerability', 'measure', 'user'
  entity_id VARCHAR,
  org_unit VARCHAR,                  -- organisational unit the record belongs to, if any
  before_json VARCHAR,               -- state before (JSON), NULL for creations
  after_json VARCHAR,                -- state after (JSON), NULL for deletions
  prev_hash VARCHAR NOT NULL,        -- hash of entry seq-1 ('' for the first)
  hash VARCHAR NOT NULL              -- sha256 over prev_hash and this entry's fields
);`,
  },
];
