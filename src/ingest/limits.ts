// Plausibility limits (quality-rules.yaml, `limits`): the dates, amounts, text, columns and line lengths an import
// accepts. compile.ts turns them into row checks (a row outside is rejected with its rule), source.ts into file
// checks; the same predicates find rows that older versions let in (quarantine.ts).
import type { FieldDef } from './fields.ts';
import { qualityRules } from './quality.ts';

export interface ImportLimits {
  dateMin: string;
  /** The last accepted date: today + days_ahead (UTC). */
  dateMax: string;
  amountMax: number;
  maxColumns: number;
  maxLineBytes: number;
}

export function importLimits(today = new Date()): ImportLimits {
  const l = qualityRules().limits;
  const max = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + l.days_ahead));
  return {
    dateMin: l.date_min,
    dateMax: max.toISOString().slice(0, 10),
    amountMax: l.amount_max,
    maxColumns: l.max_columns,
    maxLineBytes: l.max_line_bytes,
  };
}

/** SQL: true when the text x holds a control character (NUL included). */
export const hasControlChar = (x: string) => `regexp_matches(${x}, '[[:cntrl:]]')`;

/** A rule a stored value can break: its SQL condition over column `x`, its code and its sentence. */
export interface LimitRule {
  code: string;
  cond: (x: string) => string;
  message: (field: string) => string;
  /** The parameters of its sentence in messages.yaml (reject.<code>), besides the field. */
  params: Record<string, string | number>;
}

/** The rules of one canonical field (none for booleans, channels, HS codes and integers). Literals only, no params. */
export function limitRules(f: FieldDef, l: ImportLimits): LimitRule[] {
  switch (f.type) {
    case 'date':
      return [
        {
          code: 'date_out_of_range',
          cond: (x) => `(${x} < DATE '${l.dateMin}' OR ${x} > DATE '${l.dateMax}')`,
          message: (n) =>
            `${n}: expected a date from ${l.dateMin} to ${l.dateMax} (quality-rules.yaml limits.date_min, days_ahead)`,
          params: { min: l.dateMin, max: l.dateMax },
        },
      ];
    case 'number':
      return [
        {
          code: 'amount_out_of_range',
          cond: (x) => `(NOT isfinite(${x}) OR abs(${x}) > ${l.amountMax})`,
          message: (n) =>
            `${n}: expected a finite number of at most ${l.amountMax} (quality-rules.yaml limits.amount_max)`,
          params: { max: l.amountMax },
        },
      ];
    case 'string':
      return [
        {
          code: 'control_character',
          cond: hasControlChar,
          message: (n) =>
            `${n}: control characters (such as NUL, tab or line breaks) are not allowed in a code or name`,
          params: {},
        },
      ];
    default:
      return [];
  }
}
