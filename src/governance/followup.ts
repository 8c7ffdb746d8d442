// Follow-up: overdue actions and measures per unit, reminders before and after due dates (in-app; an e-mail
// hook that is off by default writes messages to an outbox folder for the mail system to pick up), and the
// report to the head of customs.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { workspaceMessageLang } from '../i18n/messages.ts';
import { GOVERNANCE_TEXT } from './text.ts';
import { join } from 'node:path';
import type { Workspace } from '../workspace/workspace.ts';
import { recordChange } from '../history/history.ts';
import { listMeasuresWithSchedule } from '../plan/measures/store.ts';
import { listIndicators } from '../plan/measures/indicators.ts';
import { listActions, type Action } from './decisions.ts';
import { getSettings, listProposals } from './approvals.ts';
import { listMembers } from './committee.ts';
import { GovernanceInputError } from './errors.ts';
import { composeMessage, emailAddressProblem, outboxDir } from './email.ts';

const days = (from: string, to: string) =>
  Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86_400_000);

export const UnitOverdueSchema = z.object({
  unit: z.string(),
  overdueActions: z.array(
    z.object({ id: z.string(), description: z.string(), dueDate: z.string(), daysLate: z.number(), ref: z.string() }),
  ),
  overdueMeasures: z.array(
    z.object({ id: z.string(), description: z.string(), expectedDate: z.string(), daysLate: z.number() }),
  ),
});
export type UnitOverdue = z.infer<typeof UnitOverdueSchema>;

/** Open actions and planned measures past their due date on `today`, grouped by owner/responsible unit. */
export async function overdueByUnit(ws: Workspace, today: string): Promise<UnitOverdue[]> {
  const units = new Map<string, UnitOverdue>();
  const unit = (u: string) =>
    units.get(u) ?? units.set(u, { unit: u, overdueActions: [], overdueMeasures: [] }).get(u)!;
  for (const a of await listActions(ws)) {
    if (a.status !== 'closed' && a.dueDate < today)
      unit(a.ownerUnit).overdueActions.push({
        id: a.id,
        description: a.description,
        dueDate: a.dueDate,
        daysLate: days(a.dueDate, today),
        ref: a.ref,
      });
  }
  for (const m of await listMeasuresWithSchedule(ws, today)) {
    if (m.status !== 'done' && m.expectedDate && m.expectedDate < today) {
      unit(m.responsibleUnit).overdueMeasures.push({
        id: m.id,
        description: m.description,
        expectedDate: m.expectedDate,
        daysLate: days(m.expectedDate, today),
      });
    }
  }
  return [...units.values()].sort(
    (a, b) =>
      b.overdueActions.length + b.overdueMeasures.length - (a.overdueActions.length + a.overdueMeasures.length) ||
      a.unit.localeCompare(b.unit),
  );
}

export const ReminderSchema = z.object({
  actionId: z.string(),
  kind: z.enum(['due_soon', 'overdue']),
  ownerUnit: z.string(),
  dueDate: z.string(),
  /** days until due (due_soon) or days late (overdue) */
  days: z.number(),
  description: z.string(),
  message: z.string(),
});
export type Reminder = z.infer<typeof ReminderSchema>;

function reminderOf(a: Action, today: string, before: number, lang: string): Reminder | null {
  const say = (key: string, days: number) =>
    GOVERNANCE_TEXT.message(
      key,
      { id: a.id, unit: a.ownerUnit, days, due: a.dueDate, description: a.description },
      lang,
    ).text;
  if (a.status === 'closed') return null;
  const d = days(today, a.dueDate);
  if (d < 0)
    return {
      actionId: a.id,
      kind: 'overdue',
      ownerUnit: a.ownerUnit,
      dueDate: a.dueDate,
      days: -d,
      description: a.description,
      message: say('reminder.overdue', -d),
    };
  if (d <= before)
    return {
      actionId: a.id,
      kind: 'due_soon',
      ownerUnit: a.ownerUnit,
      dueDate: a.dueDate,
      days: d,
      description: a.description,
      message: say('reminder.due_soon', d),
    };
  return null;
}

/** In-app reminders on `today`: actions due within the configured days, and overdue actions; messages in `lang`. */
export async function reminders(
  ws: Workspace,
  today: string,
  f: { unit?: string } = {},
  lang = 'en',
): Promise<Reminder[]> {
  const before = Number((await getSettings(ws))['reminders.days_before']);
  return (await listActions(ws, { unit: f.unit }))
    .map((a) => reminderOf(a, today, before, lang))
    .filter((r): r is Reminder => r !== null)
    .sort((a, b) => (a.kind === b.kind ? a.dueDate.localeCompare(b.dueDate) : a.kind === 'overdue' ? -1 : 1));
}

/**
 * The e-mail hook: when 'email.enabled' is true, writes one .eml per reminder not yet sent (to the members of
 * the owner unit that have an address) into the outbox folder. Off by default: refused with a clear message.
 */
export async function sendEmailReminders(
  ws: Workspace,
  actor: string,
  today: string,
): Promise<{ written: string[]; skipped: number }> {
  const s = await getSettings(ws);
  if (s['email.enabled'] !== true) {
    throw new GovernanceInputError(
      "e-mail reminders are off (the default); turn them on with 'cip committee settings set email.enabled true'",
    );
  }
  const dir = outboxDir(ws.dir, String(s['email.outbox']));
  const members = await listMembers(ws);
  const written: string[] = [];
  let skipped = 0;
  // Messages go to units, not to a signed-in reader: in the workspace's language.
  const lang = await workspaceMessageLang(ws);
  for (const r of await reminders(ws, today, {}, lang)) {
    if (
      await ws.one("SELECT 1 FROM gov_reminders_sent WHERE action_id = $a AND kind = $k AND channel = 'email'", {
        a: r.actionId,
        k: r.kind,
      })
    ) {
      skipped++;
      continue;
    }
    // Addresses stored by an older version are checked again: a bad one is skipped, never written.
    const to = members
      .filter((m) => m.unit === r.ownerUnit && m.email && emailAddressProblem(m.email) === null)
      .map((m) => m.email!);
    if (!to.length) {
      skipped++;
      continue;
    }
    const file = join(dir, `${today}-${r.actionId.replace(/[^A-Za-z0-9_-]/g, '_')}-${r.kind}.eml`);
    const message = await composeMessage({
      to,
      subject: GOVERNANCE_TEXT.message(`reminder.subject_${r.kind}`, { id: r.actionId }, lang).text,
      text: r.message,
    });
    writeFileSync(file, message, { mode: 0o600 });
    await ws.transaction(async () => {
      await ws.run("INSERT INTO gov_reminders_sent VALUES ($a, $k, 'email', $d::DATE)", {
        a: r.actionId,
        k: r.kind,
        d: today,
      });
      await recordChange(ws, {
        actor,
        action: 'action.remind',
        entityType: 'action',
        entityId: r.actionId,
        orgUnit: r.ownerUnit,
        after: { kind: r.kind, to },
      });
    });
    written.push(file);
  }
  return { written, skipped };
}

export const HeadReportSchema = z.object({
  asOf: z.string(),
  measures: z.object({
    total: z.number(),
    done: z.number(),
    planned: z.number(),
    late: z.number(),
    byUnit: z.array(z.object({ unit: z.string(), total: z.number(), done: z.number(), late: z.number() })),
  }),
  indicators: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      period: z.string().nullable(),
      value: z.number().nullable(),
      goal: z.number().nullable(),
      onTarget: z.boolean().nullable(),
    }),
  ),
  pending: z.object({
    proposals: z.array(z.object({ id: z.string(), kind: z.string(), summary: z.string(), proposedBy: z.string() })),
    openActions: z.number(),
    overdueActions: z.number(),
  }),
});
export type HeadReport = z.infer<typeof HeadReportSchema>;

/** The report for the head of customs: progress of measures, indicators against goals, decisions pending. */
export async function headReport(ws: Workspace, today: string): Promise<HeadReport> {
  const ms = await listMeasuresWithSchedule(ws, today);
  const isLate = (m: (typeof ms)[number]) => m.status !== 'done' && !!m.expectedDate && m.expectedDate < today;
  const units = [...new Set(ms.map((m) => m.responsibleUnit))].sort();
  const actions = await listActions(ws);
  return {
    asOf: today,
    measures: {
      total: ms.length,
      done: ms.filter((m) => m.status === 'done').length,
      planned: ms.filter((m) => m.status !== 'done').length,
      late: ms.filter(isLate).length,
      byUnit: units.map((u) => {
        const x = ms.filter((m) => m.responsibleUnit === u);
        return {
          unit: u,
          total: x.length,
          done: x.filter((m) => m.status === 'done').length,
          late: x.filter(isLate).length,
        };
      }),
    },
    indicators: (await listIndicators(ws)).map((i) => {
      const last = i.values.at(-1);
      const value = last?.value ?? null;
      return {
        id: i.id,
        name: i.name,
        period: last?.period ?? null,
        value,
        goal: i.goal,
        onTarget: value === null || i.goal === null ? null : value >= i.goal,
      };
    }),
    pending: {
      proposals: (await listProposals(ws, { status: 'pending' })).map((p) => ({
        id: p.id,
        kind: p.kind,
        summary: p.summary,
        proposedBy: p.proposedBy,
      })),
      openActions: actions.filter((a) => a.status !== 'closed').length,
      overdueActions: actions.filter((a) => a.status !== 'closed' && a.dueDate < today).length,
    },
  };
}
