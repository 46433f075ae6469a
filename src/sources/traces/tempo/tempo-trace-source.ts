/**
 * A TraceSource that reads spans from Grafana Tempo instead of the embedded OTLP receiver:
 *
 * 1. a TraceQL search (`GET /api/search`) for the spans of the release and kinds in the window,
 *    with their name, kind, status and status message (traceql.ts);
 * 2. the whole trace (`GET /api/traces/<id>`) of up to `maxErrorTraces` traces with failed spans,
 *    read by the embedded receiver's OTLP reader: their spans replace the trace's search spans,
 *    give the error signatures (exception type and message), and are the exemplars;
 * 3. the spans summarised as the receiver summarises what it receives (sample-summaries.ts).
 *
 * Tempo answers at most `maxTraces` traces and `spansPerSpanSet` spans of each: the summaries
 * count the spans returned, a sample, not every span of the window.
 *
 * A failed call or a malformed answer rejects `operations()` with a TraceBackendError naming the
 * backend and the field; the caller turns it into a failed KHI.
 */
import { ExemplarStore } from '../backend/exemplar-store.js';
import { TraceBackendError } from '../backend/json-fields.js';
import { summariseSample } from '../backend/sample-summaries.js';
import { createTraceBackendHttp, type TraceBackendHttp } from '../backend/trace-backend-http.js';
import type { ReceivedSpan } from '../received-span.js';
import type { TraceSource } from '../trace-source.js';
import type { SummaryQuery } from '../trace-summaries.js';
import { parseTempoSearch, parseTempoTrace } from './tempo-response.js';
import {
  chooseErrorTraces,
  ErrorsBySearchView,
  readFetchedTrace,
  searchReceivedSpan,
  type FetchedTrace,
} from './tempo-spans.js';
import { spanSearchQuery } from './traceql.js';

export interface TempoTraceSourceOptions {
  /** Tempo's HTTP address (query frontend), e.g. `http://tempo:3200` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Per HTTP call, in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** Traces asked for per search (`limit`, default 1500). */
  readonly maxTraces?: number;
  /** Spans per span set (`spss`, default 100, Tempo's default `max_spans_per_span_set`). */
  readonly spansPerSpanSet?: number;
  /** Traces with failed spans fetched whole per query for their exceptions (default 20). */
  readonly maxErrorTraces?: number;
  /** The resource attribute that holds the release version (default `service.version`). */
  readonly versionAttribute?: string;
  /** Sent with every call, e.g. `X-Scope-OrgID` or `Authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
}

export const TEMPO_DEFAULTS = {
  timeoutMs: 10_000,
  maxTraces: 1500,
  spansPerSpanSet: 100,
  maxErrorTraces: 20,
  versionAttribute: 'service.version',
} as const;

/** Trace fetches in flight at once per query. */
const FETCH_CONCURRENCY = 4;

export function createTempoTraceSource(options: TempoTraceSourceOptions): TraceSource {
  const maxTraces = options.maxTraces ?? TEMPO_DEFAULTS.maxTraces;
  const spansPerSpanSet = options.spansPerSpanSet ?? TEMPO_DEFAULTS.spansPerSpanSet;
  const maxErrorTraces = options.maxErrorTraces ?? TEMPO_DEFAULTS.maxErrorTraces;
  const versionAttribute = options.versionAttribute ?? TEMPO_DEFAULTS.versionAttribute;
  for (const [name, value, min] of [
    ['maxTraces', maxTraces, 1],
    ['spansPerSpanSet', spansPerSpanSet, 1],
    ['maxErrorTraces', maxErrorTraces, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new TypeError(`tempo: ${name} must be an integer >= ${min}, got ${value}`);
  }
  if (versionAttribute === '') throw new TypeError('tempo: versionAttribute must not be empty');
  const http = createTraceBackendHttp({
    backend: 'tempo',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? TEMPO_DEFAULTS.timeoutMs,
    ...(options.headers !== undefined && { headers: options.headers }),
  });
  const exemplars = new ExemplarStore('tempo');

  return {
    operations: async (query) => {
      if (!(query.toMs > query.fromMs) || query.kinds?.length === 0) return [];
      if (query.version === '')
        throw new TraceBackendError('tempo: a release without a version cannot be selected with TraceQL');
      const traces = parseTempoSearch(
        await http.getJson('/api/search', searchParams(query, versionAttribute, maxTraces, spansPerSpanSet)),
      );
      const fetched = await fetchTraces(
        http,
        chooseErrorTraces(traces, query, maxErrorTraces),
        versionAttribute,
      );
      const errors = new ErrorsBySearchView();
      for (const trace of fetched.values()) for (const span of trace.spans) errors.learn(span);
      // Fetched traces first: a signature's first occurrence gets the exemplar, and they have one.
      const spans: ReceivedSpan[] = [...fetched.values()].flatMap((trace) =>
        trace.spans.map((span) => span.received),
      );
      for (const trace of traces) {
        if (fetched.has(trace.traceId)) continue;
        for (const span of trace.spans) spans.push(searchReceivedSpan(span, trace.traceId, query, errors));
      }
      return summariseSample(spans, query, (traceId) => fetched.get(traceId)?.exemplar(), exemplars);
    },
    exemplar: (id) => Promise.resolve(exemplars.get(id)),
  };
}

/** `/api/search` parameters: the TraceQL, the window in whole Unix seconds covering it, the limits. */
export function searchParams(
  query: SummaryQuery,
  versionAttribute: string,
  maxTraces: number,
  spansPerSpanSet: number,
): Record<string, string> {
  return {
    q: spanSearchQuery({
      service: query.service,
      version: query.version,
      versionAttribute,
      ...(query.kinds !== undefined && { kinds: query.kinds }),
    }),
    start: String(Math.floor(query.fromMs / 1000)),
    end: String(Math.ceil(query.toMs / 1000)),
    limit: String(maxTraces),
    spss: String(spansPerSpanSet),
  };
}

/**
 * The whole traces, a few calls at a time. One failed call fails the query: signatures that
 * depended on which calls happened to fail would be silently wrong.
 */
async function fetchTraces(
  http: TraceBackendHttp,
  traceIds: readonly string[],
  versionAttribute: string,
): Promise<Map<string, FetchedTrace>> {
  const fetched = new Map<string, FetchedTrace>();
  const queue = [...traceIds];
  const worker = async (): Promise<void> => {
    for (let traceId = queue.shift(); traceId !== undefined; traceId = queue.shift()) {
      const path = `/api/traces/${traceId}`;
      const request = parseTempoTrace(await http.getJson(path), `tempo GET ${path}`);
      fetched.set(traceId, readFetchedTrace(request, traceId, versionAttribute));
    }
  };
  await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, queue.length) }, worker));
  // In the order chosen (the first exemplars), whatever order the answers came in.
  return new Map(traceIds.map((traceId) => [traceId, fetched.get(traceId)!]));
}
