import { describe, expect, it } from 'vitest';
import type { Alternative } from '../../../src/analysis/statistics/alternative.js';
import { welchTTest } from '../../../src/analysis/statistics/welch.js';
import { expectClose, loadFixture, sampleOf } from './fixtures.js';

interface Case {
  sample: string;
  alternative: Alternative;
  statistic: number;
  df: number;
  pValue: number;
}

const fixture = loadFixture<Case>('welch');

describe('welchTTest agrees with scipy.stats.ttest_ind(equal_var=False)', () => {
  it.each(fixture.cases)('$sample, $alternative', (c) => {
    const { x, y } = sampleOf(fixture, c.sample);
    const result = welchTTest(x, y, { alternative: c.alternative });
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.df, c.df, 'df');
    expectClose(result.pValue, c.pValue, 'pValue');
  });
});

describe('welchTTest behaviour', () => {
  it('is antisymmetric in the samples', () => {
    const a = [1, 2, 3, 4, 5.5];
    const b = [2, 4, 6, 8];
    const forward = welchTTest(a, b);
    const backward = welchTTest(b, a);
    expect(backward.statistic).toBeCloseTo(-forward.statistic, 14);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 14);
  });

  it('needs two values per sample and some variance', () => {
    expect(() => welchTTest([1], [1, 2])).toThrow(
      expect.objectContaining({ code: 'INVALID_SAMPLE' }) as Error,
    );
    expect(() => welchTTest([2, 2], [2, 2, 2])).toThrow(
      expect.objectContaining({ code: 'NOT_COMPUTABLE' }) as Error,
    );
    expect(() => welchTTest([1, 2], [1, Number.NaN])).toThrow(/b\[1\]/);
  });
});
