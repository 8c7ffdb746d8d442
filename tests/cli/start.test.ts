import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cip } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('cip start (npm start)', () => {
  it('builds a demo workspace when empty, prints Tables 1 and 4 and first-run credentials; a second start reuses it', () => {
    const dir = join(tmpDir(), 'demo');
    const first = cip(['start', '--workspace', dir, '--rows', '20000', '--no-serve']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Generating a demo workspace');
    expect(first.stdout).toContain('Table 1. Distribution by size');
    expect(first.stdout).toMatch(/Total\s+[\d,]+\s+100\.0%/);
    expect(first.stdout).toMatch(
      /Table 4\. Segmentation by size and GRI level — general GRI, default settings, computed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n/,
    );
    // the three operator counts, explained, each with thousands separators; no raw timestamp or configuration id
    const counts =
      /in the operator register\s+([\d,]+)\n\s+with declaration lines \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\)\s+([\d,]+)\n\s+scored: with lines in the GRI window \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\)\s+([\d,]+)\n/.exec(
        first.stdout,
      );
    expect(counts).not.toBeNull();
    const [register, withLines, scored] = counts!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(register).toBeGreaterThanOrEqual(withLines);
    expect(withLines).toBeGreaterThanOrEqual(scored);
    expect(first.stdout).toMatch(new RegExp(`Total\\s+${scored.toLocaleString('en')}\\s+100\\.0%`));
    expect(first.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:|@v\d|\b\d{4,}\b(?!-)/);
    expect(first.stdout).toContain("Next step: run 'npm start' without --no-serve");

    const second = cip(['start', '--workspace', dir, '--no-serve']);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('Generating a demo workspace');
    // Same data, same segmentation: Table 1 is identical.
    const t1 = (s: string) => s.slice(s.indexOf('Table 1.'), s.indexOf('Table 4.'));
    expect(t1(second.stdout)).toBe(t1(first.stdout));
  });
});
