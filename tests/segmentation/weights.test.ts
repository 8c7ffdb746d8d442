// Step 4 weights and Step 6 levels as pure functions, with hand-computed answers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  equalWeights,
  expertWeights,
  frequencyWeights,
  gri,
  learnedWeights,
  type Pattern,
} from '../../src/segmentation/weights.ts';
import { fitLogistic } from '../../src/segmentation/logistic.ts';
import { computeBars, levelOf, quantileBar } from '../../src/segmentation/levels.ts';

const codes = ['I1', 'I2', 'I3', 'I4'];
const all = [true, true, true, true];
// Note Table 3 by hand: 5 non-compliant TINs (and compliant ones, which must not count).
//   TIN  I1 I2 I3 I4
//   1    1  1  0  0
//   2    1  0  0  0
//   3    1  1  1  0
//   4    0  1  0  0
//   5    1  0  0  0
//   A = 4, B = 3, C = 1, D = 0, ## = 8 → 0.5, 0.375, 0.125, 0
//   tolerance 0.2 → I1, I2 kept; renormalised 4/7, 3/7.
const p = (bits: string, operators: number, noncompliant: number): Pattern => ({
  flags: parseInt([...bits].reverse().join(''), 2),
  operators,
  noncompliant,
});
const patterns: Pattern[] = [
  p('1100', 1, 1),
  p('1000', 3, 2),
  p('1110', 1, 1),
  p('0100', 1, 1),
  p('1111', 7, 0),
  p('0000', 10, 0),
];

describe('frequency weights (note Table 3)', () => {
  it('A_i/## over non-compliant operators, tolerance cut, renormalisation', () => {
    const { weights, table3 } = frequencyWeights(codes, all, patterns, 0.2);
    expect(table3.operators).toBe(5);
    expect(table3.total).toBe(8);
    expect(table3.rows.map((r) => r.ones)).toEqual([4, 3, 1, 0]);
    expect(table3.rows.map((r) => r.share)).toEqual([0.5, 0.375, 0.125, 0]);
    expect(table3.rows.map((r) => r.significant)).toEqual([true, true, false, false]);
    expect(weights).toEqual([4 / 7, 3 / 7, 0, 0]);
  });
  it('share exactly at the tolerance is cut (the note keeps values OVER the threshold)', () => {
    expect(frequencyWeights(codes, all, patterns, 0.125).table3.rows.map((r) => r.significant)).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(frequencyWeights(codes, all, patterns, 0.1).weights).toEqual([0.5, 0.375, 0.125, 0]);
  });
  it('unavailable indicators get no weight', () => {
    expect(frequencyWeights(codes, [true, false, true, true], patterns, 0).weights).toEqual(
      [0.5, 0, 0.125, 0].map((x) => x / 0.625),
    );
  });
});

describe('equal and expert weights', () => {
  it('equal over available indicators', () =>
    expect(equalWeights(codes, [true, false, true, true])).toEqual([1 / 3, 0, 1 / 3, 1 / 3]));
  it('expert normalised to 1; unavailable dropped', () => {
    expect(expertWeights(codes, [true, true, false, true], { I1: 2, I2: 1, I3: 5, I4: 1 })).toEqual([
      0.5, 0.25, 0, 0.25,
    ]);
    expect(() => expertWeights(codes, all, {})).toThrow(/positive weight/);
  });
  it('GRI = Σ P_i R_i', () => expect(gri(0b1011, [0.1, 0.2, 0.3, 0.4])).toBeCloseTo(0.7, 15));
});

describe('learned weights (L2 logistic regression)', () => {
  it('one binary indicator without penalty reproduces the closed-form log odds ratio and its standard error', () => {
    // flagged: 40 of 100 with a later finding; not flagged: 10 of 200.
    const f = fitLogistic(
      [
        { x: [1], n: 100, y: 40 },
        { x: [0], n: 200, y: 10 },
      ],
      0,
    );
    const logit = (q: number) => Math.log(q / (1 - q));
    expect(f.coef[0]).toBeCloseTo(logit(10 / 200), 8);
    expect(f.coef[1]).toBeCloseTo(logit(0.4) - logit(0.05), 8);
    expect(f.se[1]).toBeCloseTo(Math.sqrt(1 / 40 + 1 / 60 + 1 / 10 + 1 / 190), 6);
  });
  it('weights are the positive coefficients normalised; a protective indicator gets 0; the penalty shrinks', () => {
    const rows: Pattern[] = [
      { flags: 0b01, operators: 100, noncompliant: 0, outcome: 40 },
      { flags: 0b10, operators: 100, noncompliant: 0, outcome: 2 },
      { flags: 0b00, operators: 200, noncompliant: 0, outcome: 10 },
      { flags: 0b11, operators: 50, noncompliant: 0, outcome: 10 },
    ];
    const l = learnedWeights(['A', 'B'], [true, true], rows, 1);
    expect(l.weights).toEqual([1, 0]);
    expect(l.fit.coefficients[1].coef).toBeLessThan(0);
    const big = learnedWeights(['A', 'B'], [true, true], rows, 1000);
    expect(big.fit.coefficients[0].coef).toBeLessThan(l.fit.coefficients[0].coef);
  });
});

describe('risk levels (Step 6)', () => {
  const dist = [
    { gri: 0, operators: 50 },
    { gri: 0.25, operators: 30 },
    { gri: 0.5, operators: 15 },
    { gri: 1, operators: 5 },
  ];
  it('quantile bars never split ties and keep at most (1 − q) at or above', () => {
    expect(quantileBar(dist, 0.5)).toBe(0.25);
    expect(quantileBar(dist, 0.8)).toBe(0.5);
    expect(quantileBar(dist, 0.9)).toBe(1);
    expect(quantileBar(dist, 0.96)).toBe(Infinity);
  });
  it('mean + k·sd bars', () => {
    const b = computeBars(
      {
        method: 'meanSd',
        manual: { medium: 0, high: 0 },
        quantile: { medium: 0, high: 0 },
        meanSd: { medium: 0, high: 1 },
      },
      dist,
    );
    expect(b.medium).toBeCloseTo((0.25 * 30 + 0.5 * 15 + 5) / 100, 12);
  });
  it('GRI 0 is always low; bars are inclusive', () => {
    expect(levelOf(0, { medium: 0, high: 0 })).toBe('low');
    expect(levelOf(0.3, { medium: 0.1, high: 0.3 })).toBe('high');
    expect(levelOf(0.1, { medium: 0.1, high: 0.3 })).toBe('medium');
  });
  it('property: raising the high bar only moves operators whose GRI lies between the old and new bar, high → medium', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 50 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (gs, m, h1, h2) => {
          const [lo, hi] = h1 <= h2 ? [h1, h2] : [h2, h1];
          for (const g of gs) {
            const a = levelOf(g, { medium: m, high: lo });
            const b = levelOf(g, { medium: m, high: hi });
            if (a !== b) {
              expect(g >= lo && g < hi).toBe(true);
              expect([a, b]).toEqual(['high', 'medium']);
            }
          }
        },
      ),
    );
  });
});
