import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KhiRule } from '../../../src/analysis/rule-set.js';
import type { ObservationRequest, QueryRecord } from '../../../src/sources/metric-source.js';
import type { BackendErrorKind } from '../../../src/sources/prometheus/prometheus-error.js';
import { backoffDelayMs } from '../../../src/http/backoff.js';
import {
  createPrometheusSource,
  type PrometheusSourceOptions,
} from '../../../src/sources/prometheus/prometheus-source.js';
import {
  fakePrometheusHttp,
  recorded,
  webServiceKhis,
  type FakeAnswer,
  type FakeRequest,
} from './fake-prometheus-http.js';

let khis: Awaited<ReturnType<typeof webServiceKhis>>;
beforeAll(async () => {
  khis = await webServiceKhis();
});

const END_MS = 1_795_831_704_000;

function request(khi: KhiRule, version = 'v2'): ObservationRequest {
  return {
    khi,
    group: 'canary',
    context: { service: 'shop', environment: 'prod', version, labels: { version, track: 'canary' } },
    window: { endMs: END_MS, intervalSeconds: 5 },
  };
}

function source(
  answer: (request: FakeRequest, index: number) => FakeAnswer,
  options: Partial<PrometheusSourceOptions> = {},
) {
  const fake = fakePrometheusHttp(answer);
  const sleeps: number[] = [];
  const errors: BackendErrorKind[] = [];
  const records: QueryRecord[] = [];
  const metricSource = createPrometheusSource({
    baseUrl: 'http://prometheus.test/',
    http: fake.http,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    onBackendError: (kind) => errors.push(kind),
    onQuery: (record) => records.push(record),
    ...options,
  });
  return { metricSource, requests: fake.requests, sleeps, errors, records };
}

/** Answers events and total queries of a ratio KHI from different fixtures. */
function ratioAnswers(events: FakeAnswer, total: FakeAnswer): (r: FakeRequest) => FakeAnswer {
  return (r) => (r.params['query']?.includes('5..') === true ? events : total);
}

describe('ratio KHIs', () => {
  it('sums the recorded vectors into events and total, querying at the window end', async () => {
    const { metricSource, requests } = source(
      ratioAnswers(recorded('ratio-events'), recorded('ratio-total')),
    );
    const result = await metricSource.observe(request(khis['error-rate']));
    expect(result).toMatchObject({ ok: true, observation: { events: 20, total: 160 } });
    expect(requests.map((r) => r.url)).toEqual([
      'http://prometheus.test/api/v1/query',
      'http://prometheus.test/api/v1/query',
    ]);
    expect(requests[1]?.params).toMatchObject({
      query: 'sum(increase(http_requests_total{ track="canary",version="v2" }[5s]))',
      time: '1795831704',
      timeout: '5000ms',
    });
    expect(result.queries).toHaveLength(2);
    expect(result.queries[0]).toMatchObject({
      endpoint: '/api/v1/query',
      response: recorded('ratio-events').body,
    });
  });

  it('sums every series and rounds what increase extrapolated', async () => {
    const { metricSource } = source(ratioAnswers(recorded('ratio-events'), recorded('ratio-by-route')));
    const result = await metricSource.observe(request(khis['error-rate']));
    const byRoute = (recorded('ratio-by-route').body as { data: { result: { value: [number, string] }[] } })
      .data.result;
    const expected = Math.round(byRoute.reduce((sum, s) => sum + Number(s.value[1]), 0));
    expect(result).toMatchObject({ ok: true, observation: { events: 20, total: expected } });
  });

  it('treats an empty total as no data', async () => {
    const { metricSource } = source(() => recorded('empty-vector'));
    expect(await metricSource.observe(request(khis['error-rate']))).toMatchObject({
      ok: true,
      observation: undefined,
    });
  });

  it('counts no events when only the events vector is empty (no 5xx series yet)', async () => {
    const { metricSource } = source(ratioAnswers(recorded('empty-vector'), recorded('ratio-total')));
    expect(await metricSource.observe(request(khis['error-rate']))).toMatchObject({
      ok: true,
      observation: { events: 0, total: 160 },
    });
  });

  it('clamps events to the total', async () => {
    const { metricSource } = source(ratioAnswers(recorded('ratio-total'), recorded('ratio-events')));
    expect(await metricSource.observe(request(khis['error-rate']))).toMatchObject({
      ok: true,
      observation: { events: 20, total: 20 },
    });
  });

  it('accepts a scalar answer', async () => {
    const { metricSource } = source(() => recorded('scalar'));
    expect(await metricSource.observe(request(khis['error-rate']))).toMatchObject({
      ok: true,
      observation: { events: 42, total: 42 },
    });
  });

  it('drops NaN and infinite samples, counts them in the record, and sums the rest', async () => {
    const { metricSource } = source(() => recorded('nan-and-inf-vector'));
    const result = await metricSource.observe(request(khis['error-rate']));
    expect(result).toMatchObject({ ok: true, observation: { events: 7, total: 7 } });
    expect(result.queries[0]?.warnings).toEqual(['vigil: dropped 3 non-finite sample(s) (NaN or ±Inf)']);
  });

  it('records the warnings Prometheus sends beside its data (derived: ratio-total with warnings added)', async () => {
    const withWarnings = {
      httpStatus: 200,
      body: {
        ...(recorded('ratio-total').body as object),
        warnings: ['partial answer: store eu-1 unreachable'],
      },
    };
    const { metricSource } = source(() => withWarnings);
    const result = await metricSource.observe(request(khis['error-rate']));
    expect(result).toMatchObject({ ok: true, observation: { events: 160, total: 160 } });
    expect(result.queries.map((q) => q.warnings)).toEqual([
      ['partial answer: store eu-1 unreachable'],
      ['partial answer: store eu-1 unreachable'],
    ]);
  });
});

describe('distribution KHIs', () => {
  it('turns the recorded bucket counters into one value per request', async () => {
    const { metricSource, requests } = source(() => recorded('histogram'));
    const result = await metricSource.observe(request(khis.latency));
    expect(requests[0]?.params['query']).toBe(
      'sum by (le) (increase(http_request_duration_seconds_bucket{ track="canary",version="v2" }[5s]))',
    );
    if (!result.ok || result.observation === undefined || !('values' in result.observation))
      throw new Error(`unexpected ${JSON.stringify(result)}`);
    const values = result.observation.values;
    expect(values).toHaveLength(160);
    // Cumulative 28.616 → 29 at 5 ms, 81.116 → 81 at 10 ms, 146.25 → 146 at 25 ms, 160 at 50 ms;
    // each bucket's requests spread over (previous bound, le].
    const count = (lower: number, upper: number): number =>
      values.filter((x) => x !== null && x > lower && x <= upper).length;
    expect([count(0, 0.005), count(0.005, 0.01), count(0.01, 0.025), count(0.025, 0.05)]).toEqual([
      29, 52, 65, 14,
    ]);
  });

  it('fails when a series has no le label', async () => {
    const { metricSource } = source(() => recorded('ratio-by-route'));
    const result = await metricSource.observe(request(khis.latency));
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/without a numeric le label/) as unknown,
    });
  });

  it('treats an empty vector as no data', async () => {
    const { metricSource } = source(() => recorded('empty-vector'));
    expect(await metricSource.observe(request(khis.latency))).toMatchObject({
      ok: true,
      observation: undefined,
    });
  });
});

describe('gauge KHIs', () => {
  it('queries the range (end − interval, end] every interval/10 (at least 1 s) and returns every sample', async () => {
    const { metricSource, requests } = source(() => recorded('gauge-matrix'));
    const result = await metricSource.observe(request(khis.cpu));
    expect(requests[0]?.url).toBe('http://prometheus.test/api/v1/query_range');
    expect(requests[0]?.params).toMatchObject({ start: '1795831700', end: '1795831704', step: '1' });
    const recordedValues = (
      recorded('gauge-matrix').body as { data: { result: { values: [number, string][] }[] } }
    ).data.result.flatMap((s) => s.values.map((v) => Number(v[1])));
    expect(result).toMatchObject({ ok: true, observation: { values: recordedValues } });
  });

  it('rejects a vector where a matrix was expected', async () => {
    const { metricSource, errors } = source(() => recorded('ratio-total'));
    const result = await metricSource.observe(request(khis.cpu));
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/resultType "vector" where matrix was expected/) as unknown,
    });
    expect(errors).toEqual(['invalid-response']);
  });
});

describe('backend trouble', () => {
  it('does not retry a rejected query (bad_data, HTTP 400)', async () => {
    const { metricSource, requests, errors, sleeps } = source(() => recorded('error-bad-data'));
    const result = await metricSource.observe(request(khis.latency));
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/rejected, HTTP 400.*bad_data: invalid parameter "query"/) as unknown,
    });
    expect(requests).toHaveLength(1);
    expect(errors).toEqual(['rejected']);
    expect(sleeps).toEqual([]);
    expect(result.queries[0]).toMatchObject({
      response: recorded('error-bad-data').body,
      error: expect.any(String) as unknown,
    });
  });

  it('treats status "error" on HTTP 200 as an error (derived: error-bad-data served with 200)', async () => {
    const { metricSource } = source(() => ({ httpStatus: 200, body: recorded('error-bad-data').body }));
    expect(await metricSource.observe(request(khis.latency))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/rejected, HTTP 200/) as unknown,
    });
  });

  it('retries 5xx, timeouts and network errors with growing backoff, then succeeds', async () => {
    const failures: FakeAnswer[] = [
      {
        httpStatus: 503,
        body: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' },
      },
      { transportError: 'ECONNABORTED' },
      { httpStatus: 502, text: '<html>Bad gateway</html>' },
    ];
    const { metricSource, requests, errors, sleeps, records } = source(
      (_r, index) => failures[index] ?? recorded('histogram'),
    );
    const result = await metricSource.observe(request(khis.latency));
    expect(result.ok).toBe(true);
    expect(requests).toHaveLength(4);
    expect(errors).toEqual(['unavailable', 'timeout', 'unavailable']);
    expect(sleeps).toEqual([187.5, 375, 750]);
    expect(result.queries).toHaveLength(4);
    expect(records).toHaveLength(4);
    expect(result.queries[2]).toMatchObject({ response: '<html>Bad gateway</html>' });
  });

  it('returns ok:false after the retries are spent, with a record per call', async () => {
    const { metricSource, requests, errors } = source(() => ({ transportError: 'ECONNREFUSED' }), {
      retries: 2,
    });
    const result = await metricSource.observe(request(khis['error-rate']));
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/network.*ECONNREFUSED/) as unknown,
    });
    expect(requests).toHaveLength(6);
    expect(errors).toHaveLength(6);
    expect(result.queries).toHaveLength(6);
  });

  it.each([
    ['a body that is not JSON', { httpStatus: 200, text: 'OK' }],
    ['an envelope without status', { httpStatus: 200, body: { data: { resultType: 'vector', result: [] } } }],
    [
      'a vector item without value',
      {
        httpStatus: 200,
        body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {} }] } },
      },
    ],
    [
      'a sample value that is a number',
      {
        httpStatus: 200,
        body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 5] }] } },
      },
    ],
    [
      'a sample value that is not numeric',
      {
        httpStatus: 200,
        body: {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'five'] }] },
        },
      },
    ],
    [
      'labels that are not strings',
      {
        httpStatus: 200,
        body: {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { le: 1 }, value: [1, '5'] }] },
        },
      },
    ],
    ['a matrix from an instant query', recorded('matrix-from-instant')],
    [
      'a string result',
      { httpStatus: 200, body: { status: 'success', data: { resultType: 'string', result: [1, 'x'] } } },
    ],
  ] as [string, FakeAnswer][])('rejects %s without retrying', async (_name, answer) => {
    const { metricSource, requests, errors } = source(() => answer);
    const result = await metricSource.observe(request(khis.latency));
    expect(result.ok).toBe(false);
    expect(requests).toHaveLength(1);
    expect(errors).toEqual(['invalid-response']);
  });

  it('returns ok:false without calling Prometheus when the template cannot be rendered safely', async () => {
    const { metricSource, requests } = source(() => recorded('ratio-total'));
    const bad = {
      ...request(khis['error-rate']),
      context: { ...request(khis['error-rate']).context, labels: { 'bad-name': 'x' } },
    };
    const result = await metricSource.observe(bad);
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/label name "bad-name"/) as unknown,
      queries: [],
    });
    expect(requests).toHaveLength(0);
  });
});

describe('backoffDelayMs', () => {
  it('doubles up to the ceiling with equal jitter', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 250, 4000, () => 0))).toEqual([
      125, 250, 500, 1000, 2000, 2000,
    ]);
    expect(backoffDelayMs(2, 250, 4000, () => 0.999)).toBeCloseTo(999.5);
  });
});

describe('isReady', () => {
  it('is true on 200 and false when unreachable', async () => {
    expect(
      await source(() => ({ httpStatus: 200, text: 'Prometheus Server is Ready.' })).metricSource.isReady(),
    ).toBe(true);
    expect(
      await source(() => ({ httpStatus: 503, text: 'Service Unavailable' })).metricSource.isReady(),
    ).toBe(false);
    expect(await source(() => ({ transportError: 'ECONNREFUSED' })).metricSource.isReady()).toBe(false);
  });
});

describe('tracing', () => {
  it('starts one prometheus.query span per call with query, endpoint and status', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const answers: FakeAnswer[] = [{ httpStatus: 503, text: 'busy' }, recorded('histogram')];
    const { metricSource } = source((_r, index) => answers[index] ?? recorded('histogram'), {
      tracer: provider.getTracer('vigil'),
    });
    await metricSource.observe(request(khis.latency));
    const spans = exporter.getFinishedSpans();
    expect(
      spans.map((s) => [s.name, s.attributes['prometheus.endpoint'], s.attributes['prometheus.status']]),
    ).toEqual([
      ['prometheus.query', '/api/v1/query', 'unavailable'],
      ['prometheus.query', '/api/v1/query', 'success'],
    ]);
    expect(spans[0]?.attributes['prometheus.query']).toContain('http_request_duration_seconds_bucket');
    expect(spans[0]?.status.code).toBe(SpanStatusCode.ERROR);
  });
});
