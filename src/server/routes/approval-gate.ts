// Changes the committee has put under approval (setting approval.<kind>) are refused as direct edits:
// they must be proposed and take effect when a meeting decision approves them (src/governance/approvals.ts).
import type { Workspace } from '../../workspace/workspace.ts';
import { assertDirectChangeAllowed, GovernanceInputError, type ProposalKind } from '../../governance/index.ts';
import { HttpError } from '../route-table.ts';

export async function directChangeAllowed(ws: Workspace, kind: ProposalKind): Promise<void> {
  try {
    await assertDirectChangeAllowed(ws, kind);
  } catch (e) {
    if (e instanceof GovernanceInputError) throw new HttpError(409, e.message);
    throw e;
  }
}
