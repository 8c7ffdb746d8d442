// Tables owned by the governance context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const governanceMigrations: Migration[] = [];
