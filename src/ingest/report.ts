// Text rendering of import summaries and data-quality issues for the terminal.
import type { QualityIssue } from './quality.ts';
import type { ImportResult } from './importer.ts';
import type { OutcomeReport } from './outcomes.ts';

/** The outcome statements: what the lines hold, then each analysis that is off as a warning line. */
export function formatOutcomes(o: OutcomeReport): string {
  return o.statements.map((m, i) => (i === 0 ? m.text : `warning: ${m.text}`)).join('\n');
}

const fmt = (n: number) => n.toLocaleString('en');
/** Problems a value list (map: in the mapping) solves. */
const MAPPABLE = new Set(['unparseable_boolean', 'unknown_channel', 'unknown_selection_reason']);

export function formatIssues(issues: QualityIssue[]): string {
  const out: string[] = [];
  for (const sev of ['error', 'warning'] as const) {
    const list = issues.filter((i) => i.severity === sev);
    if (list.length === 0) continue;
    out.push(sev === 'error' ? 'Errors (rows rejected):' : 'Warnings (rows kept):');
    for (const i of list) {
      const unit = i.code === 'operator_not_in_operators' ? 'operators' : 'rows';
      out.push(`  ${i.code}  file ${i.file ?? '-'}  column ${i.column ?? '-'}: ${fmt(i.count)} ${unit}`);
      for (const e of i.examples) {
        const value = e.value === null ? 'empty' : `'${visible(e.value)}'`;
        out.push(`    row ${e.row}, column ${e.column ?? '-'}: ${value} — ${e.message}`);
      }
      if (i.values?.length)
        out.push(
          `    values seen: ${i.values.map((v) => `${v.value === null ? 'empty' : `'${v.value}'`} (${fmt(v.rows)} rows)`).join(', ')}`,
        );
      if (MAPPABLE.has(i.code))
        out.push(
          `    → give these values a meaning under map: for column ${i.column ?? '-'} in the mapping and import again`,
        );
    }
  }
  return out.join('\n');
}

export function formatImport(r: ImportResult): string {
  const s = r.summary;
  const lines: string[] = [];
  if (r.alreadyImported) {
    lines.push(
      `${r.file} was already imported (import #${r.alreadyImported.importId}, ${r.alreadyImported.finishedAt.slice(0, 19)}): nothing added.`,
    );
  } else {
    lines.push(`Imported ${r.file} as ${r.kind} (import #${r.importId}).`);
  }
  const w = Math.max(...[s.read, s.imported, s.rejected, s.duplicates].map((n) => fmt(n).length));
  lines.push(
    `  read        ${fmt(s.read).padStart(w)}`,
    `  imported    ${fmt(s.imported).padStart(w)}`,
    `  rejected    ${fmt(s.rejected).padStart(w)}`,
    `  duplicates  ${fmt(s.duplicates).padStart(w)}`,
  );
  const issues = formatIssues(r.issues);
  if (issues) lines.push('', issues);
  if (s.rejected > 0)
    lines.push(
      '',
      `Rejected rows are kept with their reasons: cip quality --rejects rejects.csv --import ${r.importId}`,
    );
  if (r.outcomes) lines.push('', formatOutcomes(r.outcomes));
  return lines.join('\n');
}

/** Control characters shown as U+XXXX, so a NUL or an escape sequence in a value cannot hide or act on a terminal. */
export function visible(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}
