import { describe, expect, it } from 'vitest';
import {
  kolmogorovSmirnov2,
  type KolmogorovSmirnovMethod,
} from '../../../src/analysis/statistics/kolmogorov-smirnov.js';
import type { Alternative } from '../../../src/analysis/statistics/alternative.js';
import { expectClose, loadFixture, sampleOf } from './fixtures.js';

interface Case {
  sample: string;
  alternative: Alternative;
  method: KolmogorovSmirnovMethod;
  methodUsed: 'exact' | 'asymp';
  statistic: number;
  pValue: number;
  statisticLocation: number;
  statisticSign: 1 | -1;
}

const fixture = loadFixture<Case>('kolmogorov-smirnov');

describe('kolmogorovSmirnov2 agrees with scipy.stats.ks_2samp', () => {
  it.each(fixture.cases)('$sample, $alternative, $method', (c) => {
    const { x, y } = sampleOf(fixture, c.sample);
    const result = kolmogorovSmirnov2(x, y, { alternative: c.alternative, method: c.method });
    expect(result.method).toBe(c.methodUsed);
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.pValue, c.pValue, 'pValue');
    expect(result.statisticLocation).toBe(c.statisticLocation);
    expect(result.statisticSign).toBe(c.statisticSign);
  });
});

describe('kolmogorovSmirnov2 behaviour', () => {
  it('gives D = 0 and p = 1 for identical samples', () => {
    const result = kolmogorovSmirnov2([1, 2, 3], [3, 2, 1]);
    expect(result.statistic).toBe(0);
    expect(result.pValue).toBe(1);
  });

  it('swaps less and greater when the samples are swapped', () => {
    const x = [0.1, 0.5, 0.9, 1.3, 2.2];
    const y = [0.4, 1.1, 1.6, 2.5, 2.9, 3.3];
    expect(kolmogorovSmirnov2(x, y, { alternative: 'less' }).pValue).toBeCloseTo(
      kolmogorovSmirnov2(y, x, { alternative: 'greater' }).pValue,
      14,
    );
  });

  it('rejects empty samples and unknown methods', () => {
    expect(() => kolmogorovSmirnov2([], [1])).toThrow(
      expect.objectContaining({ code: 'INVALID_SAMPLE' }) as Error,
    );
    expect(() => kolmogorovSmirnov2([1], [2], { method: 'approx' as KolmogorovSmirnovMethod })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }) as Error,
    );
  });
});
