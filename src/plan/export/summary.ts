// What the plan document's executive summary and context need besides the note's tables: the operator register's
// size, the segments of the last two GRI runs, the progress and pending decisions of the head of customs' report,
// and the committee's decisions. Small tables only (no scan of the declaration lines).
import type { Workspace } from '../../workspace/workspace.ts';
import { recentRuns, type LoggedRun } from '../../segmentation/index.ts';
import {
  headReport,
  listActions,
  listDecisions,
  type Action,
  type Decision,
  type HeadReport,
} from '../../governance/index.ts';
import { currencyCode } from './format.ts';

export interface PlanSummary {
  /** ISO 4217 code of the reporting currency (workspace setting 'currency'), when known */
  currency: string | null;
  /** operators in the operator register (table operators) */
  registerOperators: number;
  /** segments of the last two general GRI runs, newest first (one when there was a single run) */
  runs: LoggedRun[];
  head: HeadReport;
  decisions: Decision[];
  openActions: Action[];
}

export async function gatherSummary(
  ws: Workspace,
  today: string,
  opts: { currency?: string | null } = {},
): Promise<PlanSummary> {
  const actions = await listActions(ws);
  return {
    currency: currencyCode(opts.currency ?? (await ws.getSetting('currency'))),
    registerOperators: Number(await ws.scalar('SELECT count(DISTINCT operator_id) FROM operators')),
    runs: await recentRuns(ws, 'general', 2),
    head: await headReport(ws, today),
    decisions: await listDecisions(ws),
    openActions: actions.filter((a) => a.status !== 'closed'),
  };
}
