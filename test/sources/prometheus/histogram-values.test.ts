import { describe, expect, it } from 'vitest';
import {
  apportion,
  histogramToValues,
  toBucketCounts,
} from '../../../src/sources/prometheus/histogram-values.js';

describe('toBucketCounts', () => {
  it('turns cumulative counts into per-bucket counts, sorted by bound', () => {
    expect(
      toBucketCounts([
        { le: Infinity, count: 10 },
        { le: 0.1, count: 4 },
        { le: 0.5, count: 9 },
      ]),
    ).toEqual([
      { le: 0.1, count: 4 },
      { le: 0.5, count: 5 },
      { le: Infinity, count: 1 },
    ]);
  });

  it('rounds extrapolated counts and makes non-monotone buckets monotone', () => {
    expect(
      toBucketCounts([
        { le: 0.1, count: 4.4 },
        { le: 0.25, count: 3.9 },
        { le: 0.5, count: 8.6 },
        { le: Infinity, count: 8.5 },
      ]),
    ).toEqual([
      { le: 0.1, count: 4 },
      { le: 0.25, count: 0 },
      { le: 0.5, count: 5 },
      { le: Infinity, count: 0 },
    ]);
  });

  it('adds up series with the same bound and treats negative counts as zero', () => {
    expect(
      toBucketCounts([
        { le: 1, count: 2 },
        { le: 1, count: 3 },
        { le: 0.5, count: -2 },
      ]),
    ).toEqual([
      { le: 0.5, count: 0 },
      { le: 1, count: 5 },
    ]);
  });
});

describe('histogramToValues', () => {
  it('gives each request its bucket bound and +Inf requests the largest finite bound', () => {
    const result = histogramToValues([
      { le: 0.1, count: 2 },
      { le: 0.5, count: 3 },
      { le: Infinity, count: 5 },
    ]);
    expect(result).toEqual({ values: [0.1, 0.1, 0.5, 0.5, 0.5], requests: 5, thinned: false });
  });

  it('returns no values for an interval without requests', () => {
    expect(
      histogramToValues([
        { le: 0.1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toEqual({ values: [], requests: 0, thinned: false });
  });

  it('cannot represent requests when only +Inf exists', () => {
    expect(histogramToValues([{ le: Infinity, count: 3 }])).toBeUndefined();
  });

  it('thins a large interval to exactly maxValues, keeping each bucket share', () => {
    const result = histogramToValues(
      [
        { le: 0.1, count: 600_000 },
        { le: 1, count: 900_000 },
        { le: Infinity, count: 1_000_000 },
      ],
      1000,
    );
    expect(result?.requests).toBe(1_000_000);
    expect(result?.thinned).toBe(true);
    expect(result?.values).toHaveLength(1000);
    const count = (v: number): number => result?.values.filter((x) => x === v).length ?? 0;
    expect([count(0.1), count(1)]).toEqual([600, 400]);
  });
});

describe('apportion', () => {
  it('is exact and deterministic, ties going to the lower bucket', () => {
    expect(apportion([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(apportion([5, 3, 2], 10)).toEqual([5, 3, 2]);
    expect(apportion([0, 0], 5)).toEqual([0, 0]);
    expect(apportion([333, 333, 334], 100).reduce((a, b) => a + b, 0)).toBe(100);
  });
});
