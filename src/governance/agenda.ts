// Agenda items proposed from the plan for a meeting on a given day: overdue measures, indicators off target,
// high-priority vulnerabilities not yet discussed, and proposals awaiting the committee's approval.
// (Open actions of earlier meetings are added when the agenda is read: see actions.ts, agendaOf.)
import type { Workspace } from '../workspace/workspace.ts';
import { listMeasuresWithSchedule } from '../plan/measures/store.ts';
import { listIndicators } from '../plan/measures/indicators.ts';
import { listVulnerabilities } from '../plan/register/store.ts';
import { listProposals } from './approvals.ts';
import type { MessageParams } from '../i18n/messages.ts';
import { GOVERNANCE_TEXT } from './text.ts';

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
  /** As typed (an item added by hand), or the English rendering of `message`. */
  title: string;
  /** A sentence of messages.yaml (items proposed from the plan): shown in the reader's language. */
  message?: { key: string; params: MessageParams };
}

function fromPlan(kind: ItemKind, subjectType: string, subjectId: string, params: MessageParams): AgendaProposal {
  const key = `agenda.${kind}`;
  return { kind, subjectType, subjectId, title: GOVERNANCE_TEXT.message(key, params).text, message: { key, params } };
}

/** Plan-derived items for a meeting held on `heldOn` (YYYY-MM-DD), in a stable order. */
export async function planItems(ws: Workspace, heldOn: string): Promise<AgendaProposal[]> {
  const out: AgendaProposal[] = [];
  for (const p of await listProposals(ws, { status: 'pending' })) {
    out.push(fromPlan('approval', 'proposal', p.id, { summary: p.summary }));
  }
  for (const m of await listMeasuresWithSchedule(ws, heldOn)) {
    if (m.status !== 'done' && m.expectedDate !== null && m.expectedDate < heldOn) {
      out.push(
        fromPlan('overdue_measure', 'measure', m.id, {
          id: m.id,
          unit: m.responsibleUnit,
          due: m.expectedDate,
          description: m.description,
        }),
      );
    }
  }
  for (const i of await listIndicators(ws)) {
    const last = i.values.at(-1);
    if (i.goal !== null && last?.value !== null && last !== undefined && last.value! < i.goal) {
      out.push(
        fromPlan('indicator_off_target', 'indicator', i.id, {
          id: i.id,
          name: i.name,
          value: last.value!,
          period: last.period,
          goal: i.goal,
        }),
      );
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
      out.push(
        fromPlan('high_priority_vulnerability', 'vulnerability', v.id, {
          id: v.id,
          process: v.processCode,
          description: v.description,
        }),
      );
    }
  }
  return out;
}
