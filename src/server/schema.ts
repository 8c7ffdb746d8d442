// Tables owned by the server context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const serverMigrations: Migration[] = [];
