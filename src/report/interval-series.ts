/**
 * A KHI's observations interval by interval, reduced to what a chart shows: the rate of a count
 * KHI (events out of total), the median of a value KHI with its interquartile range as a band.
 * Per interval, not cumulative: the judgements are cumulative, the chart shows how each interval
 * looked on its own.
 */
import { isCountObservation, type IntervalObservations, type Observation } from '../analysis/observations.js';

/** One group's interval, as charted. */
export interface IntervalValue {
  /** events/total for counts, the median for values. */
  readonly value: number;
  /** For values: the 25th to 75th percentile. */
  readonly band?: { readonly low: number; readonly high: number };
  /** Requests (total) for counts, measurements for values. */
  readonly samples: number;
}

/** One interval of a KHI: each group that had data in it. */
export interface IntervalPoint {
  readonly interval: number;
  readonly baseline?: IntervalValue;
  readonly canary?: IntervalValue;
}

/** One KHI across the intervals, as its chart draws it. */
export interface KhiSeries {
  /** `rate` when the KHI's observations are counts, `median` when they are values. */
  readonly measure: 'rate' | 'median';
  /** Intervals in which at least one group had data, in order. */
  readonly points: readonly IntervalPoint[];
}

/**
 * Every KHI's series from the intervals' observations (`interval` 1-based). A KHI whose
 * observations mix counts and values keeps the kind of its first one.
 */
export function seriesFromObservations(
  intervals: readonly { readonly interval: number; readonly observations: IntervalObservations }[],
): Record<string, KhiSeries> {
  const series: Record<string, { measure: KhiSeries['measure']; points: IntervalPoint[] }> = {};
  const ordered = [...intervals].sort((a, b) => a.interval - b.interval);
  for (const { interval, observations } of ordered) {
    for (const [name, groups] of Object.entries(observations.khis)) {
      const point = intervalPoint(interval, groups.baseline, groups.canary);
      if (point === undefined) continue;
      const measure = point.measure;
      const entry = (series[name] ??= { measure, points: [] });
      if (entry.measure === measure) entry.points.push(point.point);
    }
  }
  return series;
}

function intervalPoint(
  interval: number,
  baseline: Observation | undefined,
  canary: Observation | undefined,
): { measure: KhiSeries['measure']; point: IntervalPoint } | undefined {
  const first = baseline ?? canary;
  if (first === undefined) return undefined;
  const measure = isCountObservation(first) ? 'rate' : 'median';
  const summarise = (observation: Observation | undefined): IntervalValue | undefined =>
    observation === undefined || isCountObservation(observation) !== (measure === 'rate')
      ? undefined
      : summariseObservation(observation);
  const point = { interval, baseline: summarise(baseline), canary: summarise(canary) };
  if (point.baseline === undefined && point.canary === undefined) return undefined;
  return {
    measure,
    point: {
      interval,
      ...(point.baseline !== undefined && { baseline: point.baseline }),
      ...(point.canary !== undefined && { canary: point.canary }),
    },
  };
}

/** One observation as charted; undefined when it holds nothing to chart (no requests, no values). */
export function summariseObservation(observation: Observation): IntervalValue | undefined {
  if (isCountObservation(observation)) {
    const { events, total } = observation;
    if (!(total > 0) || !Number.isFinite(events)) return undefined;
    return { value: events / total, samples: total };
  }
  const sorted = observation.values
    .filter((value): value is number => value !== null && Number.isFinite(value))
    .sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return {
    value: quantileOfSorted(sorted, 0.5),
    band: { low: quantileOfSorted(sorted, 0.25), high: quantileOfSorted(sorted, 0.75) },
    samples: sorted.length,
  };
}

/** Linear interpolation between closest ranks (NumPy's default `linear` method). */
export function quantileOfSorted(sorted: readonly number[], quantile: number): number {
  const position = (sorted.length - 1) * quantile;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? low;
  return low + (high - low) * (position - below);
}
