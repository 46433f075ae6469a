import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  alphaSpendingBoundaries,
  directionalRepeatedPValue,
  repeatedPValue,
  repeatedPValueFromLookPValues,
  spentAlpha,
  type GroupSequentialDesign,
  type SpendingFunction,
} from '../../../src/analysis/sequential/alpha-spending.js';
import { SequentialOptionsError } from '../../../src/analysis/sequential/sequential-options-error.js';
import { mannWhitneyU } from '../../../src/analysis/statistics/mann-whitney.js';
import { normalIsf, normalSf } from '../../../src/analysis/statistics/normal-distribution.js';
import { createRandom, type Random } from '../../../src/simulation/random.js';

interface FixtureCase {
  readonly spending: SpendingFunction;
  readonly rho?: number;
  readonly looks: number;
  readonly alpha: number;
  readonly boundaries: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/sequential/boundaries.json', import.meta.url), 'utf8'),
) as { cases: FixtureCase[] };

const OBF10: GroupSequentialDesign = { maxLooks: 10, spending: 'obrien-fleming' };

describe('spentAlpha', () => {
  it.each<SpendingFunction>(['obrien-fleming', 'pocock', 'kim-demets'])(
    '%s spends 0 at t = 0, alpha at t = 1, increasingly',
    (spending) => {
      expect(spentAlpha(0.05, 0, spending)).toBe(0);
      expect(spentAlpha(0.05, 1, spending)).toBe(0.05);
      let previous = 0;
      for (let k = 1; k < 10; k += 1) {
        const spent = spentAlpha(0.05, k / 10, spending);
        expect(spent).toBeGreaterThan(previous);
        expect(spent).toBeLessThan(0.05);
        previous = spent;
      }
    },
  );

  it('matches the Lan-DeMets formulas', () => {
    // scipy: 2 * norm.sf(norm.isf(0.0125) / sqrt(0.5))
    expect(spentAlpha(0.025, 0.5, 'obrien-fleming')).toBeCloseTo(0.0015253227579889112, 14);
    expect(spentAlpha(0.01, 0.5, 'kim-demets', 1.5)).toBeCloseTo(0.01 * Math.pow(0.5, 1.5), 15);
    expect(spentAlpha(0.01, 0.5, 'kim-demets')).toBe(spentAlpha(0.01, 0.5, 'kim-demets', 1.5));
    expect(spentAlpha(0.025, 0.5, 'pocock')).toBeCloseTo(0.025 * Math.log(1 + (Math.E - 1) * 0.5), 15);
  });
});

describe('alphaSpendingBoundaries', () => {
  it.each<[SpendingFunction, number[]]>([
    // Published Lan-DeMets values, K = 5, one-sided alpha 0.025 (gsDesign sfLDOF / sfLDPocock, ldbounds).
    ['obrien-fleming', [4.877, 3.357, 2.68, 2.29, 2.031]],
    ['pocock', [2.438, 2.427, 2.41, 2.397, 2.386]],
  ])('reproduces the published %s boundaries for K = 5, alpha = 0.025', (spending, published) => {
    const bounds = alphaSpendingBoundaries(0.025, 5, spending);
    bounds.forEach((b, k) => expect(b).toBeCloseTo(published[k] ?? 0, 3));
  });

  it.each(
    fixture.cases.map(
      (c) =>
        [`${c.spending}${c.rho === undefined ? '' : `(${c.rho})`} K=${c.looks} alpha=${c.alpha}`, c] as const,
    ),
  )('agrees with the SciPy multivariate-normal fixture: %s', (_name, c) => {
    const bounds = alphaSpendingBoundaries(c.alpha, c.looks, c.spending, c.rho);
    expect(bounds).toHaveLength(c.looks);
    // Up to 8 looks the fixture's crossing probabilities are accurate to ~1e-9 absolute (measured
    // max difference 2e-4). At 10 looks Genz's quasi-Monte-Carlo integration in 10 dimensions
    // stops at maxpts with sign-alternating noise in the boundaries of up to 1.3e-3.
    const tolerance = c.looks >= 10 ? 2e-3 : 1e-3;
    bounds.forEach((b, k) => expect(Math.abs(b - (c.boundaries[k] ?? 0))).toBeLessThan(tolerance));
  });

  it('is a single look at the fixed-sample critical value when K = 1', () => {
    expect(alphaSpendingBoundaries(0.05, 1, 'pocock')[0]).toBeCloseTo(normalIsf(0.05), 12);
  });

  it('memoises: the same frozen array for the same design', () => {
    const first = alphaSpendingBoundaries(0.01, 7, 'obrien-fleming');
    expect(alphaSpendingBoundaries(0.01, 7, 'obrien-fleming')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('rejects invalid designs', () => {
    expect(() => alphaSpendingBoundaries(0, 5, 'pocock')).toThrow(SequentialOptionsError);
    expect(() => alphaSpendingBoundaries(0.05, 0, 'pocock')).toThrow(SequentialOptionsError);
    expect(() => alphaSpendingBoundaries(0.05, 2.5, 'pocock')).toThrow(SequentialOptionsError);
    expect(() => alphaSpendingBoundaries(0.05, 5, 'linear' as SpendingFunction)).toThrow(
      SequentialOptionsError,
    );
  });
});

describe('repeatedPValue', () => {
  it('is the level at which the design would just have crossed (boundaries at that level pass through z)', () => {
    const random = createRandom(11);
    for (let i = 0; i < 30; i += 1) {
      const look = 1 + random.integer(10);
      const z = 0.5 + 5 * random.uniform();
      const history: (number | null)[] = Array.from({ length: look }, () => null);
      history[look - 1] = z;
      const p = repeatedPValue(history, OBF10);
      if (p <= 1e-8 || p >= 0.5) continue;
      const bound = alphaSpendingBoundaries(p, 10, 'obrien-fleming')[look - 1] ?? 0;
      expect(Math.abs(bound - z)).toBeLessThan(3e-4);
    }
  });

  it('is at most alpha exactly when the level-alpha design crosses (up to interpolation)', () => {
    const bounds = alphaSpendingBoundaries(0.05, 10, 'obrien-fleming');
    const b4 = bounds[3] ?? 0;
    expect(repeatedPValue([0, 1, 2, b4 + 0.01], OBF10)).toBeLessThan(0.05);
    expect(repeatedPValue([0, 1, 2, b4 - 0.01], OBF10)).toBeGreaterThan(0.05);
  });

  it('never increases as looks are added, and skips looks without a test', () => {
    const history = [0.5, 2.1, 1.0, 2.9, null, 2.2];
    let previous = 1;
    for (let k = 1; k <= history.length; k += 1) {
      const p = repeatedPValue(history.slice(0, k), OBF10);
      expect(p).toBeLessThanOrEqual(previous);
      previous = p;
    }
    expect(repeatedPValue([], OBF10)).toBe(1);
    expect(repeatedPValue([null, Number.NaN], OBF10)).toBe(1);
  });

  it('reports 1 when nothing would cross even at level 0.99, and 1e-8 for overwhelming evidence', () => {
    expect(repeatedPValue([-5, -5], OBF10)).toBe(1);
    expect(repeatedPValue([0, 0, 0, 0, 0, 0, 0, 0, 0, 12], OBF10)).toBe(1e-8);
    // O'Brien-Fleming-type spends almost nothing at look 1: even z = 12 there is not overwhelming.
    expect(repeatedPValue([12], OBF10)).toBeGreaterThan(1e-5);
  });

  it('orients z by direction and doubles the smaller one-sided p-value for either', () => {
    const history = [0.3, -1.2, -2.8];
    const up = repeatedPValue(history, OBF10);
    const down = repeatedPValue(
      history.map((z) => -z),
      OBF10,
    );
    expect(directionalRepeatedPValue(history, OBF10, 'increase')).toBe(up);
    expect(directionalRepeatedPValue(history, OBF10, 'decrease')).toBe(down);
    expect(directionalRepeatedPValue(history, OBF10, 'either')).toBeCloseTo(
      Math.min(1, 2 * Math.min(up, down)),
      15,
    );
  });

  it('accepts per-look nominal one-sided p-values in place of z', () => {
    const history = [0.4, -0.2, 2.5, null];
    const lookPValues = history.map((z) => (z === null ? null : normalSf(z)));
    expect(repeatedPValueFromLookPValues(lookPValues, OBF10)).toBeCloseTo(repeatedPValue(history, OBF10), 12);
    expect(repeatedPValueFromLookPValues([0, 1], OBF10)).toBe(repeatedPValue([Infinity, -Infinity], OBF10));
  });

  it('rejects histories longer than the design', () => {
    expect(() =>
      repeatedPValue(
        Array.from({ length: 11 }, () => 0),
        OBF10,
      ),
    ).toThrow(SequentialOptionsError);
  });
});

/** Merges sorted `batch` into sorted `into`. */
function mergeSorted(into: readonly number[], batch: number[]): number[] {
  batch.sort((x, y) => x - y);
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < into.length || j < batch.length) {
    if (j >= batch.length || (i < into.length && (into[i] ?? 0) <= (batch[j] ?? 0)))
      merged.push(into[i++] ?? 0);
    else merged.push(batch[j++] ?? 0);
  }
  return merged;
}

/** Mann-Whitney z of canary vs baseline from sorted samples without ties (no continuity correction). */
function mannWhitneyZ(canary: readonly number[], baseline: readonly number[]): number {
  let u = 0;
  let below = 0;
  for (const c of canary) {
    while (below < baseline.length && (baseline[below] ?? 0) < c) below += 1;
    u += below;
  }
  const m = canary.length;
  const n = baseline.length;
  return (u - (m * n) / 2) / Math.sqrt((m * n * (m + n + 1)) / 12);
}

describe('alpha-spending error rates with the Mann-Whitney z of accumulated samples (seeded simulation)', () => {
  /**
   * z after each of K = 10 looks on all samples so far, `perInterval` new samples per group per look.
   * Under A/A the Mann-Whitney z depends only on ranks, so uniforms stand in for latencies.
   */
  function zHistory(
    seed: number,
    perInterval: number,
    draw: (random: Random, group: 'canary' | 'baseline') => number,
  ): number[] {
    const random = createRandom(seed);
    let baseline: number[] = [];
    let canary: number[] = [];
    const history: number[] = [];
    for (let look = 1; look <= 10; look += 1) {
      const newBaseline = Array.from({ length: perInterval }, () => draw(random, 'baseline'));
      const newCanary = Array.from({ length: perInterval }, () => draw(random, 'canary'));
      baseline = mergeSorted(baseline, newBaseline);
      canary = mergeSorted(canary, newCanary);
      history.push(mannWhitneyZ(canary, baseline));
    }
    return history;
  }

  it('computes the same z as the statistics module', () => {
    const random = createRandom(3);
    const x = Array.from({ length: 57 }, () => random.normal());
    const y = Array.from({ length: 43 }, () => random.normal(0.3));
    const expected = mannWhitneyU(x, y, { method: 'asymptotic' }).zScore;
    expect(mannWhitneyZ(mergeSorted([], x.slice()), mergeSorted([], y.slice()))).toBeCloseTo(expected, 12);
  });

  it('keeps A/A false rejections at alpha over 10,000 analyses, looking at every interval', () => {
    const analyses = 10_000;
    const histories = Array.from({ length: analyses }, (_, a) =>
      zHistory(1000 + a, 10, (random) => random.uniform()),
    );
    const designs: [GroupSequentialDesign, 'increase' | 'either'][] = [
      [OBF10, 'increase'],
      [{ maxLooks: 10, spending: 'pocock' }, 'either'],
    ];
    for (const [design, direction] of designs) {
      const pValues = histories.map((history) => directionalRepeatedPValue(history, design, direction));
      for (const alpha of [0.01, 0.05]) {
        const rate = pValues.filter((p) => p <= alpha).length / analyses;
        // The design is exact, not conservative: allow 3 binomial standard errors of Monte Carlo noise.
        expect(rate).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / analyses));
        expect(rate).toBeGreaterThan(alpha / 3);
      }
    }
  });

  it('detects a 20% latency increase (20 samples per group per interval) in most analyses', () => {
    const pValues = Array.from({ length: 500 }, (_, a) =>
      directionalRepeatedPValue(
        zHistory(5000 + a, 20, (random, group) =>
          random.lognormal(group === 'canary' ? 3 + Math.log(1.2) : 3, 0.6),
        ),
        OBF10,
        'increase',
      ),
    );
    // Measured: 0.87 at alpha 0.05.
    expect(pValues.filter((p) => p <= 0.05).length / 500).toBeGreaterThan(0.8);
  });
});
