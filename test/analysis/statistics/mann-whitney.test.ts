import { describe, expect, it } from 'vitest';
import {
  mannWhitneyU,
  mannWhitneyUSorted,
  type MannWhitneyMethod,
} from '../../../src/analysis/statistics/mann-whitney.js';
import { sortedCopy } from '../../../src/analysis/statistics/rank-sum.js';
import type { Alternative } from '../../../src/analysis/statistics/alternative.js';
import { expectClose, loadFixture, sampleOf } from './fixtures.js';

interface Case {
  sample: string;
  alternative: Alternative;
  method: MannWhitneyMethod;
  useContinuity: boolean;
  statistic: number;
  pValue: number;
  methodUsed: 'exact' | 'asymptotic';
}

const fixture = loadFixture<Case>('mann-whitney');

describe('mannWhitneyU agrees with scipy.stats.mannwhitneyu', () => {
  it.each(fixture.cases)('$sample, $alternative, $method, continuity $useContinuity', (c) => {
    const { x, y } = sampleOf(fixture, c.sample);
    const result = mannWhitneyU(x, y, {
      alternative: c.alternative,
      method: c.method,
      useContinuity: c.useContinuity,
    });
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.pValue, c.pValue, 'pValue');
    expect(result.method).toBe(c.methodUsed);
  });
});

describe('mannWhitneyUSorted', () => {
  it.each(fixture.cases)('equals mannWhitneyU on the sorted $sample, $alternative, $method', (c) => {
    const { x, y } = sampleOf(fixture, c.sample);
    const options = { alternative: c.alternative, method: c.method, useContinuity: c.useContinuity };
    expect(mannWhitneyUSorted(sortedCopy(x), sortedCopy(y), options)).toEqual(mannWhitneyU(x, y, options));
  });

  it('checks its options', () => {
    const one = Float64Array.of(1);
    expect(() => mannWhitneyUSorted(one, one, { alternative: 'sideways' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }) as Error,
    );
  });
});

describe('mannWhitneyU behaviour', () => {
  it('reports U of the first sample and mirrors it when the samples are swapped', () => {
    const x = [19, 22, 16, 29, 24];
    const y = [20, 11, 17, 12];
    const forward = mannWhitneyU(x, y);
    const backward = mannWhitneyU(y, x);
    expect(forward.statistic).toBe(17);
    expect(backward.statistic).toBe(3);
    expect(backward.pValue).toBe(forward.pValue);
    expect(backward.zScore).toBeCloseTo(-forward.zScore, 12);
  });

  it('gives a positive z when the first sample tends to be larger', () => {
    const result = mannWhitneyU([5, 6, 7, 8, 9, 10, 11, 12, 13], [1, 2, 3, 4, 5.5, 6.5, 7.5, 8.5, 9.5]);
    expect(result.zScore).toBeGreaterThan(0);
    expect(result.method).toBe('asymptotic');
  });

  it('returns p = 1 when every value is tied, with or without continuity correction', () => {
    for (const useContinuity of [true, false]) {
      const result = mannWhitneyU([3, 3, 3], [3, 3], { useContinuity, method: 'asymptotic' });
      expect(result.pValue).toBe(1);
      expect(result.zScore).toBe(0);
    }
  });

  it.each([
    ['empty x', [], [1], 'INVALID_SAMPLE'],
    ['empty y', [1], [], 'INVALID_SAMPLE'],
    ['NaN', [1, Number.NaN], [1], 'INVALID_SAMPLE'],
    ['Infinity', [1], [Number.POSITIVE_INFINITY], 'INVALID_SAMPLE'],
  ])('throws %s with a stable code', (_label, x, y, code) => {
    expect(() => mannWhitneyU(x, y)).toThrow(expect.objectContaining({ code }) as Error);
  });

  it('rejects unknown options', () => {
    expect(() => mannWhitneyU([1], [2], { method: 'permutation' as MannWhitneyMethod })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }) as Error,
    );
    expect(() => mannWhitneyU([1], [2], { alternative: 'bigger' as Alternative })).toThrow(/alternative/);
  });

  it('ranks 2 × 100,000 samples well under a second', () => {
    let seed = 42;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const x = Array.from({ length: 100_000 }, () => Math.round(next() * 5000));
    const y = Array.from({ length: 100_000 }, () => Math.round(next() * 5000 + 3));
    const started = performance.now();
    const result = mannWhitneyU(x, y);
    const elapsedMs = performance.now() - started;
    expect(result.method).toBe('asymptotic');
    expect(result.pValue).toBeGreaterThan(0);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
