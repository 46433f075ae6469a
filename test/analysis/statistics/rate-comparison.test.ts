import { describe, expect, it } from 'vitest';
import {
  compareRates,
  proportionAsRate,
  type RateSample,
} from '../../../src/analysis/statistics/rate-comparison.js';
import type { Alternative } from '../../../src/analysis/statistics/alternative.js';
import { expectClose, loadFixture } from './fixtures.js';

interface Case {
  canary: RateSample;
  baseline: RateSample;
  nullRatio: number;
  alternative: Alternative;
  pValue: number;
  nullProportion: number;
  rateRatio: number | string;
  lower: number | string;
  upper: number | string;
}

const fixture = loadFixture<Case>('rate-comparison');

describe('compareRates agrees with scipy.stats.binomtest and exact Clopper-Pearson limits', () => {
  it.each(fixture.cases)(
    'canary $canary.events/$canary.exposure vs $baseline.events/$baseline.exposure, r=$nullRatio, $alternative',
    (c) => {
      const result = compareRates(c.canary, c.baseline, {
        nullRatio: c.nullRatio,
        alternative: c.alternative,
      });
      expectClose(result.pValue, c.pValue, 'pValue');
      expectClose(result.nullProportion, c.nullProportion, 'nullProportion');
      expectClose(result.rateRatio, c.rateRatio, 'rateRatio');
      expectClose(result.lower, c.lower, 'lower');
      expectClose(result.upper, c.upper, 'upper');
    },
  );
});

describe('compareRates behaviour', () => {
  it('returns p = 1 and an uninformative interval when neither group had events', () => {
    const result = compareRates({ events: 0, exposure: 100 }, { events: 0, exposure: 100 });
    expect(result.pValue).toBe(1);
    expect(result.rateRatio).toBeNaN();
    expect(result.upper).toBe(Number.POSITIVE_INFINITY);
  });

  it('handles millions of requests quickly', () => {
    const started = performance.now();
    const result = compareRates(
      { events: 52_000, exposure: 10_000_000 },
      { events: 50_000, exposure: 10_000_000 },
      { alternative: 'greater' },
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.pValue).toBeLessThan(1e-8);
  });

  it.each([
    [{ events: -1, exposure: 10 }, { events: 1, exposure: 10 }, 'canary.events'],
    [{ events: 1.5, exposure: 10 }, { events: 1, exposure: 10 }, 'canary.events'],
    [{ events: 1, exposure: 0 }, { events: 1, exposure: 10 }, 'canary.exposure'],
    [{ events: 1, exposure: 10 }, { events: 1, exposure: Number.NaN }, 'baseline.exposure'],
  ])('rejects %j vs %j naming %s', (canary, baseline, name) => {
    expect(() => compareRates(canary, baseline)).toThrow(
      expect.objectContaining({
        code: 'INVALID_COUNT',
        message: expect.stringContaining(name) as string,
      }) as Error,
    );
  });

  it('rejects a non-positive null ratio and a bad confidence level', () => {
    const s = { events: 1, exposure: 10 };
    expect(() => compareRates(s, s, { nullRatio: 0 })).toThrow(/nullRatio/);
    expect(() => compareRates(s, s, { confidenceLevel: 1.2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PROBABILITY' }) as Error,
    );
  });

  it('proportionAsRate rejects events above the total', () => {
    expect(() => proportionAsRate('judge', 'canary', 11, 10)).toThrow(
      expect.objectContaining({
        code: 'INVALID_COUNT',
        message: expect.stringContaining('exceeds') as string,
      }) as Error,
    );
    expect(proportionAsRate('judge', 'canary', 3, 10)).toEqual({ events: 3, exposure: 10 });
  });
});
