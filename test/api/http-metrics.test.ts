import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  HTTP_DURATION_BUCKETS,
  HTTP_DURATION_METRIC,
  RequestDurationHistogram,
} from '../../src/api/http-metrics.js';

/** [method, route, status code, seconds]: on bounds, between them, above the last, an escaped route. */
const OBSERVATIONS: readonly (readonly [string, string, number, number])[] = [
  ['GET', '/v1/deployments/:id/verdict', 200, 0.0003],
  ['GET', '/v1/deployments/:id/verdict', 200, 0.001],
  ['GET', '/v1/deployments/:id/verdict', 200, 0.0011],
  ['GET', '/v1/deployments/:id/verdict', 404, 0.02],
  ['POST', '/v1/deployments', 201, 0.7],
  ['POST', '/v1/deployments', 201, 61],
  ['GET', 'unmatched', 404, 0.0049],
  ['GET', '/odd "route"\\\n', 200, 5],
  ['GET', '/v1/deployments/:id/verdict', 200, 30],
];

function registries() {
  const fast = new Registry();
  const histogram = new RequestDurationHistogram();
  fast.registerMetric(histogram as unknown as Histogram);
  const reference = new Registry();
  const promClient = new Histogram({
    name: HTTP_DURATION_METRIC,
    help: histogram.help,
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [...HTTP_DURATION_BUCKETS],
    registers: [reference],
  });
  for (const [method, route, status, seconds] of OBSERVATIONS) {
    histogram.observe(method, route, status, seconds);
    promClient.observe({ method, route, status_code: String(status) }, seconds);
  }
  return { fast, reference, histogram };
}

describe('RequestDurationHistogram', () => {
  it('exposes exactly what a prom-client Histogram with the same observations exposes', async () => {
    const { fast, reference } = registries();
    const text = await fast.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain(
      'vigil_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/v1/deployments/:id/verdict",status_code="200"} 2',
    );
    // prom-client adds `exemplar: null` to each sample, which this histogram (without exemplars) leaves out.
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((metric) => ({
        ...metric,
        values: metric.values.map((value) => {
          const { exemplar: _exemplar, ...rest } = value as typeof value & { exemplar?: unknown };
          return rest;
        }),
      }));
    expect(await fast.getMetricsAsJSON()).toEqual(withoutExemplars(await reference.getMetricsAsJSON()));
  });

  it('starts again from zero when the registry is reset, and ignores non-finite durations', async () => {
    const { fast, histogram } = registries();
    fast.resetMetrics();
    histogram.observe('GET', '/healthz', 200, Number.NaN);
    expect(await fast.metrics()).not.toContain('_count');
    histogram.observe('GET', '/healthz', 200, 0.002);
    expect(await fast.metrics()).toContain(
      'vigil_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"} 1',
    );
  });
});
