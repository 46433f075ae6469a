/**
 * A TraceSource that reads spans from Jaeger's query service instead of the embedded OTLP
 * receiver: `GET /api/traces` (the JSON jaeger-query serves its UI, Jaeger 1.x and 2.x) for the
 * service over the window, then the spans of the release, kinds and window are summarised as the
 * receiver summarises what it receives (sample-summaries.ts).
 *
 * Jaeger answers at most `maxTraces` traces: the summaries count the spans of those traces, a
 * sample, not every span of the window. The version is also sent as a tag filter (Jaeger matches
 * tags against span tags, process tags and log fields) so each release gets its own sample; the
 * filter on service, version, kinds and window is applied again to what comes back.
 *
 * A failed call or a malformed answer rejects `operations()` with a TraceBackendError naming the
 * backend and the field; the caller turns it into a failed KHI.
 */
import type { TraceSource } from '../trace-source.js';
import type { SummaryQuery } from '../trace-summaries.js';
import { ExemplarStore } from '../backend/exemplar-store.js';
import { jaegerTraceToOtlp } from './jaeger-otlp.js';
import { parseJaegerSearch, type JaegerTrace } from './jaeger-response.js';
import { jaegerReceivedSpan } from './jaeger-spans.js';
import { summariseSample } from '../backend/sample-summaries.js';
import { createTraceBackendHttp } from '../backend/trace-backend-http.js';

export interface JaegerTraceSourceOptions {
  /** jaeger-query's HTTP address, e.g. `http://jaeger-query:16686` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Per HTTP call, in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** Traces asked for per query (Jaeger's `limit`, default 1500). */
  readonly maxTraces?: number;
  /** The process tag (resource attribute) that holds the release version (default `service.version`). */
  readonly versionAttribute?: string;
  /** Sent with every call, e.g. `Authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
}

export const JAEGER_DEFAULTS = {
  timeoutMs: 10_000,
  maxTraces: 1500,
  versionAttribute: 'service.version',
} as const;

export function createJaegerTraceSource(options: JaegerTraceSourceOptions): TraceSource {
  const maxTraces = options.maxTraces ?? JAEGER_DEFAULTS.maxTraces;
  const versionAttribute = options.versionAttribute ?? JAEGER_DEFAULTS.versionAttribute;
  if (!Number.isInteger(maxTraces) || maxTraces < 1)
    throw new TypeError(`jaeger: maxTraces must be a positive integer, got ${maxTraces}`);
  if (versionAttribute === '') throw new TypeError('jaeger: versionAttribute must not be empty');
  const http = createTraceBackendHttp({
    backend: 'jaeger',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? JAEGER_DEFAULTS.timeoutMs,
    ...(options.headers !== undefined && { headers: options.headers }),
  });
  const exemplars = new ExemplarStore('jaeger');

  return {
    operations: async (query) => {
      if (!(query.toMs > query.fromMs) || query.kinds?.length === 0) return [];
      const traces = parseJaegerSearch(
        await http.getJson('/api/traces', searchParams(query, versionAttribute, maxTraces)),
      );
      const byId = new Map<string, JaegerTrace>(traces.map((trace) => [trace.traceId, trace]));
      const spans = traces.flatMap((trace) =>
        trace.spans.map((span) => jaegerReceivedSpan(span, versionAttribute)),
      );
      return summariseSample(
        spans,
        query,
        (traceId) => {
          const trace = byId.get(traceId);
          return trace === undefined ? undefined : jaegerTraceToOtlp(trace);
        },
        exemplars,
      );
    },
    exemplar: (id) => Promise.resolve(exemplars.get(id)),
  };
}

/** `/api/traces` parameters: times in microseconds, the version as a JSON tag filter. */
export function searchParams(
  query: SummaryQuery,
  versionAttribute: string,
  maxTraces: number,
): Record<string, string> {
  return {
    service: query.service,
    start: String(Math.floor(query.fromMs * 1000)),
    end: String(Math.ceil(query.toMs * 1000)),
    limit: String(maxTraces),
    // A span without the attribute has version '' and cannot be asked for by tag.
    ...(query.version !== '' && { tags: JSON.stringify({ [versionAttribute]: query.version }) }),
  };
}
