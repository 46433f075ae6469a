/**
 * Descriptive statistics as Kayenta computes them, so derived numbers (mean ratio, IQR fences)
 * agree with Kayenta to the last bit where possible.
 *
 * Sources: spinnaker/spinnaker kayenta-judge/src/main/scala/com/netflix/kayenta/judge/stats/
 * DescriptiveStatistics.scala (commit 5ca1d36c); Apache Commons Math 3 `StatUtils.mean`
 * (two-pass corrected mean), `StatUtils.variance` (bias-corrected, two-pass) and
 * `Percentile` with `EstimationType.R_7` (Hyndman & Fan 1996, definition 7).
 */

/** Kayenta's `MetricStatistics` plus the median; every field is 0 for an empty metric. */
export interface KayentaMetricStatistics {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1). */
  readonly std: number;
  readonly count: number;
  /** 50th percentile; not in Kayenta's stats map, added for Vigil's reasons. */
  readonly median: number;
}

/** Apache Commons `StatUtils.mean`: sum/n plus a second-pass correction; NaN when empty. */
export function apacheMean(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  const xbar = sum / n;
  let correction = 0;
  for (const v of values) correction += v - xbar;
  return xbar + correction / n;
}

/** Apache Commons `StatUtils.variance` (n − 1 denominator); 0 for one value, NaN when empty. */
export function apacheVariance(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return 0;
  const m = apacheMean(values);
  let accum = 0;
  let dev = 0;
  let accum2 = 0;
  for (const v of values) {
    dev = v - m;
    accum += dev * dev;
    accum2 += dev;
  }
  return (accum - (accum2 * accum2) / n) / (n - 1);
}

/** Apache Commons population variance (n denominator); NaN when empty. */
export function apachePopulationVariance(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return 0;
  const m = apacheMean(values);
  let accum = 0;
  let accum2 = 0;
  for (const v of values) {
    const dev = v - m;
    accum += dev * dev;
    accum2 += dev;
  }
  return (accum - (accum2 * accum2) / n) / n;
}

/** The `p`th percentile (0 < p <= 100) by R-7 linear interpolation; NaN when empty. */
export function percentileR7(values: readonly number[], p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (n === 1) return sorted[0] ?? Number.NaN;
  const q = p / 100;
  const pos = q === 1 ? n : 1 + (n - 1) * q;
  if (pos < 1) return sorted[0] ?? Number.NaN;
  if (pos >= n) return sorted[n - 1] ?? Number.NaN;
  const fpos = Math.floor(pos);
  const dif = pos - fpos;
  const lower = sorted[fpos - 1] ?? Number.NaN;
  const upper = sorted[fpos] ?? Number.NaN;
  return lower + dif * (upper - lower);
}

/** Kayenta's `DescriptiveStatistics.summary` (zeros when empty) with the median added. */
export function summarizeKayentaMetric(values: readonly number[]): KayentaMetricStatistics {
  if (values.length === 0) return { min: 0, max: 0, mean: 0, std: 0, count: 0, median: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    min,
    max,
    mean: apacheMean(values),
    std: Math.sqrt(apacheVariance(values)),
    count: values.length,
    median: percentileR7(values, 50),
  };
}
