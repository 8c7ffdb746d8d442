// PCA plan ranking on hand-made data (the KPI fixture plus a hand-made GRI run).
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { tmpDir } from '../helpers/tmp.ts';
import { cip } from '../helpers/cli.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { pcaPlan, type PcaPlan } from '../../src/measure/pca/index.ts';
import { buildKpiWorkspace } from './kpi-fixture.ts';

const root = tmpDir();
const dir = join(root, 'ws');
const empty = join(root, 'empty');

beforeAll(async () => {
  await buildKpiWorkspace(dir);
  const ws = await Workspace.open(dir);
  try {
    await ws.run(`INSERT INTO operator_segments VALUES
      ('A', 'large', 5000, 4, 0.6, 'medium', 'c1', TIMESTAMP '2024-12-01 10:00:00'),
      ('B', 'medium', 4500, 5, 0.8, 'high', 'c1', TIMESTAMP '2024-12-01 10:00:00'),
      ('C', 'small', 5500, 4, 0.5, 'high', 'c1', TIMESTAMP '2024-12-01 10:00:00')`);
    await ws.run(`INSERT INTO operator_indicator_flags VALUES ('B', 'repeat_offender', 3, true, '3 offences in the window (threshold 2)'),
      ('B', 'risky_hs', 0.1, false, 'not raised')`);
  } finally {
    ws.close();
  }
  (await Workspace.open(empty, { create: true })).close();
});

async function plan(o: Partial<Parameters<typeof pcaPlan>[1]>): Promise<PcaPlan> {
  const ws = await Workspace.open(dir);
  try {
    return await pcaPlan(ws, { capacity: 10, ...o });
  } finally {
    ws.close();
  }
}

describe('PCA plan', () => {
  it('6-month window: nobody audited (× 1.5), A never inspected (× 1.25)', async () => {
    const p = await plan({ windowMonths: 6 });
    expect(p.window).toEqual({ start: '2024-05-15', end: '2024-11-15' });
    expect(p.candidates.map((c) => [c.operator_id, c.value_at_risk, c.priority])).toEqual([
      ['A', 3000, 3000 * 1.5 * 1.25],
      ['B', 3600, 3600 * 1.5],
      ['C', 2750, 2750 * 1.5],
    ]);
    expect(p.candidates[1].reasons).toEqual([
      'GRI 0.800 (high risk, medium operator)',
      'value at risk 3,600 = GRI × value 4,500',
      'no post-clearance audit after 2024-05-15 (last 2024-05-10): priority × 1.5',
      '2 inspected line(s) in the window, 1 with a finding',
      'repeat_offender: 3 offences in the window (threshold 2)',
    ]);
  });
  it('12-month window: all audited; only A lacks inspection, and still outranks B', async () => {
    const p = await plan({ windowMonths: 12 });
    expect(p.candidates.map((c) => [c.operator_id, c.audits_in_window, c.inspected_lines, c.priority])).toEqual([
      ['A', 1, 0, 3750],
      ['B', 1, 4, 3600],
      ['C', 1, 3, 2750],
    ]);
  });
  it('capacity and minimum risk level limit the list', async () => {
    expect((await plan({ windowMonths: 12, capacity: 1 })).candidates.map((c) => c.operator_id)).toEqual(['A']);
    const p = await plan({ windowMonths: 12, minLevel: 'high' });
    expect([p.eligible, p.candidates.map((c) => c.operator_id)]).toEqual([2, ['B', 'C']]);
  });
  it('cip pca-plan --csv writes one quoted row per candidate', () => {
    const out = join(root, 'plan.csv');
    const r = cip(['pca-plan', '-w', dir, '--capacity', '2', '--window-months', '12', '--csv', out]);
    expect(r.stdout).toContain(`Wrote 2 candidates to ${out}`);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toBe(
      'rank,operator_id,name,size_segment,risk_level,gri,total_value,value_at_risk,audits_in_window,last_audit,inspected_lines,findings,priority,reasons',
    );
    expect(lines[1]).toMatch(
      /^1,A,Alfa SA,large,medium,0\.6,5000,3000,1,2024-02-01,0,0,3750,"GRI 0\.600 \(medium risk, large operator\) \| value at risk 3,000/,
    );
    expect(lines).toHaveLength(4);
  });
  it('asks for a GRI run first', () => {
    const r = cip(['pca-plan', '-w', empty, '--capacity', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: no GRI computed yet (operator_segments is empty): run 'cip gri compute' first\n");
  });
});
