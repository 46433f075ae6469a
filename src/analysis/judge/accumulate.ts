/**
 * Accumulate: fold one interval's observations into a KHI's running totals. Counts are summed as
 * counts (never averaged as a series of ratios) so sparse and zero-baseline errors keep their
 * weight; values are concatenated so the tests see every observation.
 */
import {
  isCountObservation,
  type HistogramCounters,
  type KhiObservations,
  type Observation,
  type ValuesObservation,
} from '../observations.js';
import type { KhiRule } from '../rule-set.js';
import type { GroupAccumulation, KhiState } from './judge-state.js';

const EMPTY_GROUP: GroupAccumulation = { counts: { events: 0, total: 0 }, values: [], perInterval: [] };

/** The state of a KHI before its first interval. */
export function emptyKhiState(): KhiState {
  return {
    baseline: EMPTY_GROUP,
    canary: EMPTY_GROUP,
    intervalsWithData: 0,
    sequential: { zHistory: { increase: [], decrease: [] }, sloZHistory: { max: [], min: [] } },
  };
}

/** Why an observation cannot be used for this KHI, or undefined when it can. */
export function observationProblem(
  rule: KhiRule,
  observation: Observation,
  group: string,
): string | undefined {
  if (rule.kind === 'ratio') {
    if (!isCountObservation(observation)) return `${group}: a ratio KHI needs {events, total}, got values`;
    const { events, total } = observation;
    if (!Number.isFinite(events) || !Number.isFinite(total))
      return `${group}: events and total must be finite numbers`;
    if (events < 0 || total < 0)
      return `${group}: counts must not be negative (events ${events}, total ${total})`;
    if (events > total) return `${group}: events (${events}) exceed total (${total})`;
    return undefined;
  }
  if (isCountObservation(observation)) return `${group}: a ${rule.kind} KHI needs {values}, got counts`;
  if (!Array.isArray(observation.values)) return `${group}: values must be an array`;
  const bad = firstBadValue(observation.values);
  if (bad >= 0) return `${group}: values[${bad}] is not a finite number (use null for a missing observation)`;
  return undefined;
}

/** Folds one interval into the KHI's state; a KHI missing from the interval had no data there. */
export function accumulateInterval(
  rule: KhiRule,
  state: KhiState,
  observations: KhiObservations | undefined,
): KhiState {
  if (state.dataError !== undefined) return state;
  const problem =
    (observations?.baseline && observationProblem(rule, observations.baseline, 'baseline')) ||
    (observations?.canary && observationProblem(rule, observations.canary, 'canary'));
  if (problem) return { ...state, dataError: problem };
  const baseline = addObservation(state.baseline, observations?.baseline);
  const canary = addObservation(state.canary, observations?.canary);
  const bothHaveData = hasData(observations?.baseline) && hasData(observations?.canary);
  return { ...state, baseline, canary, intervalsWithData: state.intervalsWithData + (bothHaveData ? 1 : 0) };
}

function hasData(observation: Observation | undefined): boolean {
  if (observation === undefined) return false;
  if (isCountObservation(observation)) return observation.total > 0;
  return presentCount(observation.values) > 0;
}

// The loops over an interval's values (10⁴ and more) are each alone in a function, for the reason
// given in statistics/rank-sum.ts.

/** Index of the first value that is neither null nor a finite number, or −1. */
function firstBadValue(values: readonly (number | null)[]): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) return i;
  }
  return -1;
}

function presentCount(values: readonly (number | null)[]): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) count += +(values[i] !== null);
  return count;
}

/** Sum of the values that are not null, added in order from 0. */
function presentSum(values: readonly (number | null)[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] ?? 0;
  return sum;
}

function addObservation(group: GroupAccumulation, observation: Observation | undefined): GroupAccumulation {
  if (observation === undefined) return { ...group, perInterval: [...group.perInterval, null] };
  if (isCountObservation(observation)) {
    return {
      counts: {
        events: group.counts.events + observation.events,
        total: group.counts.total + observation.total,
      },
      values: group.values,
      perInterval: [
        ...group.perInterval,
        observation.total > 0 ? observation.events / observation.total : null,
      ],
    };
  }
  const present = presentCount(observation.values);
  const mean = present > 0 ? presentSum(observation.values) / present : null;
  const histograms = histogramsAfter(group, observation);
  return {
    counts: group.counts,
    values: group.values.concat(observation.values),
    perInterval: [...group.perInterval, mean],
    ...(histograms !== undefined && { histograms }),
  };
}

/** The group's histogram counters after this observation, while all its values came from some. */
function histogramsAfter(
  group: GroupAccumulation,
  observation: ValuesObservation,
): readonly HistogramCounters[] | undefined {
  // Values without counters end them, unless there are none (the concatenation is unchanged).
  if (observation.histogram === undefined)
    return observation.values.length === 0 ? group.histograms : undefined;
  // Nothing so far, or only counters: the counters still make every value.
  if (group.values.length === 0 || group.histograms !== undefined)
    return [...(group.histograms ?? []), observation.histogram];
  return undefined;
}
