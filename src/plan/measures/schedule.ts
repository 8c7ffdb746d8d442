// Dependencies between measures (Annex 2 step 3): cycles are refused, a measure cannot be completed before
// the measures it depends on, and a late measure pushes back the ones that depend on it. Pure functions.

import { z } from 'zod';
import { DomainError } from '../../errors/index.ts';
export interface MeasureNode {
  id: string;
  dependsOn: string[];
  /** YYYY-MM-DD or null when only a comment gives the expected completion */
  expectedDate: string | null;
  status: 'planned' | 'done';
  completedOn: string | null;
}

export class DependencyError extends DomainError {}

/** The path target → … → source when `source` would depend on `target`, or null when no cycle arises. */
export function cycleIfAdded(nodes: MeasureNode[], source: string, target: string): string[] | null {
  if (source === target) return [source, source];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Depth-first search from target along dependsOn edges looking for source.
  const seen = new Set<string>();
  const walk = (id: string, path: string[]): string[] | null => {
    if (id === source) return path;
    if (seen.has(id)) return null;
    seen.add(id);
    for (const d of byId.get(id)?.dependsOn ?? []) {
      const p = walk(d, [...path, d]);
      if (p) return p;
    }
    return null;
  };
  const path = walk(target, [target]);
  return path ? [source, ...path] : null;
}

export function assertNoCycle(nodes: MeasureNode[], source: string, target: string): void {
  const cycle = cycleIfAdded(nodes, source, target);
  if (cycle) {
    throw new DependencyError(
      `dependency refused: ${source} depending on ${target} would create a cycle (${cycle.join(' → ')}); ` +
        `'A → B' reads 'A depends on B'`,
    );
  }
}

/** Refuses completing `id` on `on` while a measure it depends on is not done, or was done later. */
export function assertCanComplete(nodes: MeasureNode[], id: string, on: string): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const m = byId.get(id);
  if (!m) throw new DependencyError(`no measure '${id}'`, 'not_found');
  const open = m.dependsOn.map((d) => byId.get(d)!).filter((d) => d && d.status !== 'done');
  if (open.length) {
    throw new DependencyError(
      `${id} cannot be completed before the measures it depends on: ${open.map((d) => d.id).join(', ')} ` +
        `${open.length === 1 ? 'is' : 'are'} not done yet`,
    );
  }
  const later = m.dependsOn.map((d) => byId.get(d)!).filter((d) => d && d.completedOn && d.completedOn > on);
  if (later.length) {
    throw new DependencyError(
      `${id} cannot be completed on ${on}, before the measures it depends on: ` +
        later.map((d) => `${d.id} completed on ${d.completedOn}`).join(', '),
    );
  }
}

export const ScheduleEntrySchema = z.object({
  id: z.string(),
  expectedDate: z.string().nullable(),
  /** earliest date it can now be completed: its own date, today when late, pushed by its dependencies */
  forecastDate: z.string().nullable(),
  late: z.boolean(),
  /** dependencies whose forecast is after this measure's expected date */
  delayedBy: z.array(z.string()),
  /** measures (transitively) depending on this one that it pushes past their expected date */
  pushesBack: z.array(z.string()),
});
export type ScheduleEntry = z.infer<typeof ScheduleEntrySchema>;

const maxDate = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

/** Forecast completion dates. `today` is YYYY-MM-DD. Assumes no cycles (they are refused on entry). */
export function schedule(nodes: MeasureNode[], today: string): ScheduleEntry[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const forecast = new Map<string, string | null>();
  const f = (id: string): string | null => {
    if (forecast.has(id)) return forecast.get(id)!;
    const n = byId.get(id);
    if (!n) return null;
    let d: string | null;
    if (n.status === 'done') d = n.completedOn;
    else {
      d = n.expectedDate !== null && n.expectedDate < today ? today : n.expectedDate;
      for (const dep of n.dependsOn) d = maxDate(d, f(dep));
    }
    forecast.set(id, d);
    return d;
  };
  const entries = nodes.map((n) => {
    const fd = f(n.id);
    const late = n.status !== 'done' && n.expectedDate !== null && n.expectedDate < today;
    const delayedBy =
      n.status === 'done' || n.expectedDate === null
        ? []
        : n.dependsOn.filter((d) => {
            const x = f(d);
            return x !== null && x > n.expectedDate!;
          });
    return { id: n.id, expectedDate: n.expectedDate, forecastDate: fd, late, delayedBy, pushesBack: [] as string[] };
  });
  // A measure pushes back every dependent (transitively) that ends up after its own expected date because of it.
  const dependents = new Map<string, string[]>();
  for (const n of nodes) for (const d of n.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), n.id]);
  const entryOf = new Map(entries.map((e) => [e.id, e]));
  for (const e of entries) {
    const myForecast = e.forecastDate;
    if (myForecast === null) continue;
    const seen = new Set<string>();
    const visit = (id: string) => {
      for (const dep of dependents.get(id) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        const de = entryOf.get(dep)!;
        const dn = byId.get(dep)!;
        if (dn.status !== 'done' && de.expectedDate !== null && myForecast > de.expectedDate) e.pushesBack.push(dep);
        visit(dep);
      }
    };
    visit(e.id);
    e.pushesBack.sort();
  }
  return entries;
}
