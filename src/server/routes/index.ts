// All API endpoints, one declaration each (see route-table.ts). The role × endpoint tests read this list.
import type { RouteDef } from '../route-table.ts';
import { adminRoutes } from './admin.ts';
import { authRoutes } from './auth.ts';
import { overviewRoutes } from './overview.ts';
import { segmentationRoutes } from './segmentation.ts';
import { planRoutes } from './plan.ts';
import { planStepRoutes } from './plan-steps.ts';
import { measureRoutes } from './measure.ts';
import { exportRoutes } from './exports.ts';
import { dataRoutes } from './data.ts';
import { governanceRoutes } from './governance.ts';
import { jobRoutes } from './jobs.ts';
import { importRoutes } from './imports.ts';
import { meetingRoutes } from './meetings.ts';
import { griDraftRoutes } from './gri-draft.ts';

export const allRoutes: RouteDef[] = [
  ...authRoutes,
  ...overviewRoutes,
  ...adminRoutes,
  ...dataRoutes,
  ...segmentationRoutes,
  ...griDraftRoutes,
  ...planRoutes,
  ...planStepRoutes,
  ...measureRoutes,
  ...exportRoutes,
  ...governanceRoutes,
  ...jobRoutes,
  ...importRoutes,
  ...meetingRoutes,
];
