import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import fc from 'fast-check';
import { Workspace } from '../../src/workspace/workspace.ts';
import { listHistory } from '../../src/history/history.ts';
import { saveVulnerability } from '../../src/plan/register/store.ts';
import {
  addDependency,
  completeMeasure,
  listMeasuresWithSchedule,
  parseExpected,
  saveMeasure,
  type MeasureFields,
} from '../../src/plan/measures/store.ts';
import { listIndicators, recordIndicatorValue, saveIndicator } from '../../src/plan/measures/indicators.ts';
import { cycleIfAdded, schedule, type MeasureNode } from '../../src/plan/measures/schedule.ts';
import { cip } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

// These tests spawn the real CLI; on a loaded 2-core machine each start can take many seconds.
const CLI_TIMEOUT = 300_000;

const node = (id: string, dependsOn: string[] = [], expectedDate: string | null = null): MeasureNode => ({
  id,
  dependsOn,
  expectedDate,
  status: 'planned',
  completedOn: null,
});

describe('dependency rules (pure)', () => {
  it('finds the cycle a new dependency would close', () => {
    const nodes = [node('A', ['B']), node('B', ['C']), node('C')];
    expect(cycleIfAdded(nodes, 'C', 'A')).toEqual(['C', 'A', 'B', 'C']);
    expect(cycleIfAdded(nodes, 'A', 'C')).toBeNull();
    expect(cycleIfAdded(nodes, 'A', 'A')).toEqual(['A', 'A']);
  });

  it('property: adding only edges that close no cycle keeps every graph acyclic', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), { maxLength: 40 }),
        (edges) => {
          const nodes = Array.from({ length: 8 }, (_, i) => node(`M${i}`));
          for (const [a, b] of edges) if (!cycleIfAdded(nodes, `M${a}`, `M${b}`)) nodes[a].dependsOn.push(`M${b}`);
          // topological order exists: repeatedly remove nodes without remaining dependencies
          const left = new Set(nodes.map((n) => n.id));
          let progress = true;
          while (progress) {
            progress = false;
            for (const n of nodes)
              if (left.has(n.id) && n.dependsOn.every((d) => !left.has(d))) {
                left.delete(n.id);
                progress = true;
              }
          }
          return left.size === 0;
        },
      ),
    );
  });

  it('a late dependency pushes back the measures depending on it (transitively)', () => {
    // Note Annex 2: procedures (1.1.2) before IT changes (1.1.3) and legal drafting (1.1.1).
    const nodes = [
      node('PROC', [], '2023-01-31'),
      node('IT', ['PROC'], '2023-06-30'),
      node('LEGAL', ['PROC'], '2023-06-30'),
      node('LAW2', ['LEGAL'], '2023-09-30'),
    ];
    const s = new Map(schedule(nodes, '2023-08-15').map((e) => [e.id, e]));
    expect(s.get('PROC')).toMatchObject({ late: true, forecastDate: '2023-08-15', pushesBack: ['IT', 'LEGAL'] });
    expect(s.get('IT')).toMatchObject({ late: true, forecastDate: '2023-08-15', delayedBy: ['PROC'] });
    expect(s.get('LAW2')).toMatchObject({ late: false, forecastDate: '2023-09-30', delayedBy: [] });
    const s2 = new Map(
      schedule([...nodes.slice(0, 3), node('LAW2', ['LEGAL'], '2023-07-15')], '2023-08-15').map((e) => [e.id, e]),
    );
    expect(s2.get('PROC')!.pushesBack).toEqual(['IT', 'LAW2', 'LEGAL']);
  });

  it('expected completion: date, month or free comment', () => {
    expect(parseExpected('2023-06')).toEqual({ date: '2023-06-30', comment: null });
    expect(parseExpected('2024-02')).toEqual({ date: '2024-02-29', comment: null });
    expect(parseExpected('To be included in the upcoming customs reform package')).toEqual({
      date: null,
      comment: 'To be included in the upcoming customs reform package',
    });
    expect(() => parseExpected('2023-02-30')).toThrow("expected completion '2023-02-30' is not a valid date");
  });
});

describe('measures and indicators in a workspace', () => {
  it('rejects cycles, refuses completing before dependencies, versions every change', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'm'), { create: true });
    await saveVulnerability(ws, 'ana', {
      processCode: '1.1.2',
      description: 'Insufficient and untimely sea manifest data',
      institutionalRisk: 'processes',
      complianceRisks: 'contraband',
      effects: 'medium,high,high,medium',
      occurrence: '2023=Y',
    });
    const base: MeasureFields = {
      vulnId: 'V-001',
      description: 'Amend the customs operational manual',
      responsibleUnit: 'Operations',
      supportingUnits: ['Risk management', 'IT', 'Legal'],
      expectedDate: '2023-01-31',
      expectedComment: null,
      dependsOn: [],
      status: 'planned',
      completedOn: null,
    };
    await saveMeasure(ws, 'ana', base);
    await saveMeasure(ws, 'ana', {
      ...base,
      description: 'Reconcile manifest with discharge data',
      dependsOn: ['M-001'],
    });
    await saveMeasure(ws, 'ana', {
      ...base,
      description: 'Develop cargo status monitoring',
      responsibleUnit: 'IT',
      dependsOn: ['M-002'],
    });
    await expect(addDependency(ws, 'bo', 'M-001', 'M-003')).rejects.toThrow(
      "dependency refused: M-001 depending on M-003 would create a cycle (M-001 → M-003 → M-002 → M-001); 'A → B' reads 'A depends on B'",
    );
    await expect(completeMeasure(ws, 'bo', 'M-002', '2023-02-01')).rejects.toThrow(
      'M-002 cannot be completed before the measures it depends on: M-001 is not done yet',
    );
    await completeMeasure(ws, 'bo', 'M-001', '2023-03-01');
    await expect(completeMeasure(ws, 'bo', 'M-002', '2023-02-15')).rejects.toThrow(
      'M-002 cannot be completed on 2023-02-15, before the measures it depends on: M-001 completed on 2023-03-01',
    );
    const m2 = await completeMeasure(ws, 'bo', 'M-002', '2023-03-10');
    expect(m2).toMatchObject({ status: 'done', completedOn: '2023-03-10', version: 2 });
    const list = await listMeasuresWithSchedule(ws, '2023-04-01');
    expect(list.find((m) => m.id === 'M-003')!.schedule).toMatchObject({ late: true, forecastDate: '2023-04-01' });
    const h = await listHistory(ws, { entityType: 'measure' });
    expect(h.map((e) => e.action)).toEqual([
      'measures.done',
      'measures.done',
      'measures.add',
      'measures.add',
      'measures.add',
    ]);
    ws.close();
  });

  it('indicator values per period with corrections as new rows (Table A2.4)', async () => {
    const ws = await Workspace.open(join(tmpDir(), 'i'), { create: true });
    await saveVulnerability(ws, 'ana', {
      processCode: '1.1.2',
      description: 'Insufficient and untimely sea manifest data',
      institutionalRisk: 'processes',
      complianceRisks: 'contraband',
      effects: 'medium,high,high,medium',
      occurrence: '',
    });
    const { indicator } = await saveIndicator(ws, 'ana', {
      vulnId: 'V-001',
      measureId: null,
      name: 'Shipping lines filing in advance',
      numeratorLabel: 'Number of shipping lines filing complete and timely sea manifest data in advance',
      denominatorLabel: 'Total number of shipping lines in operation',
      goal: 100,
    });
    await recordIndicatorValue(ws, 'ana', indicator.id, '2024', 12, 44);
    await recordIndicatorValue(ws, 'bo', indicator.id, '2024', 12, 43); // correction
    await recordIndicatorValue(ws, 'bo', indicator.id, '2025', 20, 43);
    const [i] = await listIndicators(ws);
    expect(i.values.map((v) => [v.period, v.numerator, v.denominator, v.value])).toEqual([
      ['2024', 12, 43, 27.9],
      ['2025', 20, 43, 46.5],
    ]);
    expect(i.change).toBe(18.6);
    expect(await ws.scalar('SELECT count(*) FROM plan_indicator_values')).toBe(3);
    await expect(recordIndicatorValue(ws, 'bo', indicator.id, '2026', 1, 0)).rejects.toThrow(
      "denominator '0' is not a number > 0",
    );
    ws.close();
  });

  it(
    'CLI: a cycle is rejected with a clear message and exit code 1; completion before a dependency refused',
    async () => {
      const dir = join(tmpDir(), 'c');
      const ws = await Workspace.open(dir, { create: true });
      await saveVulnerability(ws, 'ana', {
        processCode: '1.1.1',
        description: 'Manifest data',
        institutionalRisk: 'legal',
        complianceRisks: '',
        effects: 'medium,high,high,medium',
        occurrence: '',
      });
      const m: MeasureFields = {
        vulnId: 'V-001',
        description: 'Procedures',
        responsibleUnit: 'Operations',
        supportingUnits: [],
        expectedDate: '2023-01-31',
        expectedComment: null,
        dependsOn: [],
        status: 'planned',
        completedOn: null,
      };
      await saveMeasure(ws, 'ana', m);
      await saveMeasure(ws, 'ana', {
        ...m,
        description: 'Law',
        responsibleUnit: 'Legal',
        expectedDate: '2023-02-28',
        dependsOn: ['M-001'],
      });
      ws.close();
      const w = ['--workspace', dir];
      const r = cip(['measures', 'depend', 'M-001', '--on', 'M-002', ...w]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        "error: dependency refused: M-001 depending on M-002 would create a cycle (M-001 → M-002 → M-001); 'A → B' reads 'A depends on B'\n",
      );
      const done = cip(['measures', 'done', 'M-002', '--on', '2023-02-01', ...w]);
      expect(done.stderr).toBe(
        'error: M-002 cannot be completed before the measures it depends on: M-001 is not done yet\n',
      );
      const list = cip(['measures', 'list', '--today', '2023-03-01', ...w]).stdout;
      expect(list).toMatch(/M-001 .* LATE; pushes back M-002/);
    },
    CLI_TIMEOUT,
  );
});
