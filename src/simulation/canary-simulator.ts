/**
 * A seeded simulator of a canary and its baseline: request counts with errors, request latencies
 * and a saturation gauge per interval, as Observations. Used for the shipped example scenarios,
 * the A/A simulation tests and the detection benchmark.
 */
import type { IntervalObservations } from '../analysis/observations.js';
import type { Random } from './random.js';
import { histogramLatencies } from './stepped-canary-simulator.js';

export interface SimulatedGroup {
  /** Requests per interval. */
  readonly requests: number;
  /** Probability that a request fails. */
  readonly errorRate: number;
  /** Median latency in seconds (log-normal). */
  readonly latencyMedianSeconds: number;
  /** CPU use (cores) around which the gauge varies. */
  readonly cpu: number;
}

export interface SimulatedRelease {
  readonly baseline: SimulatedGroup;
  readonly canary: SimulatedGroup;
  /** Log-scale spread of latencies (0.5 ≈ p99/p50 of 3.2). */
  readonly latencySigma: number;
  /** Latency observations kept per interval per group (a sample of the requests). */
  readonly latencySamples: number;
  /** Histogram bucket upper bounds: latencies are read back from their buckets as Vigil reads Prometheus. */
  readonly latencyBuckets?: readonly number[];
  /** Gauge samples per interval per group. */
  readonly cpuSamples: number;
  /** Relative noise of the gauge. */
  readonly cpuNoise: number;
}

/** Names of the KHIs the simulator fills (those of rules/web-service.yaml). */
export const SIMULATED_KHIS = { errors: 'error-rate', latency: 'latency', cpu: 'cpu' } as const;

/** Simulates `intervals` intervals of a release. */
export function simulateIntervals(
  release: SimulatedRelease,
  intervals: number,
  random: Random,
): IntervalObservations[] {
  return Array.from({ length: intervals }, () => simulateInterval(release, random));
}

/** Simulates one interval. */
export function simulateInterval(release: SimulatedRelease, random: Random): IntervalObservations {
  const group = (g: SimulatedGroup) => ({
    errors: { events: random.binomial(g.requests, g.errorRate), total: g.requests },
    latency: { values: latencies(release, g, random) },
    cpu: {
      values: Array.from({ length: release.cpuSamples }, () =>
        round(g.cpu * (1 + release.cpuNoise * random.normal()), 4),
      ),
    },
  });
  const baseline = group(release.baseline);
  const canary = group(release.canary);
  return {
    khis: {
      [SIMULATED_KHIS.errors]: { baseline: baseline.errors, canary: canary.errors },
      [SIMULATED_KHIS.latency]: { baseline: baseline.latency, canary: canary.latency },
      [SIMULATED_KHIS.cpu]: { baseline: baseline.cpu, canary: canary.cpu },
    },
  };
}

function latencies(release: SimulatedRelease, group: SimulatedGroup, random: Random): number[] {
  const mu = Math.log(group.latencyMedianSeconds);
  const values = Array.from({ length: release.latencySamples }, () =>
    random.lognormal(mu, release.latencySigma),
  );
  return release.latencyBuckets
    ? histogramLatencies(values, release.latencyBuckets)
    : values.map((value) => round(value, 5));
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
