// Tables owned by the measure context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const measureMigrations: Migration[] = [];
