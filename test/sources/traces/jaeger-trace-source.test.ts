import { afterEach, describe, expect, it } from 'vitest';
import { ExemplarStore } from '../../../src/sources/traces/backend/exemplar-store.js';
import { createJaegerTraceSource } from '../../../src/sources/traces/jaeger/jaeger-trace-source.js';
import { parseJaegerSearch } from '../../../src/sources/traces/jaeger/jaeger-response.js';
import { decodeOtlp, readSpans } from '../../../src/sources/traces/otlp/read-otlp.js';
import type { SpanKind } from '../../../src/sources/traces/received-span.js';
import type { OperationSummary } from '../../../src/sources/traces/trace-summaries.js';
import {
  fixture,
  startFakeBackend,
  type FakeAnswer,
  type FakeBackend,
  type RecordedRequest,
} from '../../fixtures/traces/fake-trace-backend.js';

/** The fixtures' minute: 2026-03-02T10:00:00Z. */
const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const WINDOW = { service: 'shop', fromMs: T0, toMs: T0 + 60_000 };
const KINDS: readonly SpanKind[] = ['client', 'server'];

let backend: FakeBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

/** Answers `/api/traces` with the fixture of the version asked for by tag. */
function jaegerByVersion(request: RecordedRequest): FakeAnswer {
  if (request.path !== '/api/traces') return { status: 404, text: '404 page not found' };
  const { 'service.version': version } = JSON.parse(request.query['tags'] ?? '{}') as Record<string, string>;
  return { json: fixture('jaeger', `search-shop-${version}.json`) };
}

async function source(answer: (request: RecordedRequest) => FakeAnswer, options = {}) {
  backend = await startFakeBackend(answer);
  return createJaegerTraceSource({ baseUrl: backend.baseUrl, ...options });
}

function byOperation(summaries: readonly OperationSummary[]): Record<string, OperationSummary> {
  return Object.fromEntries(summaries.map((summary) => [`${summary.kind} ${summary.operation}`, summary]));
}

function counts(summaries: readonly OperationSummary[]): Record<string, [number, number]> {
  return Object.fromEntries(
    summaries.map((summary) => [`${summary.kind} ${summary.operation}`, [summary.requests, summary.errors]]),
  );
}

function expectWithin1Percent(actual: number, expected: number): void {
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.01);
}

describe('Jaeger trace source', () => {
  it('asks jaeger-query for the service, window, limit and version, and summarises each release', async () => {
    const jaeger = await source(jaegerByVersion);
    const v1 = await jaeger.operations({ ...WINDOW, version: 'v1', kinds: KINDS });
    const v2 = await jaeger.operations({ ...WINDOW, version: 'v2', kinds: KINDS });

    expect(backend!.requests.map((request) => [request.path, request.query])).toEqual([
      [
        '/api/traces',
        {
          service: 'shop',
          start: String(T0 * 1000),
          end: String((T0 + 60_000) * 1000),
          limit: '1500',
          tags: '{"service.version":"v1"}',
        },
      ],
      ['/api/traces', expect.objectContaining({ tags: '{"service.version":"v2"}' })],
    ]);
    // The payments service's spans in the same traces, and internal spans, are not counted.
    expect(counts(v1)).toEqual({
      'server GET /products': [5, 0],
      'client SELECT products': [3, 0],
      'server POST /checkout': [3, 1],
      'client POST': [3, 1],
    });
    // v2's SELECT at 10:01:00.002 is outside the window though its trace is in the answer.
    expect(counts(v2)).toEqual({
      'server GET /products': [5, 0],
      'server POST /checkout': [5, 3],
      'client POST': [4, 2],
      'client SELECT products': [3, 0],
    });
    expect(v2.map((summary) => summary.version)).toEqual(['v2', 'v2', 'v2', 'v2']);
    const products = {
      v1: byOperation(v1)['server GET /products']!,
      v2: byOperation(v2)['server GET /products']!,
    };
    expectWithin1Percent(products.v1.latency.getValueAtQuantile(0.5), 30);
    expectWithin1Percent(products.v1.latency.getValueAtQuantile(1), 60);
    expectWithin1Percent(products.v2.latency.getValueAtQuantile(0.5), 45);
    expectWithin1Percent(products.v2.latency.getValueAtQuantile(1), 75);
    expectWithin1Percent(byOperation(v1)['server POST /checkout']!.latency.getValueAtQuantile(0.5), 120);
    expectWithin1Percent(byOperation(v2)['server POST /checkout']!.latency.getValueAtQuantile(0.5), 140);
  });

  it('keeps only the spans of the release asked for, even when the backend ignores the tag filter', async () => {
    const jaeger = await source(() => ({ json: fixture('jaeger', 'search-shop-v1.json') }));
    expect(await jaeger.operations({ ...WINDOW, version: 'v2', kinds: KINDS })).toEqual([]);
    expect(await jaeger.operations({ ...WINDOW, service: 'payments', version: '3.4.0' })).toEqual([
      expect.objectContaining({ service: 'payments', operation: 'POST /charge', requests: 3, errors: 1 }),
    ]);
  });

  it('filters span kinds and the window on the spans returned', async () => {
    const jaeger = await source(jaegerByVersion);
    expect(counts(await jaeger.operations({ ...WINDOW, version: 'v2', kinds: ['internal'] }))).toEqual({
      'internal render product list': [1, 0],
    });
    expect(counts(await jaeger.operations({ ...WINDOW, version: 'v2', kinds: ['server'] }))).toEqual({
      'server GET /products': [5, 0],
      'server POST /checkout': [5, 3],
    });
    // The window's end is exclusive: GET /products at 10:00:10.000 is left out.
    const firstTenSeconds = { ...WINDOW, toMs: T0 + 10_000, version: 'v2', kinds: ['server'] as const };
    expect(counts(await jaeger.operations(firstTenSeconds))).toEqual({ 'server GET /products': [2, 0] });
    expect(await jaeger.operations({ ...WINDOW, version: 'v2', kinds: [] })).toEqual([]);
  });

  it('counts exactly the spans of a window that is not aligned to its width', async () => {
    const jaeger = await source(jaegerByVersion);
    const window = { ...WINDOW, fromMs: T0 + 5_500, toMs: T0 + 15_250, version: 'v2', kinds: KINDS };
    expect(counts(await jaeger.operations(window))).toEqual({
      'server GET /products': [2, 0],
      'client SELECT products': [2, 0],
      'server POST /checkout': [1, 0],
      'client POST': [1, 0],
    });
    expect(backend!.requests[0]!.query).toMatchObject({
      start: String((T0 + 5_500) * 1000),
      end: String((T0 + 15_250) * 1000),
    });
  });

  it('takes a span as failed on the error tag or on otel.status_code ERROR alone', async () => {
    const answer = fixture('jaeger', 'search-shop-v1.json') as {
      data: { spans: { tags: { key: string }[] }[] }[];
    };
    const tags = (trace: number, span: number) => answer.data[trace]!.spans[span]!;
    // A5's server span keeps only otel.status_code; its client span only the error tag.
    tags(4, 0).tags = tags(4, 0).tags.filter((tag) => tag.key !== 'error');
    tags(4, 1).tags = tags(4, 1).tags.filter((tag) => tag.key !== 'otel.status_code');
    // A4's server span says error=false.
    tags(3, 0).tags.push({ key: 'error', type: 'bool', value: false } as { key: string });
    const jaeger = await source(() => ({ json: answer }));
    expect(counts(await jaeger.operations({ ...WINDOW, version: 'v1', kinds: KINDS }))).toMatchObject({
      'server POST /checkout': [3, 1],
      'client POST': [3, 1],
    });
  });

  it('reads exception signatures from exception logs and serves a new one with an OTLP/JSON exemplar', async () => {
    const jaeger = await source(jaegerByVersion);
    const v1 = byOperation(await jaeger.operations({ ...WINDOW, version: 'v1', kinds: KINDS }));
    const v2 = byOperation(await jaeger.operations({ ...WINDOW, version: 'v2', kinds: KINDS }));
    expect(v1['server POST /checkout']!.signatures).toEqual([
      {
        signature: 'PaymentDeclinedError: Card <n> declined',
        type: 'PaymentDeclinedError',
        message: 'Card 4242 declined',
        count: 1,
        exemplarIds: ['jaeger-8f3d6b7e5a4a7b9cbdce3f4a5b6c7d8e'],
      },
    ]);
    // No exception log: the error.type tag and the (absent) status description.
    expect(v1['client POST']!.signatures.map((s) => [s.signature, s.count])).toEqual([['402: ', 1]]);

    const known = new Set(v1['server POST /checkout']!.signatures.map((s) => s.signature));
    const fresh = v2['server POST /checkout']!.signatures.filter((s) => !known.has(s.signature));
    expect(fresh).toEqual([
      {
        signature: 'InventoryReservationError: Reservation <n> for sku <quoted> expired',
        type: 'InventoryReservationError',
        message: 'Reservation 77 for sku "A-17" expired',
        count: 1,
        exemplarIds: ['jaeger-07c0f401e3d304254657c3d3e4f5a6b7'],
      },
    ]);
    expect(
      v2['server POST /checkout']!.signatures.find((s) => s.type === 'PaymentDeclinedError')?.count,
    ).toBe(2);

    const exemplar = await jaeger.exemplar(fresh[0]!.exemplarIds[0]!);
    expect(exemplar).toEqual({
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'shop' } },
              { key: 'host.name', value: { stringValue: 'shop-v2-6b4c9d7f8-h7tqp' } },
              { key: 'service.version', value: { stringValue: 'v2' } },
            ],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '07c0f401e3d304254657c3d3e4f5a6b7',
                  spanId: 'b7c4e2f09b3d5701',
                  name: 'POST /checkout',
                  kind: 2,
                  startTimeUnixNano: '1772445622000000000',
                  endTimeUnixNano: '1772445622140000000',
                  attributes: [
                    { key: 'http.request.method', value: { stringValue: 'POST' } },
                    { key: 'http.route', value: { stringValue: '/checkout' } },
                    { key: 'http.response.status_code', value: { intValue: '409' } },
                  ],
                  events: [
                    {
                      timeUnixNano: '1772445622139000000',
                      name: 'exception',
                      attributes: [
                        { key: 'exception.type', value: { stringValue: 'InventoryReservationError' } },
                        {
                          key: 'exception.message',
                          value: { stringValue: 'Reservation 77 for sku "A-17" expired' },
                        },
                        {
                          key: 'exception.stacktrace',
                          value: { stringValue: expect.stringContaining('at confirmReservation') as unknown },
                        },
                      ],
                    },
                  ],
                  status: { code: 2, message: 'Reservation 77 for sku "A-17" expired' },
                },
              ],
            },
          ],
        },
      ],
    });
    // The exemplar is OTLP/JSON the receiver's own reader accepts, with the same error.
    const reread = readSpans(decodeOtlp(Buffer.from(JSON.stringify(exemplar)), 'json'), {
      versionAttribute: 'service.version',
    });
    expect(reread.rejected).toBe(0);
    expect(reread.spans.map((span) => [span.kind, span.version, span.error?.signature])).toEqual([
      ['server', 'v2', 'InventoryReservationError: Reservation <n> for sku <quoted> expired'],
    ]);
    expect(await jaeger.exemplar('jaeger-0123456789abcdef0123456789abcdef')).toBeUndefined();
  });

  it('converts a whole trace for an exemplar: every process, parents and failed spans first', async () => {
    const jaeger = await source(jaegerByVersion);
    const v1 = byOperation(await jaeger.operations({ ...WINDOW, version: 'v1', kinds: KINDS }));
    const exemplar = (await jaeger.exemplar(v1['client POST']!.signatures[0]!.exemplarIds[0]!)) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: unknown }[] };
        scopeSpans: { spans: Record<string, unknown>[] }[];
      }[];
    };
    const services = exemplar.resourceSpans.map(
      (resource) => resource.resource.attributes.find((a) => a.key === 'service.name')?.value,
    );
    expect(services).toEqual([{ stringValue: 'shop' }, { stringValue: 'payments' }]);
    const spans = exemplar.resourceSpans.flatMap((resource) => resource.scopeSpans[0]!.spans);
    expect(spans.map((span) => [span['spanId'], span['parentSpanId'], span['kind'], span['status']])).toEqual(
      [
        ['a5c4e2f09b3d5701', undefined, 2, { code: 2, message: 'Card 4242 declined' }],
        ['a5c4e2f09b3d5702', 'a5c4e2f09b3d5701', 3, { code: 2 }],
        ['a5c4e2f09b3d5703', 'a5c4e2f09b3d5702', 2, { code: 2, message: 'card declined by issuer' }],
      ],
    );
  });

  it('pads 64-bit Jaeger trace ids to 32 hex digits', () => {
    const [trace] = parseJaegerSearch(fixture('jaeger', 'search-shop-v1.json')).filter((t) =>
      t.traceId.endsWith('3a5f0c2d9e8b7a61'),
    );
    expect(trace?.traceId).toBe('00000000000000003a5f0c2d9e8b7a61');
    expect(trace?.spans[0]?.traceId).toBe('00000000000000003a5f0c2d9e8b7a61');
  });

  describe('rejects a malformed answer with an error naming the field', () => {
    const v1 = () => fixture('jaeger', 'search-shop-v1.json') as { data: Record<string, unknown>[] };
    const spanOf = (answer: { data: Record<string, unknown>[] }, trace: number, span: number) =>
      (answer.data[trace]!['spans'] as Record<string, unknown>[])[span]!;
    const tampered = (trace: number, span: number, change: (span: Record<string, unknown>) => void) => {
      const answer = v1();
      change(spanOf(answer, trace, span));
      return { json: answer };
    };
    const cases: [string, FakeAnswer, RegExp][] = [
      [
        'a body that is not JSON',
        { text: '<html><body>502 Bad Gateway</body></html>' },
        /^jaeger: GET \/api\/traces answered a body that is not JSON: <html>/,
      ],
      [
        'no data',
        { json: { total: 0, limit: 0, offset: 0, errors: null } },
        /^jaeger: data must be an array of traces$/,
      ],
      ['an answer that is not an object', { json: [1, 2] }, /^jaeger: the answer must be a JSON object/],
      [
        'a start time that is not a number',
        tampered(0, 1, (span) => (span['startTime'] = '1772445601002000')),
        /^jaeger: data\[0\]\.spans\[1\]\.startTime must be a number of microseconds$/,
      ],
      [
        'a negative duration',
        tampered(3, 2, (span) => (span['duration'] = -5)),
        /^jaeger: data\[3\]\.spans\[2\]\.duration must be a number of microseconds \(>= 0\)$/,
      ],
      [
        'a process id missing from processes',
        tampered(1, 0, (span) => (span['processID'] = 'p9')),
        /^jaeger: data\[1\]\.spans\[0\]\.processID must be a key of data\[1\]\.processes \(got "p9"\)$/,
      ],
      [
        'tags that are not a list',
        tampered(0, 0, (span) => (span['tags'] = { 'span.kind': 'server' })),
        /^jaeger: data\[0\]\.spans\[0\]\.tags must be an array$/,
      ],
      [
        'a span id that is not hex',
        tampered(2, 1, (span) => (span['spanID'] = 'not-an-id')),
        /^jaeger: data\[2\]\.spans\[1\]\.spanID must be a hex id of up to 16 digits, not all zero$/,
      ],
      [
        'errors reported with a 200',
        { json: { data: [], errors: [{ code: 400, msg: 'parameter start must be before end' }] } },
        /^jaeger: the answer reports errors: 400 parameter start must be before end$/,
      ],
    ];
    it.each(cases)('%s', async (_name, answer, message) => {
      const jaeger = await source(() => answer);
      await expect(jaeger.operations({ ...WINDOW, version: 'v1', kinds: KINDS })).rejects.toThrow(message);
    });
  });

  it('says the HTTP status, the path and what Jaeger said', async () => {
    const jaeger = await source(() => ({ status: 500, json: fixture('jaeger', 'error-500.json') }));
    await expect(jaeger.operations({ ...WINDOW, version: 'v1' })).rejects.toThrow(
      /^jaeger: GET \/api\/traces answered HTTP 500: .*all shards failed/,
    );
  });

  it('times out after timeoutMs', async () => {
    const jaeger = await source(() => ({ hang: true }), { timeoutMs: 200 });
    const started = Date.now();
    await expect(jaeger.operations({ ...WINDOW, version: 'v1' })).rejects.toThrow(
      'jaeger: GET /api/traces timed out after 200 ms',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('keeps the base URL path, sends the headers, and honours maxTraces and versionAttribute', async () => {
    backend = await startFakeBackend((request) =>
      request.path === '/jaeger/api/traces'
        ? { json: fixture('jaeger', 'search-shop-v1.json') }
        : { status: 404, text: '404 page not found' },
    );
    const jaeger = createJaegerTraceSource({
      baseUrl: `${backend.baseUrl}/jaeger/`,
      maxTraces: 20,
      versionAttribute: 'host.name',
      headers: { authorization: 'Bearer t0ken' },
    });
    const summaries = await jaeger.operations({
      ...WINDOW,
      version: 'shop-v1-7d9f8c6b5-q8wvn',
      kinds: ['server'],
    });
    expect(counts(summaries)).toEqual({ 'server GET /products': [2, 0], 'server POST /checkout': [1, 1] });
    expect(backend.requests[0]).toMatchObject({
      path: '/jaeger/api/traces',
      query: { limit: '20', tags: '{"host.name":"shop-v1-7d9f8c6b5-q8wvn"}' },
      headers: { authorization: 'Bearer t0ken', accept: 'application/json' },
    });
  });

  it('refuses options it cannot use', () => {
    expect(() => createJaegerTraceSource({ baseUrl: 'http://jaeger:16686', maxTraces: 0 })).toThrow(
      /maxTraces/,
    );
    expect(() => createJaegerTraceSource({ baseUrl: 'jaeger:16686' })).toThrow(/baseUrl/);
    expect(() => createJaegerTraceSource({ baseUrl: 'http://jaeger:16686', timeoutMs: 0 })).toThrow(
      /timeoutMs/,
    );
  });
});

describe('ExemplarStore', () => {
  it('keeps a bounded number of exemplars, dropping the oldest', () => {
    const store = new ExemplarStore('jaeger', 2);
    const ids = ['a', 'b', 'c'].map((traceId) => store.keep(traceId, { resourceSpans: [], traceId }));
    expect(ids).toEqual(['jaeger-a', 'jaeger-b', 'jaeger-c']);
    expect(store.get('jaeger-a')).toBeUndefined();
    expect(store.get('jaeger-c')).toEqual({ resourceSpans: [], traceId: 'c' });
    // Keeping a trace again makes it the newest.
    store.keep('b', { resourceSpans: [], traceId: 'b' });
    store.keep('d', { resourceSpans: [], traceId: 'd' });
    expect([store.get('jaeger-b') !== undefined, store.get('jaeger-c') !== undefined, store.size]).toEqual([
      true,
      false,
      2,
    ]);
  });
});
