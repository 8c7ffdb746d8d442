// Agenda items proposed from the plan for a meeting on a given day: overdue measures, indicators off target,
// high-priority vulnerabilities not yet discussed, and proposals awaiting the committee's approval.
// (Open actions of earlier meetings are added when the agenda is read: see actions.ts, agendaOf.)
import type { Workspace } from '../workspace/workspace.ts';
import { listMeasuresWithSchedule } from '../plan/measures/store.ts';
import { listIndicators } from '../plan/measures/indicators.ts';
import { listVulnerabilities } from '../plan/register/store.ts';
import { listProposals } from './approvals.ts';

export const ITEM_KINDS = [
  'overdue_measure',
  'indicator_off_target',
  'high_priority_vulnerability',
  'approval',
  'action',
  'other',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface AgendaProposal {
  kind: ItemKind;
  subjectType: string | null;
  subjectId: string | null;
  title: string;
}

/** Plan-derived items for a meeting held on `heldOn` (YYYY-MM-DD), in a stable order. */
export async function planItems(ws: Workspace, heldOn: string): Promise<AgendaProposal[]> {
  const out: AgendaProposal[] = [];
  for (const p of await listProposals(ws, { status: 'pending' })) {
    out.push({ kind: 'approval', subjectType: 'proposal', subjectId: p.id, title: `Approval: ${p.summary}` });
  }
  for (const m of await listMeasuresWithSchedule(ws, heldOn)) {
    if (m.status !== 'done' && m.expectedDate !== null && m.expectedDate < heldOn) {
      out.push({
        kind: 'overdue_measure',
        subjectType: 'measure',
        subjectId: m.id,
        title: `Overdue measure ${m.id} (${m.responsibleUnit}, due ${m.expectedDate}): ${m.description}`,
      });
    }
  }
  for (const i of await listIndicators(ws)) {
    const last = i.values.at(-1);
    if (i.goal !== null && last?.value !== null && last !== undefined && last.value! < i.goal) {
      out.push({
        kind: 'indicator_off_target',
        subjectType: 'indicator',
        subjectId: i.id,
        title: `Indicator ${i.id} off target: ${i.name} ${last.value}% in ${last.period} (goal ${i.goal}%)`,
      });
    }
  }
  const discussed = new Set(
    (
      await ws.all<{ subject_id: string }>(
        `SELECT a.subject_id FROM gov_agenda_items a JOIN gov_meetings m USING (ref) WHERE a.subject_type = 'vulnerability' AND m.held_on < $d::DATE`,
        { d: heldOn },
      )
    ).map((r) => r.subject_id),
  );
  for (const v of await listVulnerabilities(ws)) {
    if (v.score.priorityLevel === 'high' && !discussed.has(v.id)) {
      out.push({
        kind: 'high_priority_vulnerability',
        subjectType: 'vulnerability',
        subjectId: v.id,
        title: `High-priority vulnerability ${v.id} (${v.processCode}): ${v.description}`,
      });
    }
  }
  return out;
}
