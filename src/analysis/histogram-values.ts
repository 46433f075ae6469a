/**
 * Turns a Prometheus histogram's bucket counters for one interval (cumulative counts per `le`,
 * e.g. from `sum by (le) (increase(x_bucket[60s]))`) into one value per request, so the test
 * sees every request rather than a percentile series.
 *
 * - `increase` extrapolates, so counts are rounded and made monotone (running maximum, as
 *   `histogram_quantile` does) before per-bucket counts are taken.
 * - The requests of a bucket are spread evenly over it, as Prometheus' `histogram_quantile`
 *   interpolates linearly within a bucket (promql/quantile.go, `bucketQuantile`): n requests in
 *   (lo, hi] get lo + (hi − lo)·(i + ½)/n, i = 0 … n − 1, the bucket's n quantiles at the middle of
 *   their ranks. The lowest bucket starts at 0 if its bound is positive; if it is ≤ 0 its requests
 *   all get that bound, as there is nothing to interpolate from. Requests only in `+Inf` get the
 *   largest finite bound: a lower bound of their real duration. Reading every request as its
 *   bucket's upper bound instead hid any shift that stays within a bucket from the
 *   tolerance-shifted test (a +25% latency regression with the client libraries' default buckets).
 * - Interpolated values are rounded to 4 significant digits of the bucket's upper bound (a grid of
 *   at most 0.1% of it): far finer than any tolerance a rule sets, and the judge state, which keeps
 *   every value of every interval as JSON, is a third the size (shortest decimals instead of 17
 *   digits; bench/daemon capacity).
 * - More than `maxValues` requests are thinned deterministically to exactly `maxValues`, keeping
 *   each bucket's share (largest-remainder apportionment, ties to the lower bucket). Memory stays
 *   bounded; the test sees fewer samples, so it can only lose power, never gain false confidence.
 */

import type { HistogramCounters } from './observations.js';

/** One cumulative bucket: requests with a value ≤ `le` (`Infinity` for `+Inf`). */
export interface CumulativeBucket {
  readonly le: number;
  readonly count: number;
}

/** Requests whose value falls in (previous bound, `le`]. */
export interface BucketCount {
  readonly le: number;
  readonly count: number;
}

export const DEFAULT_MAX_HISTOGRAM_VALUES = 200_000;

/** Sorted, rounded, monotone per-bucket counts; buckets with the same `le` are added up. */
export function toBucketCounts(buckets: readonly CumulativeBucket[]): BucketCount[] {
  const merged = new Map<number, number>();
  for (const bucket of buckets) merged.set(bucket.le, (merged.get(bucket.le) ?? 0) + bucket.count);
  const sorted = [...merged].sort(([a], [b]) => a - b);
  let previous = 0;
  let runningMax = 0;
  return sorted.map(([le, count]) => {
    runningMax = Math.max(runningMax, Math.max(0, Math.round(count)));
    const perBucket = runningMax - previous;
    previous = runningMax;
    return { le, count: perBucket };
  });
}

/**
 * One value per request (see the module comment). Undefined when there is no finite bound to
 * stand for the requests (a histogram with only `+Inf`).
 */
export function histogramToValues(
  buckets: readonly CumulativeBucket[],
  maxValues = DEFAULT_MAX_HISTOGRAM_VALUES,
): { values: number[]; requests: number; thinned: boolean } | undefined {
  const counts = toBucketCounts(buckets);
  const finite = counts.filter((b) => Number.isFinite(b.le));
  const largestFinite = finite[finite.length - 1]?.le;
  const requests = counts.reduce((sum, b) => sum + b.count, 0);
  if (largestFinite === undefined)
    return requests === 0 ? { values: [], requests: 0, thinned: false } : undefined;
  const thinned = requests > maxValues;
  const kept = thinned
    ? apportion(
        counts.map((b) => b.count),
        maxValues,
      )
    : counts.map((b) => b.count);
  const values: number[] = [];
  counts.forEach((bucket, index) => {
    const n = kept[index] ?? 0;
    const { lower, upper } = bucketRange(bucket.le, counts[index - 1]?.le, largestFinite);
    // A single point needs no interpolation (and `-Inf` − `-Inf` would be NaN).
    if (lower === upper) {
      for (let i = 0; i < n; i += 1) values.push(upper);
      return;
    }
    const round = roundingFor(upper);
    for (let i = 0; i < n; i += 1) values.push(round(lower + ((upper - lower) * (i + 0.5)) / n));
  });
  return { values, requests, thinned };
}

/** The counters of `buckets` as an observation carries them (JSON has no Infinity). */
export function histogramCounters(
  buckets: readonly CumulativeBucket[],
  maxValues: number,
): HistogramCounters {
  return {
    le: buckets.map((b) => (b.le === Infinity ? '+Inf' : b.le === -Infinity ? '-Inf' : b.le)),
    counts: buckets.map((b) => b.count),
    maxValues,
  };
}

/**
 * The values `histogramToValues` made from these counters, again: the same function on the same
 * numbers, so bit for bit the same (an empty list where it made none).
 */
export function valuesFromHistogram(counters: HistogramCounters): number[] {
  const buckets = counters.le.map((le, index) => ({
    le: le === '+Inf' ? Infinity : le === '-Inf' ? -Infinity : le,
    count: counters.counts[index] ?? 0,
  }));
  return histogramToValues(buckets, counters.maxValues)?.values ?? [];
}

/** Why `value` is not HistogramCounters (for stored data), or undefined when it is. */
export function histogramCountersProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const { le, counts, maxValues } = value as Record<string, unknown>;
  if (
    !Array.isArray(le) ||
    !le.every((b) => b === '+Inf' || b === '-Inf' || (typeof b === 'number' && Number.isFinite(b)))
  )
    return 'le must be an array of finite numbers, "+Inf" or "-Inf"';
  if (
    !Array.isArray(counts) ||
    counts.length !== le.length ||
    !counts.every((c) => typeof c === 'number' && Number.isFinite(c))
  )
    return 'counts must be finite numbers, one per le';
  if (typeof maxValues !== 'number' || !Number.isSafeInteger(maxValues) || maxValues < 1)
    return 'maxValues must be a positive integer';
  return undefined;
}

/**
 * The range a bucket's requests are spread over, as `histogram_quantile` interpolates: from the
 * previous bound (0 below a positive lowest bound) to `le`; a single point for a lowest bound ≤ 0
 * and for `+Inf` (the largest finite bound).
 */
function bucketRange(
  le: number,
  previousLe: number | undefined,
  largestFinite: number,
): { lower: number; upper: number } {
  if (le === Infinity) return { lower: largestFinite, upper: largestFinite };
  if (previousLe === undefined) return { lower: le > 0 ? 0 : le, upper: le };
  // A `-Inf` bound below gives nothing to interpolate from (Prometheus would return NaN).
  return { lower: Number.isFinite(previousLe) ? previousLe : le, upper: le };
}

const SIGNIFICANT_DIGITS = 4;

/** Rounds to SIGNIFICANT_DIGITS digits of `upper`'s magnitude (as is for bounds ≤ 0). */
function roundingFor(upper: number): (value: number) => number {
  if (!(upper > 0)) return (value) => value;
  const scale = 10 ** (SIGNIFICANT_DIGITS - Math.ceil(Math.log10(upper)));
  // Dividing the rounded integer by the power of ten gives the double nearest the short decimal.
  return scale >= 1
    ? (value) => Math.round(value * scale) / scale
    : (value) => Math.round(value * scale) * (1 / scale);
}

/** Scales `counts` to sum to exactly `target` by the largest-remainder method; deterministic. */
export function apportion(counts: readonly number[], target: number): number[] {
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total === 0) return counts.map(() => 0);
  const quotas = counts.map((c) => (c * target) / total);
  const result = quotas.map(Math.floor);
  let remaining = target - result.reduce((sum, c) => sum + c, 0);
  const order = quotas
    .map((q, index) => ({ index, remainder: q - Math.floor(q) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (remaining <= 0) break;
    result[index] = (result[index] ?? 0) + 1;
    remaining -= 1;
  }
  return result;
}
