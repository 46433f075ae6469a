/**
 * Sample percentiles with linear interpolation between order statistics.
 * Source: Hyndman & Fan (1996) definition 7, NumPy `np.percentile(a, q)` default ('linear').
 */
import { sortedFloat64 } from './numeric-sort.js';
import { StatisticsError } from './statistics-error.js';
import { assertSample } from './validation.js';

const OPERATION = 'percentile';

/** The q-th percentile (0 ≤ q ≤ 100) of already sorted values, R-7 / NumPy 'linear'. */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) {
    throw new StatisticsError('INVALID_PROBABILITY', `${OPERATION}: q must be in [0, 100], got ${String(q)}`);
  }
  const n = sorted.length;
  if (n === 0)
    throw new StatisticsError('INVALID_SAMPLE', `${OPERATION}: sorted needs at least 1 value, got 0`);
  const h = (n - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const low = sorted[lo] as number;
  const high = sorted[hi] as number;
  const fraction = h - lo;
  // NumPy's _lerp: a + (b − a)·t, computed from the nearer end for t ≥ ½ to stay monotone.
  const diff = high - low;
  return fraction >= 0.5 ? high - diff * (1 - fraction) : low + diff * fraction;
}

/** The q-th percentile (0 ≤ q ≤ 100) of `values` (R-7, NumPy's default). */
export function percentile(values: readonly number[], q: number): number {
  assertSample(OPERATION, 'values', values);
  return percentileOfSorted(sortedFloat64(values), q);
}
