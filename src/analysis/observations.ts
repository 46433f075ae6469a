/**
 * Observations: one interval's data for one KHI and one group. The live daemon and the offline
 * `vigil judge` both hand these to the analysis core, so everything live can be replayed offline.
 */

/** The two sides of every comparison. */
export type Group = 'baseline' | 'canary';

/** Events out of a total, e.g. failed requests out of all requests in the interval. */
export interface CountObservation {
  readonly events: number;
  readonly total: number;
}

/** Individual measurements in the interval; `null` is a missing observation (see `nanStrategy`). */
export interface ValuesObservation {
  readonly values: readonly (number | null)[];
  /**
   * When the values were read from histogram bucket counters: those counters. `values` is exactly
   * `valuesFromHistogram(histogram)` (analysis/histogram-values.ts), so a store may keep the ~15
   * counters instead of one value per request.
   */
  readonly histogram?: HistogramCounters;
}

/** One interval's cumulative bucket counters, as JSON can carry them (infinite bounds spelled out). */
export interface HistogramCounters {
  /** Upper bounds, `'+Inf'` / `'-Inf'` for the infinite ones. */
  readonly le: readonly (number | '+Inf' | '-Inf')[];
  /** Cumulative count per bound, as the backend answered (before rounding). */
  readonly counts: readonly number[];
  /** The thinning limit the values were made with. */
  readonly maxValues: number;
}

export type Observation = CountObservation | ValuesObservation;

/** One KHI's observations in one interval; a missing side means that group had no data. */
export interface KhiObservations {
  readonly baseline?: Observation;
  readonly canary?: Observation;
}

/** One interval: observations keyed by KHI name. A KHI absent here had no data this interval. */
export interface IntervalObservations {
  readonly khis: Readonly<Record<string, KhiObservations>>;
}

/** True when the observation is a count (`{events, total}`). */
export function isCountObservation(observation: Observation): observation is CountObservation {
  return 'events' in observation;
}
