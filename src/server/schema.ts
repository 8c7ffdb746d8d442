// Tables owned by the server context: accounts, sessions, organisational units, login throttling.
// Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const serverMigrations: Migration[] = [
  {
    id: 'server-001-accounts',
    description: 'org units, local user accounts, sessions and failed-login log for throttling',
    sql: `
-- HQ → directorate → office. Directorates and offices are derived from operators.region / operators.office
-- and declaration_lines.office (syncUnits), or added by hand.
CREATE TABLE server_units (
  unit_id VARCHAR PRIMARY KEY,         -- 'HQ', 'dir:<region>', 'office:<office>'
  name VARCHAR NOT NULL,
  level VARCHAR NOT NULL,              -- hq | directorate | office
  parent_id VARCHAR,                   -- NULL only for HQ
  source VARCHAR NOT NULL              -- derived | manual
);

CREATE SEQUENCE server_user_id_seq START 1;
CREATE TABLE server_users (
  user_id INTEGER PRIMARY KEY DEFAULT nextval('server_user_id_seq'),
  username VARCHAR NOT NULL UNIQUE,
  display_name VARCHAR,
  roles VARCHAR NOT NULL,              -- comma-separated role codes (src/server/roles.json)
  unit_id VARCHAR NOT NULL,
  password_hash VARCHAR NOT NULL,      -- scrypt$N$r$p$salt$hash (base64)
  language VARCHAR NOT NULL DEFAULT 'en',
  disabled BOOLEAN NOT NULL DEFAULT false,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL
);

-- Only the SHA-256 of the session token is stored; the token lives in the HttpOnly cookie.
CREATE TABLE server_sessions (
  token_sha256 VARCHAR PRIMARY KEY,
  user_id INTEGER NOT NULL,
  csrf_token VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL
);

CREATE TABLE server_login_failures (
  username VARCHAR NOT NULL,
  ip VARCHAR NOT NULL,
  failed_at TIMESTAMP NOT NULL
);
`,
  },
];
