/**
 * The API's own request metrics: one duration histogram by method, route pattern and status,
 * registered on the daemon's registry. Unmatched URLs share one route label, so scanners cannot
 * blow up the label set.
 */
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

export const HTTP_DURATION_METRIC = 'vigil_http_request_duration_seconds';

/** Registers the histogram (or reuses one already on the registry) and observes every response. */
export function observeHttpDurations(app: FastifyInstance, registry: Registry): void {
  const existing = registry.getSingleMetric(HTTP_DURATION_METRIC);
  const histogram =
    existing instanceof Histogram
      ? (existing as Histogram<'method' | 'route' | 'status_code'>)
      : new Histogram({
          name: HTTP_DURATION_METRIC,
          help: 'Duration of HTTP requests to the Vigil API, in seconds, by method, route and status code.',
          labelNames: ['method', 'route', 'status_code'] as const,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
          registers: [registry],
        });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    histogram.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
