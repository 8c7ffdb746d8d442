// Reporting periods: calendar month, quarter or year, identified by their first day (YYYY-MM-DD).
import { DomainError } from '../../errors/index.ts';

export const PERIODS = ['month', 'quarter', 'year'] as const;
export type PeriodUnit = (typeof PERIODS)[number];

const MONTHS: Record<PeriodUnit, number> = { month: 1, quarter: 3, year: 12 };

/** First day of the period holding an ISO date. */
export function periodStart(isoDate: string, unit: PeriodUnit): string {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7));
  const m0 = unit === 'month' ? m : unit === 'quarter' ? Math.floor((m - 1) / 3) * 3 + 1 : 1;
  return `${String(y).padStart(4, '0')}-${String(m0).padStart(2, '0')}-01`;
}

/** First day of the period after the one starting at `start`. */
export function nextPeriod(start: string, unit: PeriodUnit): string {
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7)) - 1 + MONTHS[unit];
  return `${String(y + Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}-01`;
}

/** '2024-03' (month), '2024-Q1' (quarter), '2024' (year). */
export function periodLabel(start: string, unit: PeriodUnit): string {
  if (unit === 'year') return start.slice(0, 4);
  if (unit === 'month') return start.slice(0, 7);
  return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
}

/** A report never lays out more periods than this (50 years of months): a stray date must not make it run away. */
export const MAX_PERIODS = 600;

/** Every period from the one holding `first` to the one holding `last`, with no gaps. */
export function periodSpine(first: string, last: string, unit: PeriodUnit): string[] {
  const end = periodStart(last, unit);
  const out: string[] = [];
  for (let p = periodStart(first, unit); p <= end; p = nextPeriod(p, unit)) {
    if (out.length === MAX_PERIODS) {
      throw new DomainError(
        `${first} to ${last} spans more than ${MAX_PERIODS} ${unit}s; choose a shorter window (from/to) or a longer period`,
      );
    }
    out.push(p);
  }
  return out;
}
