/**
 * Interquartile-range outlier removal (Tukey's fences).
 * Source: J. W. Tukey (1977), "Exploratory Data Analysis"; quartiles by NumPy's default percentile.
 */
import { sortedFloat64 } from './numeric-sort.js';
import { percentileOfSorted } from './percentiles.js';
import { StatisticsError } from './statistics-error.js';
import { assertSample } from './validation.js';

/** Values kept (input order), the fences used and how many values were removed. */
export interface OutlierRemoval {
  readonly kept: readonly number[];
  readonly removed: number;
  readonly lowerFence: number;
  readonly upperFence: number;
}

const OPERATION = 'removeOutliersIqr';

/** Keeps values within [Q1 − factor·IQR, Q3 + factor·IQR] (factor ≥ 0, default 1.5). */
export function removeOutliersIqr(values: readonly number[], factor = 1.5): OutlierRemoval {
  assertSample(OPERATION, 'values', values);
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
    throw new StatisticsError(
      'INVALID_OPTION',
      `${OPERATION}: factor must be a finite number ≥ 0, got ${String(factor)}`,
    );
  }
  const sorted = sortedFloat64(values);
  const q1 = percentileOfSorted(sorted, 25);
  const q3 = percentileOfSorted(sorted, 75);
  const iqr = q3 - q1;
  const lowerFence = q1 - factor * iqr;
  const upperFence = q3 + factor * iqr;
  const kept = values.filter((v) => v >= lowerFence && v <= upperFence);
  return { kept, removed: values.length - kept.length, lowerFence, upperFence };
}
