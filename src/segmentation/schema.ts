// Tables owned by the segmentation context. Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';

export const segmentationMigrations: Migration[] = [];
