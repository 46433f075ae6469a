import { describe, expect, it } from 'vitest';
import { apportion, histogramToValues, toBucketCounts } from '../../src/analysis/histogram-values.js';

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
  it('spreads each bucket evenly from the previous bound, +Inf requests at the largest finite bound', () => {
    const result = histogramToValues([
      { le: 0.1, count: 2 },
      { le: 0.5, count: 4 },
      { le: Infinity, count: 5 },
    ]);
    expect(result?.requests).toBe(5);
    expect(result?.thinned).toBe(false);
    // (0, 0.1]: 2 requests at 1/4 and 3/4; (0.1, 0.5]: 2 at 0.1 + 0.4·(1/4, 3/4); +Inf: 0.5.
    expectClose(result?.values, [0.025, 0.075, 0.2, 0.4, 0.5]);
  });

  it('agrees with histogram_quantile: the k-th of n values is its bucket quantile at rank k − ½', () => {
    // bucketQuantile(q) = lo + (hi − lo)·(rank − below)/count, rank = q·total.
    const buckets = [
      { le: 0.25, count: 3 },
      { le: 1, count: 7 },
      { le: Infinity, count: 7 },
    ];
    const values = histogramToValues(buckets)?.values ?? [];
    const quantile = (rank: number): number =>
      rank <= 3 ? 0.25 * (rank / 3) : 0.25 + 0.75 * ((rank - 3) / 4);
    // Rounded to 4 significant digits of the bucket's upper bound: within half that grid.
    const grid = 1e-4; // both bounds (0.25 and 1) have magnitude 10^0
    expect(values).toHaveLength(7);
    values.forEach((value, k) =>
      expect(Math.abs(value - quantile(k + 0.5))).toBeLessThanOrEqual(grid / 2 + 1e-15),
    );
  });

  it('keeps interpolated values short: 4 significant digits of the bucket bound', () => {
    const values =
      histogramToValues([
        { le: 0.05, count: 7 },
        { le: 2500, count: 10 },
      ])?.values ?? [];
    expect(values.slice(0, 3)).toEqual([0.00357, 0.01071, 0.01786]);
    expect(values.slice(7)).toEqual([417, 1250, 2083]);
    for (const value of values)
      expect(
        String(value)
          .replace(/^0\.0*/, '')
          .replace('.', '').length,
      ).toBeLessThanOrEqual(4);
  });

  it('gives a lowest bound ≤ 0 to its requests and interpolates from it in the next bucket', () => {
    const result = histogramToValues([
      { le: -1, count: 2 },
      { le: 0, count: 2 },
      { le: 1, count: 4 },
      { le: Infinity, count: 4 },
    ]);
    expectClose(result?.values, [-1, -1, 0.25, 0.75]);
    expectClose(histogramToValues([{ le: 0, count: 3 }])?.values, [0, 0, 0]);
    expect(
      histogramToValues([
        { le: -Infinity, count: 1 },
        { le: 1, count: 2 },
      ])?.values,
    ).toEqual([-Infinity, 1]);
  });

  it('interpolates between negative bounds', () => {
    const result = histogramToValues([
      { le: -2, count: 0 },
      { le: -1, count: 2 },
      { le: Infinity, count: 2 },
    ]);
    expectClose(result?.values, [-1.75, -1.25]);
  });

  it('is monotone within and across buckets', () => {
    const values =
      histogramToValues([
        { le: 0.005, count: 7 },
        { le: 0.01, count: 30 },
        { le: 0.025, count: 31 },
        { le: 0.05, count: 90 },
        { le: Infinity, count: 95 },
      ])?.values ?? [];
    expect(values).toHaveLength(95);
    expect(values.every((v, i) => i === 0 || v >= (values[i - 1] ?? -Infinity))).toBe(true);
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
    const within = (lo: number, hi: number): number =>
      result?.values.filter((x) => x > lo && x <= hi).length ?? 0;
    expect([within(0, 0.1), within(0.1, 1)]).toEqual([600, 400]);
    // The kept requests of a bucket are spread over all of it.
    expect(result?.values[0]).toBeCloseTo(0.1 / 1200, 5);
    expect(result?.values[599]).toBeCloseTo(0.1 - 0.1 / 1200, 5);
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

function expectClose(actual: readonly number[] | undefined, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, index) => expect(actual?.[index]).toBeCloseTo(value, 12));
}
