// Tables owned by the demo context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const demoMigrations: Migration[] = [];
