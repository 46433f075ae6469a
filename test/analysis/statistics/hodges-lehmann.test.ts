import { describe, expect, it } from 'vitest';
import {
  hodgesLehmannShift,
  hodgesLehmannShiftSorted,
} from '../../../src/analysis/statistics/hodges-lehmann.js';
import { sortedCopy } from '../../../src/analysis/statistics/rank-sum.js';
import type { Alternative } from '../../../src/analysis/statistics/alternative.js';
import { expectClose, loadFixture, sampleOf } from './fixtures.js';

interface Case {
  sample: string;
  alternative: Alternative;
  confidenceLevel: number;
  estimate: number;
  lower: number | string;
  upper: number | string;
  achievedConfidenceLevel: number;
  method: 'exact' | 'asymptotic';
}

const fixture = loadFixture<Case>('hodges-lehmann');

describe("hodgesLehmannShift agrees with R's wilcox.test(conf.int = TRUE)", () => {
  it.each(fixture.cases)('$sample, $alternative, level $confidenceLevel', (c) => {
    const { x, y } = sampleOf(fixture, c.sample);
    const result = hodgesLehmannShift(x, y, {
      alternative: c.alternative,
      confidenceLevel: c.confidenceLevel,
    });
    expect(result.method).toBe(c.method);
    expectClose(result.estimate, c.estimate, 'estimate');
    expectClose(result.lower, c.lower, 'lower');
    expectClose(result.upper, c.upper, 'upper');
    expectClose(result.confidenceLevel, c.achievedConfidenceLevel, 'confidenceLevel');
  });
});

describe('hodgesLehmannShiftSorted', () => {
  it.each(fixture.cases)('equals hodgesLehmannShift on the sorted $sample, $alternative', (c) => {
    const { x, y } = sampleOf(fixture, c.sample);
    const options = { alternative: c.alternative, confidenceLevel: c.confidenceLevel };
    expect(hodgesLehmannShiftSorted(sortedCopy(x), sortedCopy(y), options)).toEqual(
      hodgesLehmannShift(x, y, options),
    );
  });
});

describe('hodgesLehmannShift behaviour', () => {
  it('estimates canary minus baseline, antisymmetric in the samples', () => {
    const canary = [12.1, 13.4, 11.9, 14.2, 12.8, 13.1];
    const baseline = [10.2, 11.1, 9.8, 10.9, 10.4];
    const forward = hodgesLehmannShift(canary, baseline);
    const backward = hodgesLehmannShift(baseline, canary);
    expect(forward.estimate).toBeGreaterThan(0);
    expect(backward.estimate).toBeCloseTo(-forward.estimate, 12);
    expect(backward.lower).toBeCloseTo(-forward.upper, 12);
  });

  it('handles 2 × 100,000 samples without materialising the pairwise differences', () => {
    const x = Array.from({ length: 100_000 }, (_, i) => ((i * 7919) % 100_003) / 1000 + 0.5);
    const y = Array.from({ length: 100_000 }, (_, i) => ((i * 104_729) % 100_019) / 1000);
    const started = performance.now();
    const result = hodgesLehmannShift(x, y);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.method).toBe('asymptotic');
    expect(result.lower).toBeLessThanOrEqual(result.estimate);
    expect(result.upper).toBeGreaterThanOrEqual(result.estimate);
    expect(Math.abs(result.estimate - 0.5)).toBeLessThan(0.5);
  });

  it('throws NOT_COMPUTABLE when every observation is tied', () => {
    expect(() => hodgesLehmannShift([1, 1, 1], [1, 1])).toThrow(
      expect.objectContaining({ code: 'NOT_COMPUTABLE' }) as Error,
    );
  });

  it.each([
    [{ confidenceLevel: 1 }, 'INVALID_PROBABILITY'],
    [{ confidenceLevel: 0 }, 'INVALID_PROBABILITY'],
    [{ method: 'bootstrap' }, 'INVALID_OPTION'],
  ])('rejects options %o', (options, code) => {
    expect(() => hodgesLehmannShift([1, 2], [3, 4], options as never)).toThrow(
      expect.objectContaining({ code }) as Error,
    );
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => hodgesLehmannShift([], [1])).toThrow(
      expect.objectContaining({ code: 'INVALID_SAMPLE' }) as Error,
    );
    expect(() => hodgesLehmannShift([1], [Number.NaN])).toThrow(/y\[0\]/);
  });
});
