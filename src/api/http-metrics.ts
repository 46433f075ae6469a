/**
 * The API's own request metrics: one duration histogram by method, route pattern and status,
 * registered on the daemon's registry. Unmatched URLs share one route label, so scanners cannot
 * blow up the label set.
 *
 * The histogram is observed on every request, and prom-client's `Histogram.observe` (label
 * validation and hashing, a bucket object keyed by the bound as a string) cost several µs of the
 * verdict endpoint's budget. RequestDurationHistogram keeps one array of bucket counts per series,
 * found through three Map lookups, and gives the registry what prom-client's Histogram gives it
 * when /metrics is read, so the exposition is the same line for line (test/api/http-metrics.test.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { Histogram, MetricValueWithName, Registry } from 'prom-client';

export const HTTP_DURATION_METRIC = 'vigil_http_request_duration_seconds';
const HELP = 'Duration of HTTP requests to the Vigil API, in seconds, by method, route and status code.';
/** Upper bounds of the buckets, in seconds. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
const UNMATCHED = 'unmatched';

type Label = 'method' | 'route' | 'status_code';
type SeriesLabels = Readonly<Record<Label, string>>;

/** Records one answered request; called from the app's onResponse hook. */
export type HttpDurationObserver = (request: FastifyRequest, statusCode: number, elapsedMs: number) => void;

interface Series {
  readonly labels: SeriesLabels;
  /** Observations per bucket (not cumulative); the last element counts those above every bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** One exported sample, as prom-client's Histogram hands it to the registry. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels: SeriesLabels;
  readonly value: number;
  readonly metricName: string;
}

/**
 * A histogram with the registry-facing surface of prom-client's (`name`, `help`, `type`,
 * `aggregator`, `get`, `reset`) and one way in: `observe(method, route, statusCode, seconds)`.
 */
export class RequestDurationHistogram {
  readonly name = HTTP_DURATION_METRIC;
  readonly help = HELP;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** route → method → status code → series. */
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    let byMethod = this.series.get(route);
    if (byMethod === undefined) this.series.set(route, (byMethod = new Map<string, Map<number, Series>>()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(statusCode);
    if (series === undefined) {
      series = {
        labels: { method, route, status_code: String(statusCode) },
        counts: new Array<number>(HTTP_DURATION_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byStatus.set(statusCode, series);
    }
    let bucket = 0;
    while (bucket < HTTP_DURATION_BUCKETS.length && seconds > HTTP_DURATION_BUCKETS[bucket]!) bucket += 1;
    series.counts[bucket]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** What the registry formats for /metrics: buckets (cumulative, `le` first), +Inf, sum and count. */
  getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: Sample[];
  }> {
    const values: Sample[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const byMethod of this.series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const { labels, counts, sum, count } of byStatus.values()) {
          let cumulative = 0;
          HTTP_DURATION_BUCKETS.forEach((bound, index) => {
            cumulative += counts[index]!;
            values.push({
              labels: { le: bound },
              sharedLabels: labels,
              value: cumulative,
              metricName: bucketName,
            });
          });
          values.push(
            { labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: bucketName },
            { labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` },
            { labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` },
          );
        }
      }
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  /** The same samples with every label on each (prom-client's `get()`, used by getMetricsAsJSON). */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValueWithName<string>[];
  }> {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, value, metricName }) => ({
        labels: { ...labels, ...sharedLabels },
        value,
        metricName,
      })),
    };
  }

  reset(): void {
    this.series.clear();
  }
}

/** The registry's request-duration histogram, registered on first use. */
export function httpDurationHistogram(registry: Registry): RequestDurationHistogram {
  const existing = registry.getSingleMetric(HTTP_DURATION_METRIC) as unknown;
  if (existing instanceof RequestDurationHistogram) return existing;
  const histogram = new RequestDurationHistogram();
  // The registry only reads name, help, type, aggregator, get() and reset(), and throws when
  // another metric has this name.
  registry.registerMetric(histogram as unknown as Histogram);
  return histogram;
}

/** The observer of Fastify's answers, on the registry's request-duration histogram. */
export function createHttpDurationObserver(registry: Registry): HttpDurationObserver {
  const histogram = httpDurationHistogram(registry);
  return (request, statusCode, elapsedMs) => {
    // `is404` is a field read; `routeOptions` builds an object, so only matched routes pay for it.
    const route = request.is404 ? UNMATCHED : (request.routeOptions.url ?? UNMATCHED);
    histogram.observe(request.method, route, statusCode, elapsedMs / 1000);
  };
}
