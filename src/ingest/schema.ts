// Tables owned by the ingest context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const ingestMigrations: Migration[] = [];
