import { afterEach, describe, expect, it } from 'vitest';
import { decodeOtlp, readSpans } from '../../../src/sources/traces/otlp/read-otlp.js';
import type { SpanKind } from '../../../src/sources/traces/received-span.js';
import { createTempoTraceSource } from '../../../src/sources/traces/tempo/tempo-trace-source.js';
import {
  resourceAttribute,
  spanSearchQuery,
  traceqlString,
} from '../../../src/sources/traces/tempo/traceql.js';
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
const SELECT = ' | select(name, kind, status, statusMessage)';
const FAILING = {
  v1: ['8f3d6b7e5a4a7b9cbdce3f4a5b6c7d8e'],
  v2: [
    '26bfe3f0d2c2f3143546b2c2d3e4f5a6',
    '07c0f401e3d304254657c3d3e4f5a6b7',
    '5af32734b6a63758798af6a6b7c8d9ea',
  ],
};

let backend: FakeBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

/** The version a TraceQL query selects (the fixtures are per version). */
function versionIn(query: string): string {
  return /resource\.service\.version = "([^"]*)"/.exec(query)?.[1] ?? '';
}

/** Answers searches with the fixture of the version in the TraceQL, and trace fetches by id. */
function tempo(request: RecordedRequest): FakeAnswer {
  if (request.path === '/api/search')
    return { json: fixture('tempo', `search-shop-${versionIn(request.query['q'] ?? '')}.json`) };
  const traceId = /^\/api\/traces\/([0-9a-f]{32})$/.exec(request.path)?.[1];
  if (traceId !== undefined && [...FAILING.v1, ...FAILING.v2].includes(traceId))
    return { json: fixture('tempo', `trace-${traceId}.json`) };
  return { status: 404, text: 'trace not found' };
}

async function source(answer: (request: RecordedRequest) => FakeAnswer, options = {}) {
  backend = await startFakeBackend(answer);
  return createTempoTraceSource({ baseUrl: backend.baseUrl, ...options });
}

function byOperation(summaries: readonly OperationSummary[]): Record<string, OperationSummary> {
  return Object.fromEntries(summaries.map((summary) => [`${summary.kind} ${summary.operation}`, summary]));
}

function counts(summaries: readonly OperationSummary[]): Record<string, [number, number]> {
  return Object.fromEntries(
    summaries.map((summary) => [`${summary.kind} ${summary.operation}`, [summary.requests, summary.errors]]),
  );
}

function signatures(summary: OperationSummary | undefined): [string, number, number][] {
  return (summary?.signatures ?? []).map((s) => [s.signature, s.count, s.exemplarIds.length]);
}

function expectWithin1Percent(actual: number, expected: number): void {
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.01);
}

describe('Tempo trace source', () => {
  it('searches with TraceQL, fetches the failing traces, and summarises each release', async () => {
    const tempoSource = await source(tempo);
    const v1 = await tempoSource.operations({ ...WINDOW, version: 'v1', kinds: KINDS });
    const searches = backend!.requests.filter((request) => request.path === '/api/search');
    expect(searches.map((request) => request.query)).toEqual([
      {
        q: `{ resource.service.name = "shop" && resource.service.version = "v1" && (kind = client || kind = server) }${SELECT}`,
        start: String(T0 / 1000),
        end: String(T0 / 1000 + 60),
        limit: '1500',
        spss: '100',
      },
    ]);
    const v2 = await tempoSource.operations({ ...WINDOW, version: 'v2', kinds: KINDS });
    // Only traces with failed spans are fetched; Tempo's search leaves out leading zeros (7c0f...).
    const fetches = backend!.requests.filter((request) => request.path.startsWith('/api/traces/'));
    expect(fetches.map((request) => request.path).sort()).toEqual(
      [...FAILING.v1, ...FAILING.v2].map((id) => `/api/traces/${id}`).sort(),
    );
    expect(fetches.every((request) => request.headers.accept === 'application/json')).toBe(true);

    // Counted once although Tempo ≥ 2.2 repeats the first span set as `spanSet`; old `spanSet`-only
    // answers count too; the payments spans of fetched traces are left out.
    expect(counts(v1)).toEqual({
      'server GET /products': [5, 0],
      'client SELECT products': [3, 0],
      'server POST /checkout': [3, 1],
      'client POST': [3, 1],
    });
    // v2's SELECT at 10:01:00.002 is outside the window though Tempo returned it.
    expect(counts(v2)).toEqual({
      'server GET /products': [5, 0],
      'server POST /checkout': [5, 3],
      'client POST': [4, 2],
      'client SELECT products': [3, 0],
    });
    const [one, two] = [byOperation(v1), byOperation(v2)];
    expectWithin1Percent(one['server GET /products']!.latency.getValueAtQuantile(0.5), 30);
    expectWithin1Percent(one['server GET /products']!.latency.getValueAtQuantile(1), 60);
    expectWithin1Percent(two['server GET /products']!.latency.getValueAtQuantile(0.5), 45);
    expectWithin1Percent(two['server GET /products']!.latency.getValueAtQuantile(1), 75);
    expectWithin1Percent(one['server POST /checkout']!.latency.getValueAtQuantile(0.5), 120);
    expectWithin1Percent(two['server POST /checkout']!.latency.getValueAtQuantile(0.5), 140);
  });

  it('reads exceptions from the fetched traces in every answer shape and serves a new one as an exemplar', async () => {
    const tempoSource = await source(tempo);
    const v1 = byOperation(await tempoSource.operations({ ...WINDOW, version: 'v1', kinds: KINDS }));
    const v2 = byOperation(await tempoSource.operations({ ...WINDOW, version: 'v2', kinds: KINDS }));
    expect(v1['server POST /checkout']!.signatures).toEqual([
      {
        signature: 'PaymentDeclinedError: Card <n> declined',
        type: 'PaymentDeclinedError',
        message: 'Card 4242 declined',
        count: 1,
        exemplarIds: ['tempo-8f3d6b7e5a4a7b9cbdce3f4a5b6c7d8e'],
      },
    ]);
    expect(signatures(v1['client POST'])).toEqual([['402: ', 1, 1]]);
    // B6 (resourceSpans, hex ids), B7 (trace.resourceSpans, base64) and B10 (Tempo 1.x batches).
    expect(signatures(v2['server POST /checkout'])).toEqual([
      ['PaymentDeclinedError: Card <n> declined', 2, 1],
      ['InventoryReservationError: Reservation <n> for sku <quoted> expired', 1, 1],
    ]);
    expect(signatures(v2['client POST'])).toEqual([['402: ', 2, 1]]);

    const known = new Set(v1['server POST /checkout']!.signatures.map((s) => s.signature));
    const [fresh] = v2['server POST /checkout']!.signatures.filter((s) => !known.has(s.signature));
    expect(fresh).toMatchObject({
      type: 'InventoryReservationError',
      message: 'Reservation 77 for sku "A-17" expired',
      exemplarIds: ['tempo-07c0f401e3d304254657c3d3e4f5a6b7'],
    });
    const exemplar = (await tempoSource.exemplar(fresh!.exemplarIds[0]!)) as {
      resourceSpans: {
        resource: unknown;
        scopeSpans: { scope: unknown; spans: Record<string, unknown>[] }[];
      }[];
    };
    expect(exemplar.resourceSpans).toHaveLength(1);
    expect(exemplar.resourceSpans[0]!.resource).toEqual({
      attributes: [
        { key: 'service.name', value: { stringValue: 'shop' } },
        { key: 'service.version', value: { stringValue: 'v2' } },
        { key: 'host.name', value: { stringValue: 'shop-v2-6b4c9d7f8-h7tqp' } },
      ],
    });
    expect(exemplar.resourceSpans[0]!.scopeSpans[0]!.spans[0]).toMatchObject({
      traceId: '07c0f401e3d304254657c3d3e4f5a6b7',
      spanId: 'b7c4e2f09b3d5701',
      name: 'POST /checkout',
      kind: 2,
      startTimeUnixNano: '1772445622000000000',
      endTimeUnixNano: '1772445622140000000',
      status: { code: 2, message: 'Reservation 77 for sku "A-17" expired' },
      events: [
        expect.objectContaining({ name: 'exception', timeUnixNano: '1772445622139000000' }) as unknown,
      ],
    });
    const reread = readSpans(decodeOtlp(Buffer.from(JSON.stringify(exemplar)), 'json'), {
      versionAttribute: 'service.version',
    });
    expect(reread.spans.map((span) => span.error?.type)).toEqual(['InventoryReservationError']);
    // Tempo 1.x's instrumentationLibrary became the exemplar's scope (B10, alone in its window).
    const lastFifteen = { ...WINDOW, fromMs: T0 + 45_000, version: 'v2', kinds: ['server'] as const };
    const late = byOperation(await tempoSource.operations(lastFifteen))['server POST /checkout'];
    expect(late!.signatures[0]!.exemplarIds).toEqual(['tempo-5af32734b6a63758798af6a6b7c8d9ea']);
    const declined = (await tempoSource.exemplar(late!.signatures[0]!.exemplarIds[0]!)) as typeof exemplar;
    expect(declined.resourceSpans.map((resource) => resource.scopeSpans[0]!.scope)).toEqual([
      { name: '@opentelemetry/instrumentation-http', version: '0.57.2' },
      { name: 'io.opentelemetry.spring-webmvc-6.0', version: '2.10.0-alpha' },
    ]);
  });

  it('fetches at most maxErrorTraces traces, one per kind of failure first, and reuses what they showed', async () => {
    const tempoSource = await source(tempo, { maxErrorTraces: 1 });
    const v2 = byOperation(await tempoSource.operations({ ...WINDOW, version: 'v2', kinds: KINDS }));
    expect(backend!.requests.filter((r) => r.path.startsWith('/api/traces/')).map((r) => r.path)).toEqual([
      '/api/traces/26bfe3f0d2c2f3143546b2c2d3e4f5a6',
    ]);
    // B10's "Card 5100 declined" is known from B6's exception; B7 was not fetched: its status
    // message alone, and no exemplar.
    expect(signatures(v2['server POST /checkout'])).toEqual([
      ['PaymentDeclinedError: Card <n> declined', 2, 1],
      ['Reservation <n> for sku <quoted> expired', 1, 0],
    ]);
    expect(signatures(v2['client POST'])).toEqual([['402: ', 2, 1]]);
    expect(counts(Object.values(v2))).toMatchObject({
      'server POST /checkout': [5, 3],
      'client POST': [4, 2],
    });
  });

  it('spends its trace fetches on distinct failures before repeats of one', async () => {
    const reordered = fixture('tempo', 'search-shop-v2.json') as { traces: { traceID: string }[] };
    // B6 and B10 fail the same way (a declined card); B7 differently. Tempo's order: B6, B10, B7.
    const order = [
      '26bfe3f0d2c2f3143546b2c2d3e4f5a6',
      '5af32734b6a63758798af6a6b7c8d9ea',
      '7c0f401e3d304254657c3d3e4f5a6b7',
    ];
    reordered.traces.sort((a, b) => order.indexOf(a.traceID) - order.indexOf(b.traceID));
    const tempoSource = await source(
      (request) => (request.path === '/api/search' ? { json: reordered } : tempo(request)),
      { maxErrorTraces: 2 },
    );
    const v2 = byOperation(await tempoSource.operations({ ...WINDOW, version: 'v2', kinds: KINDS }));
    expect(
      backend!.requests
        .filter((r) => r.path.startsWith('/api/traces/'))
        .map((r) => r.path)
        .sort(),
    ).toEqual([
      '/api/traces/07c0f401e3d304254657c3d3e4f5a6b7',
      '/api/traces/26bfe3f0d2c2f3143546b2c2d3e4f5a6',
    ]);
    expect(signatures(v2['server POST /checkout'])).toEqual([
      ['PaymentDeclinedError: Card <n> declined', 2, 1],
      ['InventoryReservationError: Reservation <n> for sku <quoted> expired', 1, 1],
    ]);
  });

  it('covers a window that is not whole seconds, and counts exactly its spans', async () => {
    const tempoSource = await source(tempo);
    const window = { ...WINDOW, fromMs: T0 + 5_500, toMs: T0 + 15_250, version: 'v2', kinds: KINDS };
    expect(counts(await tempoSource.operations(window))).toEqual({
      'server GET /products': [2, 0],
      'client SELECT products': [2, 0],
      'server POST /checkout': [1, 0],
      'client POST': [1, 0],
    });
    expect(backend!.requests[0]!.query).toMatchObject({
      start: String(T0 / 1000 + 5),
      end: String(T0 / 1000 + 16),
    });
    // No failed span in the window: nothing fetched.
    expect(backend!.requests).toHaveLength(1);
  });

  it('asks for the kinds of the query and keeps only those', async () => {
    const tempoSource = await source(tempo);
    const servers = await tempoSource.operations({ ...WINDOW, version: 'v2', kinds: ['server'] });
    expect(backend!.requests[0]!.query['q']).toBe(
      `{ resource.service.name = "shop" && resource.service.version = "v2" && (kind = server) }${SELECT}`,
    );
    expect(counts(servers)).toEqual({ 'server GET /products': [5, 0], 'server POST /checkout': [5, 3] });
    await tempoSource.operations({ ...WINDOW, version: 'v2' });
    expect(backend!.requests.filter((r) => r.path === '/api/search').at(-1)!.query['q']).toBe(
      `{ resource.service.name = "shop" && resource.service.version = "v2" }${SELECT}`,
    );
    const before = backend!.requests.length;
    expect(await tempoSource.operations({ ...WINDOW, version: 'v2', kinds: [] })).toEqual([]);
    expect(backend!.requests.length).toBe(before);
  });

  it('keeps marker values inside their TraceQL string literals', async () => {
    const tempoSource = await source(() => ({ json: { metrics: { inspectedBytes: '0' } } }));
    const service = 'shop" || true || "';
    const version = 'v2\\" } | { true';
    expect(await tempoSource.operations({ ...WINDOW, service, version, kinds: ['server'] })).toEqual([]);
    const query = backend!.requests[0]!.query['q']!;
    expect(query).toBe(
      '{ resource.service.name = "shop\\" || true || \\"" && resource.service.version = "v2\\\\\\" } | { true"' +
        ` && (kind = server) }${SELECT}`,
    );
    // Read back as TraceQL's lexer would (Go string literals): each value is one whole literal and
    // the query's structure around them is unchanged.
    const tokens = splitStringLiterals(query);
    expect(tokens.literals).toEqual([service, version]);
    expect(tokens.code).toBe(
      `{ resource.service.name = "" && resource.service.version = "" && (kind = server) }${SELECT}`,
    );
  });

  it('writes TraceQL literals and attribute names safely', () => {
    expect(traceqlString('a\\b"c\nd\te\u0001')).toBe('"a\\\\b\\"c\\nd\\te\\u0001"');
    expect(resourceAttribute('service.version')).toBe('resource.service.version');
    expect(resourceAttribute('app version')).toBe('resource."app version"');
    expect(resourceAttribute('x" || true')).toBe('resource."x\\" || true"');
    expect(
      spanSearchQuery({ service: 's', version: 'v', versionAttribute: 'deploy.id', kinds: ['consumer'] }),
    ).toBe(`{ resource.service.name = "s" && resource.deploy.id = "v" && (kind = consumer) }${SELECT}`);
    expect(() =>
      spanSearchQuery({
        service: 's',
        version: 'v',
        versionAttribute: 'x',
        kinds: ['server) || (true' as SpanKind],
      }),
    ).toThrow(/not a span kind/);
  });

  it('treats an answer without traces but with metrics as empty, as Tempo writes it', async () => {
    const tempoSource = await source(() => ({
      json: { metrics: { inspectedTraces: 120, completedJobs: 2 } },
    }));
    expect(await tempoSource.operations({ ...WINDOW, version: 'v2', kinds: KINDS })).toEqual([]);
  });

  describe('rejects a malformed answer with an error naming the field', () => {
    type Search = { traces: Record<string, unknown>[] };
    const search = () => fixture('tempo', 'search-shop-v2.json') as Search;
    const spanOf = (answer: Search, trace: number, span: number) =>
      (answer.traces[trace]!['spanSets'] as { spans: Record<string, unknown>[] }[])[0]!.spans[span]!;
    const withSearch = (json: unknown) => (request: RecordedRequest) =>
      request.path === '/api/search' ? { json } : tempo(request);
    /** Answers the v2 search changed by `change`, and trace fetches as usual. */
    const tamperedSearch = (change: (answer: Search) => void) => {
      const answer = search();
      change(answer);
      return withSearch(answer);
    };
    const withTrace = (traceId: string, json: unknown) => (request: RecordedRequest) =>
      request.path === `/api/traces/${traceId}` ? { json } : tempo(request);
    const tamperedTrace = (change: (span: Record<string, unknown>) => void) => {
      const trace = fixture('tempo', 'trace-26bfe3f0d2c2f3143546b2c2d3e4f5a6.json') as {
        resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
      };
      change(trace.resourceSpans[0]!.scopeSpans[0]!.spans[1]!);
      return trace;
    };
    const cases: [string, (request: RecordedRequest) => FakeAnswer, RegExp][] = [
      [
        'a search body that is not JSON',
        (request) => (request.path === '/api/search' ? { text: 'upstream connect error' } : tempo(request)),
        /^tempo: GET \/api\/search answered a body that is not JSON: upstream connect error$/,
      ],
      [
        'an answer without traces or metrics',
        withSearch({ data: [] }),
        /^tempo: traces must be an array of traces$/,
      ],
      [
        'a start time that is not nanoseconds',
        tamperedSearch((a) => {
          spanOf(a, 1, 0)['startTimeUnixNano'] = '2026-03-02T10:00:06Z';
        }),
        /^tempo: traces\[1\]\.spanSets\[0\]\.spans\[0\]\.startTimeUnixNano must be a number of nanoseconds/,
      ],
      [
        'a span without its kind',
        tamperedSearch((a) => {
          spanOf(a, 2, 1)['attributes'] = [{ key: 'status', value: { stringValue: 'unset' } }];
        }),
        /^tempo: traces\[2\]\.spanSets\[0\]\.spans\[1\]\.attributes must be a list with kind \(selected by the query\)/,
      ],
      [
        'a span without a name',
        tamperedSearch((a) => {
          delete spanOf(a, 0, 0)['name'];
        }),
        /^tempo: traces\[0\]\.spanSets\[0\]\.spans\[0\]\.name must be a non-empty string/,
      ],
      [
        'a trace without span sets',
        tamperedSearch((a) => {
          delete a.traces[3]!['spanSets'];
        }),
        /^tempo: traces\[3\] must be a trace with spanSets \(or spanSet\)/,
      ],
      [
        'a fetched trace in no known shape',
        withTrace('26bfe3f0d2c2f3143546b2c2d3e4f5a6', { data: [] }),
        /^tempo GET \/api\/traces\/26bfe3f0d2c2f3143546b2c2d3e4f5a6: the answer must be an object with batches, resourceSpans or trace\.resourceSpans$/,
      ],
      [
        'a fetched span id of the wrong length',
        withTrace(
          '26bfe3f0d2c2f3143546b2c2d3e4f5a6',
          tamperedTrace((span) => (span['spanId'] = 'b6c4e2f09b3d57')),
        ),
        /^tempo GET \/api\/traces\/26bfe3f0d2c2f3143546b2c2d3e4f5a6: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.spanId must be an id of 8 bytes in hex or base64$/,
      ],
      [
        'a fetched span kind Tempo does not write',
        withTrace(
          '26bfe3f0d2c2f3143546b2c2d3e4f5a6',
          tamperedTrace((span) => (span['kind'] = 'SPAN_KIND_SERVERLESS')),
        ),
        /^tempo GET \/api\/traces\/26bfe3f0d2c2f3143546b2c2d3e4f5a6: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.kind must be one of SPAN_KIND_UNSPECIFIED/,
      ],
    ];
    it.each(cases)('%s', async (_name, answer, message) => {
      const tempoSource = await source(answer);
      await expect(tempoSource.operations({ ...WINDOW, version: 'v2', kinds: KINDS })).rejects.toThrow(
        message,
      );
    });
  });

  it('says the HTTP status, the path and what Tempo said', async () => {
    const searchFails = await source(() => ({ status: 500, text: 'too many outstanding requests\n' }));
    await expect(searchFails.operations({ ...WINDOW, version: 'v1' })).rejects.toThrow(
      /^tempo: GET \/api\/search answered HTTP 500: too many outstanding requests$/,
    );
    await backend!.close();
    const traceMissing = await source((request) =>
      request.path === '/api/search' ? tempo(request) : { status: 404, text: 'trace not found' },
    );
    await expect(traceMissing.operations({ ...WINDOW, version: 'v1' })).rejects.toThrow(
      'tempo: GET /api/traces/8f3d6b7e5a4a7b9cbdce3f4a5b6c7d8e answered HTTP 404: trace not found',
    );
  });

  it('times out after timeoutMs', async () => {
    const tempoSource = await source(() => ({ hang: true }), { timeoutMs: 200 });
    const started = Date.now();
    await expect(tempoSource.operations({ ...WINDOW, version: 'v1' })).rejects.toThrow(
      'tempo: GET /api/search timed out after 200 ms',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('sends the tenant header and the limits asked for, under the base URL path', async () => {
    backend = await startFakeBackend((request) =>
      request.path === '/tempo/api/search'
        ? { json: fixture('tempo', 'search-shop-v1.json') }
        : tempo(request),
    );
    const tempoSource = createTempoTraceSource({
      baseUrl: `${backend.baseUrl}/tempo`,
      maxTraces: 50,
      spansPerSpanSet: 10,
      maxErrorTraces: 0,
      headers: { 'X-Scope-OrgID': 'team-shop' },
    });
    const v1 = byOperation(await tempoSource.operations({ ...WINDOW, version: 'v1', kinds: KINDS }));
    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0]).toMatchObject({
      path: '/tempo/api/search',
      query: { limit: '50', spss: '10' },
      headers: { 'x-scope-orgid': 'team-shop' },
    });
    // Nothing fetched: the failure is known by its status message only.
    expect(signatures(v1['server POST /checkout'])).toEqual([['Card <n> declined', 1, 0]]);
  });

  it('refuses a release without a version and options it cannot use', async () => {
    const tempoSource = await source(tempo);
    await expect(tempoSource.operations({ ...WINDOW, version: '' })).rejects.toThrow(/without a version/);
    expect(backend!.requests).toHaveLength(0);
    expect(() => createTempoTraceSource({ baseUrl: 'http://tempo:3200', spansPerSpanSet: 0 })).toThrow(
      /spansPerSpanSet/,
    );
    expect(() => createTempoTraceSource({ baseUrl: 'http://tempo:3200', maxErrorTraces: -1 })).toThrow(
      /maxErrorTraces/,
    );
  });
});

/**
 * Splits a query into its double-quoted string literals (unescaped as Go's strconv.Unquote does
 * for the escapes TraceQL literals use) and the code around them with each literal emptied.
 */
function splitStringLiterals(query: string): { literals: string[]; code: string } {
  const literals: string[] = [];
  let code = '';
  for (let i = 0; i < query.length; i += 1) {
    if (query[i] !== '"') {
      code += query[i];
      continue;
    }
    let literal = '';
    for (i += 1; query[i] !== '"'; i += 1) {
      if (i >= query.length) throw new Error(`unterminated literal in ${query}`);
      if (query[i] === '\\') {
        i += 1;
        literal += { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"' }[query[i] as string] ?? `\\${query[i]}`;
      } else literal += query[i];
    }
    literals.push(literal);
    code += '""';
  }
  return { literals, code };
}
