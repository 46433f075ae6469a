import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../src/analysis/rule-set.js';
import {
  initialRateMsprtState,
  rateMsprtLogLikelihoodRatio,
  rateMsprtPValue,
  rateMsprtRateRatio,
  rateMsprtRates,
  updateRateMsprt,
  type IntervalCounts,
  type RateMsprtOptions,
  type RateMsprtState,
} from '../../../src/analysis/sequential/rate-msprt.js';
import { SequentialOptionsError } from '../../../src/analysis/sequential/sequential-options-error.js';
import { createRandom, type Random } from '../../../src/simulation/random.js';

const MAX_LOOKS = 10;
const ANALYSES = 10_000;

function counts(
  canaryEvents: number,
  canaryTotal: number,
  baselineEvents: number,
  baselineTotal: number,
): IntervalCounts {
  return { canaryEvents, canaryTotal, baselineEvents, baselineTotal };
}

function run(options: RateMsprtOptions, intervals: readonly IntervalCounts[]): RateMsprtState {
  return intervals.reduce(updateRateMsprt, initialRateMsprtState(options));
}

interface Scenario {
  /** Baseline event rate for one analysis. */
  readonly baselineRate: (random: Random) => number;
  /** Canary rate / baseline rate. */
  readonly ratio: number;
  /** Requests per group per interval. */
  readonly requests: (random: Random) => number;
}

/** Simulates analyses of K looks; returns, per analysis, the look of the first p ≤ alpha (or 0). */
function simulate(
  seed: number,
  scenario: Scenario,
  options: RateMsprtOptions,
  alphas: readonly number[],
  analyses = ANALYSES,
): { rejected: number[]; meanLook: number[] } {
  const root = createRandom(seed);
  const rejected = alphas.map(() => 0);
  const lookSums = alphas.map(() => 0);
  for (let a = 0; a < analyses; a += 1) {
    const random = root.fork(a);
    const baselineRate = scenario.baselineRate(random);
    const canaryRate = Math.min(1, baselineRate * scenario.ratio);
    let state = initialRateMsprtState(options);
    const firstLook = alphas.map(() => 0);
    for (let look = 1; look <= MAX_LOOKS; look += 1) {
      const canaryTotal = scenario.requests(random);
      const baselineTotal = scenario.requests(random);
      state = updateRateMsprt(
        state,
        counts(
          random.binomial(canaryTotal, canaryRate),
          canaryTotal,
          random.binomial(baselineTotal, baselineRate),
          baselineTotal,
        ),
      );
      const p = rateMsprtPValue(state);
      alphas.forEach((alpha, i) => {
        if (firstLook[i] === 0 && p <= alpha) firstLook[i] = look;
      });
    }
    firstLook.forEach((look, i) => {
      if (look > 0) {
        rejected[i] = (rejected[i] ?? 0) + 1;
        lookSums[i] = (lookSums[i] ?? 0) + look;
      }
    });
  }
  return {
    rejected: rejected.map((r) => r / analyses),
    meanLook: lookSums.map((sum, i) => sum / Math.max(1, (rejected[i] ?? 0) * 1)),
  };
}

const realisticRequests = (random: Random): number => 2000 + random.integer(3001);

describe('rate mSPRT state', () => {
  it('starts at p = 1 and Λ = 1, and is plain JSON', () => {
    const state = initialRateMsprtState({ direction: 'either', relativeTolerance: 0.1 });
    expect(rateMsprtPValue(state)).toBe(1);
    expect(rateMsprtLogLikelihoodRatio(state)).toBe(0);
    expect(rateMsprtRateRatio(state)).toBeUndefined();
    const updated = updateRateMsprt(state, counts(12, 2000, 3, 2000));
    expect(JSON.parse(JSON.stringify(updated))).toEqual(updated);
  });

  it('does not mutate the state it is given', () => {
    const state = initialRateMsprtState({ direction: 'increase' });
    const copy = JSON.parse(JSON.stringify(state)) as RateMsprtState;
    updateRateMsprt(state, counts(20, 2000, 5, 2000));
    expect(state).toEqual(copy);
  });

  it.each([
    ['no events', counts(0, 2000, 0, 2000)],
    ['no canary traffic', counts(0, 0, 7, 2000)],
    ['no baseline traffic', counts(7, 2000, 0, 0)],
  ])('leaves Λ unchanged for an interval with %s', (_name, interval) => {
    const before = updateRateMsprt(
      initialRateMsprtState({ direction: 'increase' }),
      counts(15, 2000, 5, 2000),
    );
    const after = updateRateMsprt(before, interval);
    expect(after.logMixture).toBe(before.logMixture);
    expect(after.arms).toEqual(before.arms);
    expect(after.looks).toBe(before.looks + 1);
  });

  it('rejects negative, non-finite or impossible counts and bad options', () => {
    const state = initialRateMsprtState({ direction: 'increase' });
    expect(() => updateRateMsprt(state, counts(-1, 10, 0, 10))).toThrow(SequentialOptionsError);
    expect(() => updateRateMsprt(state, counts(Number.NaN, 10, 0, 10))).toThrow(SequentialOptionsError);
    expect(() => updateRateMsprt(state, counts(11, 10, 0, 10))).toThrow(/events exceed total/);
    expect(() => initialRateMsprtState({ direction: 'decrease', relativeTolerance: 1 })).toThrow(
      SequentialOptionsError,
    );
    expect(() => initialRateMsprtState({ direction: 'increase', relativeTolerance: -0.1 })).toThrow(
      SequentialOptionsError,
    );
    expect(() =>
      initialRateMsprtState({ direction: 'increase', priorScales: [1], priorWeights: [] }),
    ).toThrow(SequentialOptionsError);
  });
});

describe('rate mSPRT read-outs', () => {
  it('estimates the rate ratio by Mantel-Haenszel and reports cumulative rates', () => {
    const state = run({ direction: 'increase' }, [counts(20, 2000, 10, 2000), counts(30, 3000, 5, 1000)]);
    // Σ k_c n_b / N = 20·2000/4000 + 30·1000/4000 = 17.5; Σ k_b n_c / N = 10·2000/4000 + 5·3000/4000 = 8.75.
    expect(rateMsprtRateRatio(state)).toBeCloseTo(2, 12);
    expect(rateMsprtRates(state)).toEqual({ canary: 50 / 5000, baseline: 15 / 3000 });
    expect(rateMsprtRateRatio(run({ direction: 'increase' }, [counts(10, 2000, 0, 2000)]))).toBe(Infinity);
    expect(rateMsprtRates(initialRateMsprtState({ direction: 'increase' }))).toEqual({});
  });

  it('keeps the p-value non-increasing across looks', () => {
    let state = initialRateMsprtState({ direction: 'increase' });
    let previous = 1;
    for (const interval of [counts(20, 2000, 5, 2000), counts(0, 2000, 20, 2000), counts(5, 2000, 5, 2000)]) {
      state = updateRateMsprt(state, interval);
      expect(rateMsprtPValue(state)).toBeLessThanOrEqual(previous);
      previous = rateMsprtPValue(state);
    }
  });

  it('gives a decrease test on swapped groups the same evidence as an increase test', () => {
    const intervals = [counts(25, 2000, 9, 3000), counts(14, 2500, 2, 2200)];
    const swapped = intervals.map((c) =>
      counts(c.baselineEvents, c.baselineTotal, c.canaryEvents, c.canaryTotal),
    );
    const increase = run({ direction: 'increase' }, intervals);
    const decrease = run({ direction: 'decrease' }, swapped);
    expect(decrease.logMixture).toBeCloseTo(increase.logMixture, 10);
  });

  it('fails a canary with errors where the baseline had none (10 vs 0 in one interval)', () => {
    const state = run({ direction: 'increase' }, [counts(10, 2000, 0, 2000)]);
    expect(rateMsprtPValue(state)).toBeLessThan(0.01);
    expect(rateMsprtPValue(run({ direction: 'either' }, [counts(10, 2000, 0, 2000)]))).toBeLessThan(0.05);
  });

  it('does not fail a canary whose errors are within the relative tolerance', () => {
    // Canary 1.2× the baseline with a 50% tolerance: strong data, still no evidence against ρ ≤ 1.5.
    const intervals = Array.from({ length: 10 }, () => counts(120, 20_000, 100, 20_000));
    expect(rateMsprtPValue(run({ direction: 'increase', relativeTolerance: 0.5 }, intervals))).toBe(1);
    expect(rateMsprtPValue(run({ direction: 'increase' }, intervals))).toBeLessThan(0.5);
  });

  it('does not fail an increase test when the canary improves, nor a decrease test when it worsens', () => {
    const better = Array.from({ length: 5 }, () => counts(2, 2000, 20, 2000));
    expect(rateMsprtPValue(run({ direction: 'increase' }, better))).toBe(1);
    expect(rateMsprtPValue(run({ direction: 'decrease' }, better))).toBeLessThan(1e-6);
    expect(rateMsprtPValue(run({ direction: 'either' }, better))).toBeLessThan(1e-6);
  });
});

describe('rate mSPRT error rates (seeded simulation, K = 10 looks at every interval)', () => {
  const alphas = [0.01, 0.05];

  it('keeps A/A false rejections below alpha over 10,000 analyses (0.1–1% and near-zero error rates)', () => {
    // Half the analyses at 0.1–1% errors, half at 0.005–0.05% where most intervals have no errors.
    const scenario: Scenario = {
      baselineRate: (r) =>
        r.uniform() < 0.5 ? 0.001 + 0.009 * r.uniform() : 0.00005 + 0.00045 * r.uniform(),
      ratio: 1,
      requests: realisticRequests,
    };
    const { rejected } = simulate(1, scenario, { direction: 'increase' }, alphas);
    // Measured: 0.0014 at alpha 0.01 and 0.0083 at alpha 0.05 (Ville's bound is conservative).
    alphas.forEach((alpha, i) => expect(rejected[i]).toBeLessThanOrEqual(alpha));
  });

  it.each<[string, Scenario, RateMsprtOptions]>([
    [
      'two-sided A/A',
      { baselineRate: (r) => 0.001 + 0.009 * r.uniform(), ratio: 1, requests: realisticRequests },
      { direction: 'either' },
    ],
    [
      'canary exactly at a 20% tolerance, 1% errors',
      { baselineRate: () => 0.01, ratio: 1.2, requests: realisticRequests },
      { direction: 'increase', relativeTolerance: 0.2 },
    ],
  ])('keeps false rejections at or below alpha: %s', (_name, scenario, options) => {
    const { rejected } = simulate(1, scenario, options, alphas, 4000);
    alphas.forEach((alpha, i) => expect(rejected[i]).toBeLessThanOrEqual(alpha));
  });

  it.each<[number, Direction, number, number]>([
    [2, 'increase', 0.05, 0.95],
    [2, 'increase', 0.01, 0.9],
    [2, 'either', 0.05, 0.9],
    [3, 'increase', 0.01, 0.99],
  ])(
    'detects ×%s errors over a 0.005 baseline rate, 2,000 requests per interval (%s, alpha %s, power ≥ %s)',
    (ratio, direction, alpha, power) => {
      const scenario: Scenario = { baselineRate: () => 0.005, ratio, requests: () => 2000 };
      const { rejected, meanLook } = simulate(2, scenario, { direction }, [alpha], 1000);
      expect(rejected[0]).toBeGreaterThanOrEqual(power);
      expect(meanLook[0]).toBeLessThanOrEqual(ratio === 2 ? 5 : 2);
    },
  );

  it('detects a zero-baseline spike: 0.25% canary errors, none in the baseline', () => {
    const scenario: Scenario = { baselineRate: () => 0, ratio: 1, requests: () => 2000 };
    const root = createRandom(3);
    let detected = 0;
    for (let a = 0; a < 1000; a += 1) {
      const random = root.fork(a);
      let state = initialRateMsprtState({ direction: 'increase' });
      for (let look = 1; look <= MAX_LOOKS; look += 1) {
        state = updateRateMsprt(
          state,
          counts(random.binomial(2000, 0.0025), 2000, 0, scenario.requests(random)),
        );
      }
      if (rateMsprtPValue(state) <= 0.01) detected += 1;
    }
    expect(detected / 1000).toBeGreaterThan(0.99);
  });
});
