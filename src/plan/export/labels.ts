// Texts of the exports (Word, Excel) in en/es/fr/pt — the one mechanism for every context's export label file
// (src/plan/data/export-labels.yaml, src/governance/export-labels.yaml). A file has five sections: sheets (sheet
// titles), tabs (sheet names, ≤ 31 characters), columns (headers), document (fixed text with {name} placeholders)
// and values (codes shown as words). Every entry carries the four languages; a file missing one fails to load.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { LANGUAGES, type Language } from '../config.ts';
import { DomainError } from '../../errors/index.ts';

const entry = z.object({ en: z.string(), es: z.string(), fr: z.string(), pt: z.string() }).strict();
const section = z.record(z.string(), entry).default({});
const fileSchema = z
  .object({ sheets: section, tabs: section, columns: section, document: section, values: section })
  .strict();
export type ExportLabels = z.infer<typeof fileSchema>;
type Section = keyof ExportLabels;
export type Vars = Record<string, string | number | null | undefined>;

const cache = new Map<string, ExportLabels>();
/** Loads (once) and checks a label file. */
export function loadExportLabels(file: URL): ExportLabels {
  const path = fileURLToPath(file);
  let l = cache.get(path);
  if (!l) {
    const r = fileSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!r.success) {
      const i = r.error.issues[0];
      throw new Error(`${path}: ${i.path.join('.')}: ${i.message}`);
    }
    l = r.data;
    cache.set(path, l);
  }
  return l;
}

export const PLAN_LABELS = new URL('../data/export-labels.yaml', import.meta.url);

/** The texts of one label file in one language. */
export class ExportText {
  readonly labels: ExportLabels;
  constructor(
    file: URL,
    readonly lang: Language,
  ) {
    this.labels = loadExportLabels(file);
  }
  private get(section: Section, key: string, vars: Vars = {}): string {
    const l = this.labels[section][key];
    if (!l) throw new Error(`no export label '${section}.${key}'`);
    return l[this.lang].replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
  }
  has(section: Section, key: string): boolean {
    return key in this.labels[section];
  }
  doc(key: string, vars?: Vars): string {
    return this.get('document', key, vars);
  }
  col(code: string): string {
    return this.get('columns', code);
  }
  sheet(code: string): string {
    return this.get('sheets', code);
  }
  tab(code: string): string {
    return this.get('tabs', code);
  }
  /** A code shown as a word; a code without a label (a user's own value) is shown as it is. */
  value(code: string | null | undefined): string {
    if (code === null || code === undefined) return '';
    return this.has('values', code) ? this.get('values', code) : code;
  }
}

export const asLanguage = (v: string | null | undefined): Language | null =>
  v && (LANGUAGES as readonly string[]).includes(v) ? (v as Language) : null;

/** A language option's value (CLI --lang); anything else is a refusal naming the option. */
export function parseLanguage(v: string, option = '--lang'): Language {
  const l = asLanguage(v.trim().toLowerCase());
  if (!l) throw new DomainError(`${option}: expected one of ${LANGUAGES.join(', ')}, got '${v}'`, 'invalid');
  return l;
}
