/**
 * The 12-KHI rule set of the daemon benchmarks, over the demo shop's metrics: 4 ratios (2
 * instant queries per group), 4 distributions (1 instant query per group) and 4 gauges (1 range
 * query per group), so one step makes 32 Prometheus queries. `minIntervals` is high so healthy
 * verifications keep running through the measured window instead of being promoted early.
 */

/** Queries one step of this rule set makes (4 × 2 × 2 + 4 × 2 + 4 × 2). */
export const QUERIES_PER_STEP = 32;
export const KHI_COUNT = 12;

const ratio = (name: string, route: string) => `
  - name: ${name}
    kind: ratio
    direction: increase
    critical: true
    tolerance: { relative: 0.2, absolute: 0.0005 }
    minSamples: 100
    query:
      events: sum(increase(http_requests_total{ {{selector}}${route}, code=~"5.." }[{{interval}}]))
      total: sum(increase(http_requests_total{ {{selector}}${route} }[{{interval}}]))`;

const distribution = (name: string, route: string) => `
  - name: ${name}
    kind: distribution
    direction: increase
    critical: true
    tolerance: { relative: 0.1 }
    minSamples: 100
    query:
      histogram: sum by (le) (increase(http_request_duration_seconds_bucket{ {{selector}}${route} }[{{interval}}]))`;

const gauge = (name: string, values: string) => `
  - name: ${name}
    kind: gauge
    direction: increase
    critical: false
    tolerance: { relative: 0.2 }
    minSamples: 5
    query:
      values: ${values}`;

/** The rule set `bench-shop` as YAML, with the given interval in seconds. */
export function capacityRuleSetYaml(intervalSeconds: number, maxIntervals: number): string {
  return `name: bench-shop
analysis: { interval: ${intervalSeconds}s, minIntervals: ${maxIntervals}, maxIntervals: ${maxIntervals}, alpha: 0.01 }
scoring: { pass: 95, marginal: 75 }
khis:${[
    ratio('error-rate', ''),
    ratio('error-rate-home', ', route="/"'),
    ratio('error-rate-products', ', route="/products"'),
    ratio('error-rate-checkout', ', route="/checkout"'),
    distribution('latency', ''),
    distribution('latency-home', ', route="/"'),
    distribution('latency-products', ', route="/products"'),
    distribution('latency-checkout', ', route="/checkout"'),
    gauge('cpu', 'sum(rate(process_cpu_seconds_total{ {{selector}} }[30s]))'),
    gauge('rss', 'sum(process_resident_memory_bytes{ {{selector}} })'),
    gauge('heap-used', 'sum(nodejs_heap_size_used_bytes{ {{selector}} })'),
    gauge('event-loop-lag', 'max(nodejs_eventloop_lag_seconds{ {{selector}} })'),
  ].join('')}
`;
}
