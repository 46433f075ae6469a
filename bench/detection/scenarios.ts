/**
 * The detection benchmark's scenarios: healthy (A/A) releases and regressed canaries, each with
 * the oracle that knows its true model. 2,000 requests per group per interval, 10 intervals of
 * 6 scrape steps; latencies are read from Prometheus native-histogram buckets (schema 3, bucket
 * factor 2^(1/8) ≈ 1.09) unless the scenario says otherwise.
 */
import {
  nativeHistogramBuckets,
  PROMETHEUS_DEFAULT_BUCKETS,
  type SteppedGroup,
  type SteppedRelease,
} from '../../src/simulation/stepped-canary-simulator.js';

/** What the oracle SPRT knows: the true per-request model of the regressed KHI. */
export type OracleModel =
  | { readonly khi: 'errors'; readonly baselineRate: number; readonly canaryRate: number }
  | {
      readonly khi: 'latency';
      readonly baselineLogMean: number;
      readonly canaryLogMean: number;
      readonly sigma: number;
    };

export interface Scenario {
  readonly id: string;
  readonly label: string;
  /** A healthy scenario counts rollbacks as false rollbacks; a regressed one as detections. */
  readonly regressed: boolean;
  readonly release: SteppedRelease;
  readonly oracle: OracleModel;
  /** Simulated analyses in full mode (quick mode divides it). */
  readonly analyses: number;
}

export const REQUESTS_PER_INTERVAL = 2000;
export const INTERVALS = 10;
export const STEPS_PER_INTERVAL = 6;
const LATENCY_MEDIAN_SECONDS = 0.12;
const LATENCY_SIGMA = 0.5;
const NATIVE_BUCKETS = nativeHistogramBuckets(3, 0.001, 60);

function release(
  baseline: Partial<SteppedGroup>,
  canary: Partial<SteppedGroup>,
  /** `null`: exact latencies (e.g. from traces). */
  buckets: readonly number[] | null = NATIVE_BUCKETS,
): SteppedRelease {
  const base: SteppedGroup = {
    requests: REQUESTS_PER_INTERVAL,
    errorRate: 0.005,
    latencyMedianSeconds: LATENCY_MEDIAN_SECONDS,
    cpu: 0.6,
  };
  const b = { ...base, ...baseline };
  return {
    baseline: b,
    canary: { ...b, ...canary },
    latencySigma: LATENCY_SIGMA,
    steps: STEPS_PER_INTERVAL,
    ...(buckets !== null && { latencyBuckets: buckets }),
    cpuNoise: 0.05,
  };
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function errorScenario(baselineRate: number, factor: number, analyses: number): Scenario {
  const healthy = factor === 1;
  return {
    id: healthy ? `healthy-${baselineRate}` : `errors-x${factor}-${baselineRate}`,
    label: healthy
      ? `healthy, errors ${percent(baselineRate)}`
      : `errors ×${factor} at ${percent(baselineRate)}`,
    regressed: !healthy,
    release: release({ errorRate: baselineRate }, { errorRate: baselineRate * factor }),
    // A healthy canary has no alternative; the oracle is then the ×2 SPRT, to show its false rollbacks.
    oracle: { khi: 'errors', baselineRate, canaryRate: baselineRate * (healthy ? 2 : factor) },
    analyses,
  };
}

function zeroBaselineScenario(canaryRate: number, analyses: number): Scenario {
  return {
    id: `zero-baseline-${canaryRate}`,
    label: `zero-baseline spike, canary ${percent(canaryRate)}`,
    regressed: true,
    release: release({ errorRate: 0 }, { errorRate: canaryRate }),
    oracle: { khi: 'errors', baselineRate: 0, canaryRate },
    analyses,
  };
}

function latencyScenario(
  increase: number,
  analyses: number,
  buckets: 'native' | 'classic' | 'exact',
): Scenario {
  const bounds =
    buckets === 'native' ? NATIVE_BUCKETS : buckets === 'classic' ? PROMETHEUS_DEFAULT_BUCKETS : null;
  const what = buckets === 'native' ? '' : buckets === 'classic' ? ', classic buckets' : ', exact values';
  return {
    id: `latency+${Math.round(increase * 100)}${buckets === 'native' ? '' : `-${buckets}`}`,
    label: `latency +${Math.round(increase * 100)}%${what}`,
    regressed: true,
    release: release({}, { latencyMedianSeconds: LATENCY_MEDIAN_SECONDS * (1 + increase) }, bounds),
    oracle: {
      khi: 'latency',
      baselineLogMean: Math.log(LATENCY_MEDIAN_SECONDS),
      canaryLogMean: Math.log(LATENCY_MEDIAN_SECONDS * (1 + increase)),
      sigma: LATENCY_SIGMA,
    },
    analyses,
  };
}

/** Every scenario, in table order. */
export const SCENARIOS: readonly Scenario[] = [
  // 10,000 healthy analyses would take ~15 min here (see docs/benchmarks.md); the A/A test runs 10,000 with fewer latency samples.
  errorScenario(0.005, 1, 3000),
  errorScenario(0.001, 1, 1000),
  errorScenario(0.01, 1, 1000),
  ...[0.001, 0.005, 0.01].flatMap((rate) => [1.5, 2, 5].map((factor) => errorScenario(rate, factor, 1000))),
  zeroBaselineScenario(0.002, 1000),
  zeroBaselineScenario(0.005, 1000),
  latencyScenario(0.1, 1000, 'native'),
  latencyScenario(0.25, 1000, 'native'),
  latencyScenario(0.5, 1000, 'native'),
  latencyScenario(0.1, 1000, 'exact'),
  latencyScenario(0.25, 1000, 'classic'),
];
