// `cip mapping suggest`: proposes a column mapping from a file's header and a sample of its values.
// Column names are matched to the synonyms of vocabulary.yaml by normalised tokens (en/es/fr/pt); the
// values' shape (dates, 6–10 digit codes, decimals, channel colours, yes/no flags) confirms or vetoes a
// match, sets parsing rules (date format, decimal comma, HS padding) and places columns whose name says nothing.
import { IMPORT_KINDS, kindDef, type FieldDef, type ImportKind } from './fields.ts';
import type { FieldRuleObject, Mapping } from './mapping.ts';
import { booleanWords, tokens, vocabulary } from './vocabulary.ts';

const STOPWORDS = new Set([
  'of',
  'de',
  'du',
  'da',
  'do',
  'des',
  'la',
  'le',
  'el',
  'the',
  'd',
  'l',
  'del',
  'en',
  'no',
  'nr',
  'nro',
  'num',
]);

function nameTokens(s: string): string[] {
  const t = tokens(s).filter((x) => !STOPWORDS.has(x));
  return t.length ? t : tokens(s);
}

export interface Placement {
  field: string;
  column: string;
  score: number;
  why: string;
}

export interface Suggestion {
  kind: ImportKind;
  mapping: Mapping;
  placements: Placement[];
  /** Required fields no column could be matched to. */
  missing: string[];
  /** Columns without a field (kept in `extra`). */
  unmapped: string[];
  /** Yes/no or channel fields placed on a column whose sample holds values the importer would reject. */
  unknownValues: { field: string; column: string; values: string[] }[];
}

export interface Shape {
  filled: number;
  date?: string; // detected format, e.g. dd/mm/yyyy
  code: boolean; // 6–10 digit codes (dots allowed)
  codeLengths: Set<number>;
  number?: { decimal: '.' | ','; thousands: '' | ',' | '.' | ' ' };
  channel: boolean;
  flag: boolean;
  /** Values are finding words (with/without discrepancy, positive/negative ...) or flags, at least one word. */
  findingWords: boolean;
  /** Values are inspection words (physical, documentary, none ...) or flags, at least one word. */
  inspectionWords: boolean;
  /** The distinct upper-cased values (at most 50), to spot values no parser knows. */
  distinct: string[];
}

/** Name score in [0, 1]: 1 for a whole-name synonym, less when a synonym's tokens are only part of the name. */
export function nameScore(column: string, synonyms: string[]): { score: number; synonym?: string } {
  const ct = nameTokens(column);
  const joined = ct.join(' ');
  let best = { score: 0, synonym: undefined as string | undefined };
  for (const syn of synonyms) {
    const st = nameTokens(syn);
    let score = 0;
    if (st.join(' ') === joined || st.join('') === ct.join('')) score = 1;
    else if (st.every((t) => ct.includes(t))) score = 0.55 + 0.3 * (st.length / ct.length);
    if (score > best.score) best = { score, synonym: syn };
  }
  return best;
}

const DATE_SHAPES: { re: RegExp; formats: (v: string[]) => string | undefined }[] = [
  { re: /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$/, formats: () => 'yyyy-mm-dd' },
  { re: /^\d{4}\/\d{1,2}\/\d{1,2}$/, formats: () => 'yyyy/mm/dd' },
  {
    re: /^\d{8}$/,
    formats: (v) =>
      v.every((x) => /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(x)) ? 'yyyymmdd' : undefined,
  },
  {
    re: /^\d{1,2}([/.-])\d{1,2}\1\d{2,4}( \d{1,2}:\d{2}(:\d{2})?)?$/,
    formats: (v) => {
      const sep = v[0].match(/^\d{1,2}([/.-])/)![1];
      const parts = v.map((x) => x.split(' ')[0].split(sep).map(Number));
      const yyyy = v.every((x) => /\d{4}( |$)/.test(x)) ? 'yyyy' : 'yy';
      const mmFirst = parts.some((p) => p[1] > 12) && parts.every((p) => p[0] <= 12);
      return mmFirst ? `mm${sep}dd${sep}${yyyy}` : `dd${sep}mm${sep}${yyyy}`;
    },
  },
];

/** What the sample values of one column look like. */
export function shapeOf(values: (string | null | undefined)[]): Shape {
  const v = values.map((x) => (x ?? '').trim()).filter((x) => x !== '');
  const shape: Shape = {
    filled: v.length,
    code: false,
    codeLengths: new Set(),
    channel: false,
    flag: false,
    findingWords: false,
    inspectionWords: false,
    distinct: [],
  };
  if (v.length === 0) return shape;
  // Most values (80%) decide the shape, so a few broken values do not hide a column's nature.
  const all = (re: RegExp) => v.filter((x) => re.test(x)).length >= 0.8 * v.length;
  for (const d of DATE_SHAPES) {
    if (all(d.re)) {
      shape.date = d.formats(v.filter((x) => d.re.test(x)));
      if (shape.date) break;
    }
  }
  const vocab = vocabulary();
  const up = v.map((x) => x.toUpperCase());
  const flagWords = new Set([...vocab.booleans.true, ...vocab.booleans.false]);
  shape.flag = new Set(up).size <= 3 && up.every((x) => flagWords.has(x));
  shape.distinct = [...new Set(up)].slice(0, 50);
  for (const [key, list] of [
    ['findingWords', vocab.findings],
    ['inspectionWords', vocab.inspections],
  ] as const) {
    const words = new Set([...list.true, ...list.false]);
    shape[key] = up.some((x) => words.has(x)) && up.every((x) => words.has(x) || flagWords.has(x));
  }
  const mostly = (pred: (x: string) => boolean) => up.filter(pred).length >= 0.8 * up.length;
  const channelWords = new Set(Object.entries(vocab.channels).flatMap(([k, w]) => [k.toUpperCase(), ...w]));
  shape.channel = !shape.flag && mostly((x) => channelWords.has(x)) && up.some((x) => x.length > 1);
  if (all(/^\d[\d.\s]*$/)) {
    const lengths = v.filter((x) => /^\d[\d.\s]*$/.test(x)).map((x) => x.replace(/\D/g, '').length);
    shape.codeLengths = new Set(lengths);
    shape.code = lengths.filter((l) => l >= 5 && l <= 10).length >= 0.8 * v.length && !shape.date;
  }
  if (all(/^-?\d+(\.\d+)?$/)) shape.number = { decimal: '.', thousands: '' };
  else if (all(/^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$/)) shape.number = { decimal: '.', thousands: ',' };
  else if (all(/^-?\d+(,\d+)?$/)) shape.number = { decimal: ',', thousands: '' };
  else if (all(/^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+(,\d+)?$/)) shape.number = { decimal: ',', thousands: '.' };
  else if (all(/^-?\d{1,3}([\s\u00a0\u202f]\d{3})+(,\d+)?$|^-?\d+(,\d+)?$/))
    shape.number = { decimal: ',', thousands: ' ' };
  return shape;
}

/** How well a column's values fit a field's type: a multiplier on the name score (below 0.5 needs a better name). */
function shapeFit(f: FieldDef, s: Shape): number {
  if (s.filled === 0) return 0.8;
  switch (f.type) {
    case 'date':
      return s.date ? 1.15 : 0.5;
    case 'hs':
      return s.code ? 1.15 : 0.3;
    case 'number':
      return s.number ? 1.05 : 0.5;
    case 'integer':
      return s.number && s.number.decimal === '.' ? 1 : 0.2;
    case 'boolean':
      if ((f.words === 'findings' && s.findingWords) || (f.words === 'inspections' && s.inspectionWords)) return 1.15;
      if (s.flag) return 1.1;
      // A few distinct words a list does not know: placed on a good name, with the values reported (unknownValues).
      return f.words && s.distinct.length <= 6 && !s.date && !s.number ? 0.6 : 0.2;
    case 'channel':
      return s.channel ? 1.2 : 0.3;
    default:
      return s.date ? 0.3 : 1;
  }
}

function ruleFor(f: FieldDef, column: string, s: Shape): FieldRuleObject | string {
  const r: FieldRuleObject = { column };
  if (f.type === 'date' && s.date && s.date !== 'yyyy-mm-dd') r.format = s.date;
  if (f.type === 'number' && s.number) {
    if (s.number.decimal === ',') r.decimal = ',';
    if (s.number.thousands) r.thousands = s.number.thousands;
  }
  if (f.type === 'hs' && s.codeLengths.size > 0) {
    const max = Math.max(...s.codeLengths);
    const target = [6, 8, 10].find((l) => l >= max);
    if (target && [...s.codeLengths].some((l) => l < target) && [...s.codeLengths].every((l) => l >= target - 1))
      r.pad = target;
  }
  return Object.keys(r).length === 1 ? column : r;
}

export function suggestMapping(
  kind: ImportKind,
  header: string[],
  sample: Record<string, string | null>[],
): Suggestion {
  if (!IMPORT_KINDS.includes(kind)) throw new Error(`unknown kind ${kind}`);
  const def = kindDef(kind);
  const synonyms = vocabulary().fields[kind] ?? {};
  const shapes = new Map(header.map((c) => [c, shapeOf(sample.map((r) => r[c]))]));
  const candidates: Placement[] = [];
  for (const f of def.fields) {
    const syn = [f.name.replace(/_/g, ' '), ...(synonyms[f.name] ?? [])];
    for (const c of header) {
      const ns = nameScore(c, syn);
      if (ns.score === 0) continue;
      const score = ns.score * shapeFit(f, shapes.get(c)!);
      if (score >= 0.5) candidates.push({ field: f.name, column: c, score, why: `name matches '${ns.synonym}'` });
    }
  }
  const placements = assign(candidates);
  // Required fields still unplaced: try the values' shape alone (a date column, a 6–10 digit code column).
  const usedCols = new Set(placements.map((p) => p.column));
  const placed = new Set(placements.map((p) => p.field));
  for (const f of def.fields.filter((x) => x.required && !placed.has(x.name))) {
    const free = header.filter((c) => !usedCols.has(c));
    const pick =
      f.type === 'date'
        ? free.filter((c) => shapes.get(c)!.date)
        : f.type === 'hs'
          ? free.filter((c) => shapes.get(c)!.code)
          : [];
    if (pick.length === 1) {
      placements.push({
        field: f.name,
        column: pick[0],
        score: 0.5,
        why: `only column whose values look like ${f.type === 'hs' ? 'HS codes' : 'dates'}`,
      });
      usedCols.add(pick[0]);
      placed.add(f.name);
    }
  }
  // Outcomes: a column of finding (or inspection) words is the finding (inspected) field whatever its name.
  for (const f of def.fields.filter((x) => x.words && !placed.has(x.name))) {
    const free = header.filter((c) => !usedCols.has(c));
    const pick = free.filter((c) =>
      f.words === 'findings' ? shapes.get(c)!.findingWords : shapes.get(c)!.inspectionWords,
    );
    if (pick.length === 1) {
      placements.push({
        field: f.name,
        column: pick[0],
        score: 0.5,
        why: `only column whose values are ${f.words === 'findings' ? 'finding' : 'inspection'} words`,
      });
      usedCols.add(pick[0]);
      placed.add(f.name);
    }
  }
  const fields: Mapping['fields'] = {};
  for (const f of def.fields) {
    const p = placements.find((x) => x.field === f.name);
    if (p) fields[f.name] = ruleFor(f, p.column, shapes.get(p.column)!);
  }
  // No inspection column but a channel: inspected = yellow or red channel.
  if (kind === 'declarations' && !placed.has('inspected') && placed.has('channel')) {
    const ch = placements.find((x) => x.field === 'channel')!;
    fields.inspected = { derive: 'from_channel' };
    placements.push({
      field: 'inspected',
      column: ch.column,
      score: ch.score,
      why: 'derived from the channel: yellow or red = inspected',
    });
  }
  const unknownValues = placements.flatMap((p) => {
    const f = def.fields.find((x) => x.name === p.field)!;
    if (f.type !== 'boolean' && f.type !== 'channel') return [];
    if (fields[p.field] && typeof fields[p.field] === 'object' && 'derive' in (fields[p.field] as object)) return [];
    const known =
      f.type === 'channel'
        ? new Set(Object.entries(vocabulary().channels).flatMap(([k, w]) => [k.toUpperCase(), ...w]))
        : new Set([...booleanWords(f.words).true, ...booleanWords(f.words).false]);
    const values = shapes.get(p.column)!.distinct.filter((x) => !known.has(x));
    return values.length ? [{ field: p.field, column: p.column, values }] : [];
  });
  const missing = def.fields.filter((f) => f.required && !placed.has(f.name)).map((f) => f.name);
  return {
    kind,
    mapping: { kind, fields, extra: 'all' },
    placements: def.fields.flatMap((f) => placements.filter((p) => p.field === f.name)),
    missing,
    unmapped: header.filter((c) => !usedCols.has(c)),
    unknownValues,
  };
}

/** Greedy one-to-one assignment, best score first. */
function assign(candidates: Placement[]): Placement[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const fields = new Set<string>();
  const cols = new Set<string>();
  const out: Placement[] = [];
  for (const c of sorted) {
    if (fields.has(c.field) || cols.has(c.column)) continue;
    fields.add(c.field);
    cols.add(c.column);
    out.push({ ...c, score: Math.round(c.score * 100) / 100 });
  }
  return out;
}
