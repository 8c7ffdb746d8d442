// Tables owned by the ingest context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';
import { quarantineSql } from './quarantine.ts';
import { declarationsTableSql } from './declarations.ts';

export const ingestMigrations: Migration[] = [
  {
    id: 'ingest-001-imports-fingerprint',
    description:
      "imports: the file's size and the SHA-256 of its first and last MiB, to spot a re-import without hashing the whole file first",
    sql: `ALTER TABLE imports ADD COLUMN file_size BIGINT;
          ALTER TABLE imports ADD COLUMN file_fingerprint VARCHAR;`,
  },
  {
    id: 'ingest-002-quarantine-implausible',
    description:
      'rows outside the plausibility limits (dates, amounts, control characters) that older versions imported move to quarantined_rows',
    sql: quarantineSql(),
  },
  {
    id: 'ingest-003-saved-mappings',
    description: 'column mappings saved by name (web app, cip mapping save) and reused by cip import --mapping NAME',
    sql: `CREATE TABLE ingest_mappings (
            name VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            mapping_json VARCHAR NOT NULL,
            saved_by VARCHAR NOT NULL,
            saved_at TIMESTAMP NOT NULL
          );`,
  },
  {
    id: 'ingest-004-reject-detail',
    description:
      "import_rejects.detail: the reject's sentence as a message (key and parameters, JSON), so every language shows its details",
    sql: `ALTER TABLE import_rejects ADD COLUMN detail VARCHAR;`,
  },
  {
    id: 'ingest-005-declarations',
    description:
      'declarations: one row per declaration, kept by each import of declaration lines, so the KPIs read declarations instead of grouping every line',
    sql: declarationsTableSql(),
  },
];
