// Property: an action assigned at meeting i and closed at meeting j (or never) is on the agenda of exactly the
// meetings after i up to and including j — once each — whatever the order in which things were recorded.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { carriedInto, type Action, type Meeting } from '../../src/governance/index.ts';

const meeting = (k: number): Meeting => ({
  ref: `RMC-2026-${String(k + 1).padStart(2, '0')}`,
  heldOn: `2026-${String(k + 1).padStart(2, '0')}-15`,
  chair: 'c',
  chairMemberId: null,
  title: null,
  createdBy: 'x',
  signedBy: null,
  signedAt: null,
  status: 'open',
  attendees: [],
  signatures: [],
});

describe('carriedInto', () => {
  it('property: carried from the meeting after assignment until (and including) the closing meeting, never twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.tuple(fc.nat(), fc.option(fc.nat(), { nil: null }), fc.boolean()), { maxLength: 12 }),
        (n, specs) => {
          const ms = Array.from({ length: n }, (_, k) => meeting(k));
          const actions: Action[] = specs.map(([a, c, progress], idx) => {
            const from = a % n;
            const closeAt = c === null || from + 1 + (c % n) >= n ? null : from + 1 + (c % n);
            const updates: Action['updates'] = [];
            if (progress && from + 1 < n)
              updates.push({
                status: 'in_progress',
                note: null,
                ref: ms[from + 1].ref,
                onDate: ms[from + 1].heldOn,
                by: 'x',
              });
            if (closeAt !== null)
              updates.push({ status: 'closed', note: null, ref: ms[closeAt].ref, onDate: ms[closeAt].heldOn, by: 'x' });
            return {
              id: `A-${idx}`,
              ref: ms[from].ref,
              decisionId: null,
              description: 'd',
              ownerUnit: 'u',
              dueDate: '2026-12-31',
              createdBy: 'x',
              status: closeAt === null ? 'open' : 'closed',
              closedIn: null,
              closedOn: null,
              updates,
            };
          });
          for (let k = 0; k < n; k++) {
            const got = carriedInto(ms[k], actions, ms).map((a) => a.id);
            expect(new Set(got).size).toBe(got.length);
            const want = actions
              .filter((a, idx) => {
                const from = ms.findIndex((m) => m.ref === a.ref);
                const close = a.updates.find((u) => u.status === 'closed');
                const closeAt = close ? ms.findIndex((m) => m.ref === close.ref) : Infinity;
                return idx >= 0 && k > from && k <= closeAt;
              })
              .map((a) => a.id);
            expect(got).toEqual(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('closed between meetings: on no meeting after that date', () => {
    const ms = [meeting(0), meeting(1), meeting(2)];
    const a: Action = {
      id: 'A-1',
      ref: ms[0].ref,
      decisionId: null,
      description: 'd',
      ownerUnit: 'u',
      dueDate: '2026-12-31',
      createdBy: 'x',
      status: 'closed',
      closedIn: null,
      closedOn: '2026-03-01',
      updates: [{ status: 'closed', note: null, ref: null, onDate: '2026-03-01', by: 'x' }],
    };
    expect(ms.map((m) => carriedInto(m, [a], ms).length)).toEqual([0, 1, 0]);
  });
});
