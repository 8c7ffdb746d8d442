// Tables owned by the plan context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const planMigrations: Migration[] = [];
