import { describe, expect, it } from 'vitest';
import { histogramToValues } from '../../src/analysis/histogram-values.js';
import { createRandom } from '../../src/simulation/random.js';
import {
  histogramLatencies,
  PROMETHEUS_DEFAULT_BUCKETS,
  simulateSteppedInterval,
  type SteppedRelease,
} from '../../src/simulation/stepped-canary-simulator.js';

describe('histogramLatencies', () => {
  it('reads latencies back as the daemon reads the cumulative bucket counts they give', () => {
    const latencies = [0.3, 0.02, 0.07, 0.004, 12, 0.1, 0.09, 0.6];
    const bounds = [0.01, 0.1, 0.5, 1];
    expect(histogramLatencies(latencies, bounds)).toEqual(
      histogramToValues([
        { le: 0.01, count: 1 },
        { le: 0.1, count: 5 },
        { le: 0.5, count: 6 },
        { le: 1, count: 7 },
        { le: Infinity, count: 8 },
      ])?.values,
    );
  });

  it('keeps every latency in its bucket, one above the last bound at that bound', () => {
    const values = histogramLatencies([0.1, 0.1000001, 0.25, 3], [0.1, 0.25, 1]);
    expect(values).toHaveLength(4);
    expect(values[0]).toBeGreaterThan(0);
    expect(values[0]).toBeLessThanOrEqual(0.1);
    expect(values.slice(1, 3).every((v) => v > 0.1 && v <= 0.25)).toBe(true);
    expect(values[3]).toBe(1);
  });

  it('needs a finite bound', () => {
    expect(() => histogramLatencies([0.1], [])).toThrow(/finite bucket bound/);
  });
});

describe('simulateSteppedInterval', () => {
  const group = { requests: 500, errorRate: 0.01, latencyMedianSeconds: 0.12, cpu: 0.6 };
  const release: SteppedRelease = {
    baseline: group,
    canary: group,
    latencySigma: 0.5,
    steps: 6,
    latencyBuckets: PROMETHEUS_DEFAULT_BUCKETS,
    cpuNoise: 0.05,
  };

  it('gives one latency per request, interpolated within the buckets rather than at their bounds', () => {
    const interval = simulateSteppedInterval(release, createRandom(7));
    const latency = interval.vigil.khis['latency']?.baseline;
    const values = latency !== undefined && 'values' in latency ? latency.values : [];
    expect(values).toHaveLength(500);
    const onBounds = values.filter((v) => v !== null && PROMETHEUS_DEFAULT_BUCKETS.includes(v));
    expect(onBounds.length).toBeLessThan(values.length / 10);
  });
});
