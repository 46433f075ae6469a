import type { KhiRule } from '../../src/analysis/rule-set.js';
import type { ObservationRequest } from '../../src/sources/metric-source.js';
import { createMemoryMetricSource } from '../../src/sources/memory-metric-source.js';
import { createPrometheusSource } from '../../src/sources/prometheus/prometheus-source.js';
import { describeMetricSourceContract } from './metric-source-contract.js';
import { fakePrometheusHttp, recorded } from './prometheus/fake-prometheus-http.js';

const khi = {
  name: 'error-rate',
  kind: 'ratio',
  query: {
    events: 'sum(increase(http_requests_total{ {{selector}}, code=~"5.." }[{{interval}}]))',
    total: 'sum(increase(http_requests_total{ {{selector}} }[{{interval}}]))',
  },
} as KhiRule;

function request(version: string): ObservationRequest {
  return {
    khi,
    group: 'canary',
    context: { service: 'shop', environment: 'prod', version, labels: { version } },
    window: { endMs: 1_795_831_704_000, intervalSeconds: 5 },
  };
}

describeMetricSourceContract('memory', {
  healthy: () =>
    createMemoryMetricSource((r) => (r.context.version === 'v2' ? { events: 1, total: 10 } : undefined)),
  failing: () => createMemoryMetricSource(() => ({ error: 'backend down' })),
  withData: () => request('v2'),
  withoutData: () => request('v9'),
});

describeMetricSourceContract('prometheus (recorded answers)', {
  healthy: () =>
    createPrometheusSource({
      baseUrl: 'http://prometheus.test',
      http: fakePrometheusHttp((r) =>
        r.url.endsWith('/-/ready')
          ? { httpStatus: 200, text: 'Prometheus Server is Ready.' }
          : r.params['query']?.includes('"v2"') === true
            ? recorded('ratio-total')
            : recorded('empty-vector'),
      ).http,
    }),
  failing: () =>
    createPrometheusSource({
      baseUrl: 'http://prometheus.test',
      http: fakePrometheusHttp(() => ({ transportError: 'ECONNREFUSED' })).http,
      sleep: () => Promise.resolve(),
    }),
  withData: () => request('v2'),
  withoutData: () => request('v9'),
});
