/**
 * A KHI's time series as the correlation core receives it (e.g. from a Prometheus range query),
 * its checks, and the points a segmentation uses once missing ones are skipped or carried.
 */
import { DIRECTIONS, type Direction } from '../rule-set.js';
import { CorrelationInputError } from './correlation-input-error.js';

/** One sample of a KHI: `t` in epoch milliseconds; `null` (or NaN) when the source had no value. */
export interface KhiSeriesPoint {
  readonly t: number;
  readonly value: number | null;
}

/** A KHI's values over a time range, in time order, with the direction that is bad for it. */
export interface KhiSeries {
  readonly khi: string;
  readonly direction: Direction;
  readonly points: readonly KhiSeriesPoint[];
}

/**
 * `skip` drops missing points (segments are over present points only); `carry` repeats the last
 * present value in their place (leading missing points are dropped).
 */
export type MissingPointPolicy = 'skip' | 'carry';

export const MISSING_POINT_POLICIES: readonly MissingPointPolicy[] = ['skip', 'carry'];

/** The values a segmentation sees and, for each, its index in `points`. */
export interface UsedPoints {
  readonly values: readonly number[];
  readonly indices: readonly number[];
  /** Points that were null or NaN. */
  readonly missing: number;
}

/** Larger magnitudes are not measurements (and would overflow the arithmetic). */
const LARGEST_VALUE = 1e150;

/** Throws a `CorrelationInputError` naming the field unless `series` has the shape of a KhiSeries. */
export function assertKhiSeriesShape(series: KhiSeries, operation: string): void {
  if (typeof series !== 'object' || series === null) {
    throw new CorrelationInputError('series', `${operation}: series must be an object`);
  }
  if (typeof series.khi !== 'string' || series.khi.length === 0) {
    throw new CorrelationInputError('series.khi', `${operation}: series.khi must be a non-empty string`);
  }
  if (!(DIRECTIONS as readonly string[]).includes(series.direction)) {
    throw new CorrelationInputError(
      'series.direction',
      `${operation}: series.direction must be one of ${DIRECTIONS.join(', ')}, got ${String(series.direction)}`,
    );
  }
  if (!isArray(series.points)) {
    throw new CorrelationInputError('series.points', `${operation}: series.points must be an array`);
  }
}

/**
 * The first point that makes the series unusable, described; undefined when every point is usable.
 * Unusable: a time that is not finite or not after the previous one, an infinite value (Prometheus
 * `+Inf`, e.g. a quantile above the last bucket) or one beyond ±1e150. Null and NaN are missing.
 */
export function findInvalidPoint(points: readonly KhiSeriesPoint[]): string | undefined {
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    if (typeof point !== 'object' || point === null) return `points[${i}] is not a point`;
    const { t, value } = point;
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      return `points[${i}].t is not a finite time (${String(t)})`;
    }
    if (!(t > previous)) {
      return `points[${i}].t (${t}) is not after points[${i - 1}].t (${previous}); points must be in strictly increasing time order`;
    }
    previous = t;
    if (isMissing(value)) continue;
    if (typeof value !== 'number') return `points[${i}].value is not a number (${String(value)})`;
    if (!Number.isFinite(value)) {
      return `points[${i}].value is ${value} at t=${t}; an infinite value cannot be segmented (clamp it in the query)`;
    }
    if (Math.abs(value) > LARGEST_VALUE) {
      return `points[${i}].value ${value} at t=${t} is beyond ±1e150, not a measurement`;
    }
  }
  return undefined;
}

/** The values to segment under `policy`, with their indices in `points` (checked points only). */
export function usedPoints(points: readonly KhiSeriesPoint[], policy: MissingPointPolicy): UsedPoints {
  const values: number[] = [];
  const indices: number[] = [];
  let missing = 0;
  let last: number | undefined;
  points.forEach((point, i) => {
    const present = !isMissing(point.value);
    if (present) last = point.value as number;
    else missing++;
    if (last === undefined || (!present && policy === 'skip')) return;
    values.push(last);
    indices.push(i);
  });
  return { values, indices, missing };
}

function isMissing(value: number | null | undefined): boolean {
  return value === null || value === undefined || Number.isNaN(value);
}

/** Array check that does not widen the element type to `any`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}
