/**
 * A latency sketch as histogram counters, so span durations reach the judge the way Prometheus
 * histograms do (analysis/histogram-values.ts spreads each bin's spans over it) and the judge
 * state keeps a few hundred counters per interval rather than one value per span.
 *
 * DDSketch's logarithmic mapping puts a value v in bin k = ⌈log_γ v⌉ + offset, so bin k holds
 * (γ^(k−1−offset), γ^(k−offset)]; the sketch reports the bin as value(k) = γ^(k−offset)·2/(1+γ),
 * hence upper bound = value(k)·(1+γ)/2 and lower bound = upper/γ. Both bounds are emitted where a
 * bin does not touch the previous one, so no bin's spans are spread over an empty gap.
 */
import type { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { histogramCounters, type CumulativeBucket } from '../../analysis/histogram-values.js';
import type { HistogramCounters } from '../../analysis/observations.js';

/** Spans per interval and group a latency member's values are thinned to (deterministically). */
export const MAX_SPAN_VALUES = 5000;

/** Cumulative counters of a sketch of non-negative durations. */
export function sketchToHistogram(
  sketch: LogCollapsingLowestDenseDDSketch,
  maxValues = MAX_SPAN_VALUES,
): HistogramCounters {
  const { store, mapping } = sketch;
  const buckets: CumulativeBucket[] = [];
  let cumulative = sketch.zeroCount;
  if (cumulative > 0) buckets.push({ le: 0, count: cumulative });
  let previousUpper = 0;
  if (store.count > 0) {
    for (let key = store.minKey; key <= store.maxKey; key += 1) {
      const count = store.bins[key - store.offset] ?? 0;
      if (count === 0) continue;
      const upper = (mapping.value(key) * (1 + mapping.gamma)) / 2;
      const lower = upper / mapping.gamma;
      if (lower > previousUpper * (1 + 1e-12)) buckets.push({ le: lower, count: cumulative });
      cumulative += count;
      buckets.push({ le: upper, count: cumulative });
      previousUpper = upper;
    }
  }
  return histogramCounters(buckets, maxValues);
}
