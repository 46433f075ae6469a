/**
 * A seeded simulator of one analysis interval as a metrics backend sees it: every request of each
 * group (errors and a log-normal latency), split into scrape steps. From the same requests it
 * builds what each judge receives — Vigil's Observations (error counts, every request's latency
 * read back from histogram buckets, a CPU gauge per step), the per-step series a Kayenta Prometheus
 * `query_range` would return (error ratio and mean latency per step, from `_sum`/`_count`), and the
 * exact sufficient statistics an oracle needs. Used by the detection benchmark.
 */
import type { IntervalObservations } from '../analysis/observations.js';
import { histogramToValues, type CumulativeBucket } from '../analysis/histogram-values.js';
import type { Random } from './random.js';

export interface SteppedGroup {
  /** Requests per interval. */
  readonly requests: number;
  /** Probability that a request fails. */
  readonly errorRate: number;
  /** Median latency in seconds (log-normal). */
  readonly latencyMedianSeconds: number;
  /** CPU use (cores) around which the gauge varies. */
  readonly cpu: number;
}

export interface SteppedRelease {
  readonly baseline: SteppedGroup;
  readonly canary: SteppedGroup;
  /** Log-scale spread of latencies (0.5 ≈ p99/p50 of 3.2). */
  readonly latencySigma: number;
  /** Scrape steps per interval (e.g. 6 steps of 10 s in a 60 s interval). */
  readonly steps: number;
  /**
   * Histogram bucket upper bounds (a `+Inf` bucket is implied): each group's latencies of an
   * interval are counted into these buckets and read back as Vigil reads a Prometheus histogram
   * (see `histogramLatencies`). Omitted: exact latencies (e.g. from traces).
   */
  readonly latencyBuckets?: readonly number[];
  /** Relative noise of the CPU gauge (one sample per step). */
  readonly cpuNoise: number;
}

/** Exact per-group figures of one interval, for oracles that know the model. */
export interface GroupTruth {
  readonly requests: number;
  readonly errors: number;
  /** Sum of log(latency) over all requests (exact, before bucketing). */
  readonly logLatencySum: number;
}

export interface SteppedInterval {
  /** What Vigil's judge receives (KHIs error-rate, latency, cpu). */
  readonly vigil: IntervalObservations;
  /** Per-step series as Kayenta would query them (error-rate and latency as gauges, cpu). */
  readonly steps: IntervalObservations;
  readonly truth: { readonly baseline: GroupTruth; readonly canary: GroupTruth };
}

/** Prometheus native histogram bucket bounds of schema `schema` (factor 2^(2^-schema)) from `min` to `max` seconds. */
export function nativeHistogramBuckets(schema: number, min: number, max: number): number[] {
  const factor = 2 ** (2 ** -schema);
  const bounds: number[] = [];
  for (
    let index = Math.floor(Math.log(min) / Math.log(factor));
    factor ** index <= max * factor;
    index += 1
  ) {
    bounds.push(factor ** index);
  }
  return bounds;
}

/** The Prometheus client libraries' default histogram buckets (seconds). */
export const PROMETHEUS_DEFAULT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Simulates `intervals` intervals of a release. */
export function simulateSteppedIntervals(
  release: SteppedRelease,
  intervals: number,
  random: Random,
): SteppedInterval[] {
  return Array.from({ length: intervals }, () => simulateSteppedInterval(release, random));
}

interface GroupInterval {
  readonly truth: GroupTruth;
  readonly latencies: number[];
  readonly stepErrorRatios: (number | null)[];
  readonly stepMeanLatencies: (number | null)[];
  readonly cpu: number[];
}

/** Simulates one interval of both groups. */
export function simulateSteppedInterval(release: SteppedRelease, random: Random): SteppedInterval {
  const baseline = simulateGroup(release, release.baseline, random);
  const canary = simulateGroup(release, release.canary, random);
  return {
    vigil: {
      khis: {
        'error-rate': {
          baseline: { events: baseline.truth.errors, total: baseline.truth.requests },
          canary: { events: canary.truth.errors, total: canary.truth.requests },
        },
        latency: { baseline: { values: baseline.latencies }, canary: { values: canary.latencies } },
        cpu: { baseline: { values: baseline.cpu }, canary: { values: canary.cpu } },
      },
    },
    steps: {
      khis: {
        'error-rate': {
          baseline: { values: baseline.stepErrorRatios },
          canary: { values: canary.stepErrorRatios },
        },
        latency: {
          baseline: { values: baseline.stepMeanLatencies },
          canary: { values: canary.stepMeanLatencies },
        },
        cpu: { baseline: { values: baseline.cpu }, canary: { values: canary.cpu } },
      },
    },
    truth: { baseline: baseline.truth, canary: canary.truth },
  };
}

function simulateGroup(release: SteppedRelease, group: SteppedGroup, random: Random): GroupInterval {
  const mu = Math.log(group.latencyMedianSeconds);
  const sigma = release.latencySigma;
  const buckets = release.latencyBuckets;
  const latencies = new Array<number>(group.requests);
  const stepErrorRatios: (number | null)[] = [];
  const stepMeanLatencies: (number | null)[] = [];
  const cpu: number[] = [];
  let errors = 0;
  let logLatencySum = 0;
  let next = 0;
  for (let step = 0; step < release.steps; step += 1) {
    // Spread the interval's requests evenly over the steps.
    const stepRequests =
      Math.floor(((step + 1) * group.requests) / release.steps) -
      Math.floor((step * group.requests) / release.steps);
    const stepErrors = random.binomial(stepRequests, group.errorRate);
    let latencySum = 0;
    for (let i = 0; i < stepRequests; i += 1) {
      const logLatency = random.normal(mu, sigma);
      const latency = Math.exp(logLatency);
      logLatencySum += logLatency;
      latencySum += latency;
      latencies[next] = latency;
      next += 1;
    }
    errors += stepErrors;
    // Kayenta's query_range: rate(errors)/rate(requests) and _sum/_count per step; no traffic → missing.
    stepErrorRatios.push(stepRequests > 0 ? stepErrors / stepRequests : null);
    stepMeanLatencies.push(stepRequests > 0 ? latencySum / stepRequests : null);
    cpu.push(group.cpu * (1 + release.cpuNoise * random.normal()));
  }
  return {
    truth: { requests: group.requests, errors, logLatencySum },
    latencies: buckets ? histogramLatencies(latencies, buckets) : latencies,
    stepErrorRatios,
    stepMeanLatencies,
    cpu,
  };
}

/**
 * `latencies` as Vigil reads them from a Prometheus histogram with these bucket upper bounds: the
 * cumulative count per `le` (plus `+Inf`) that one interval's `increase` would give, turned back
 * into one value per request by the daemon's own conversion, `histogramToValues`, so the benchmark
 * and the daemon share one implementation. It interpolates linearly within every bucket, also the
 * exponential ones of a native histogram (schema 3 here), where Prometheus interpolates
 * exponentially: the daemon reads native histograms through the same `le` series as classic ones,
 * and at a bucket factor of 2^(1/8) the two differ by under 0.1% of the value, far inside the
 * tolerances. Bounds must be sorted ascending.
 */
export function histogramLatencies(latencies: readonly number[], bounds: readonly number[]): number[] {
  const perBucket = new Array<number>(bounds.length + 1).fill(0);
  for (const latency of latencies) {
    const index = bucketIndex(latency, bounds);
    perBucket[index] = (perBucket[index] ?? 0) + 1;
  }
  let cumulative = 0;
  const buckets: CumulativeBucket[] = [...bounds, Infinity].map((le, index) => {
    cumulative += perBucket[index] ?? 0;
    return { le, count: cumulative };
  });
  const read = histogramToValues(buckets);
  if (read === undefined) throw new Error('histogramLatencies needs at least one finite bucket bound');
  return read.values;
}

/** Index of the first bound ≥ `value` (binary search); `bounds.length` (the `+Inf` bucket) above all. */
function bucketIndex(value: number, bounds: readonly number[]): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value <= (bounds[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}
