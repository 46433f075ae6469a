/**
 * The spans Tempo shows Vigil, in two depths:
 *
 * - a fetched trace (`/api/traces/<id>`) is read span by span with the embedded receiver's OTLP
 *   reader, so its failures have the exception type and message exactly as the receiver reads
 *   them, and it can be an exemplar;
 * - a span only seen in the search answer has its name, kind, timing and status (message), not
 *   its exception. Its error is the one a fetched span of the same operation with the same status
 *   message had, when exactly one was seen: otherwise the same failure would be split into a typed
 *   and an untyped signature depending on which traces happened to be fetched.
 */
import { errorSignature, spanError } from '../error-signature.js';
import { exemplarTrace, readSpans, type ExportRequest } from '../otlp/read-otlp.js';
import type { ReceivedSpan, SpanError } from '../received-span.js';
import type { SummaryQuery } from '../trace-summaries.js';
import type { TempoSearchSpan, TempoSearchTrace } from './tempo-response.js';

export interface FetchedSpan {
  readonly received: ReceivedSpan;
  readonly statusMessage: string;
}

export interface FetchedTrace {
  readonly traceId: string;
  readonly spans: readonly FetchedSpan[];
  /** The trace as an OTLP/JSON exemplar (bounded like the receiver's). */
  exemplar(): Record<string, unknown>;
}

/** Reads a fetched trace one span at a time, to keep each span's status message with it. */
export function readFetchedTrace(
  request: ExportRequest,
  traceId: string,
  versionAttribute: string,
): FetchedTrace {
  const spans: FetchedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const single: ExportRequest = {
          resourceSpans: [
            { resource: resourceSpans.resource, scopeSpans: [{ scope: scopeSpans.scope, spans: [span] }] },
          ],
        };
        // A span the reader rejects (no service.name, bad ids) is left out, as the receiver does.
        const [received] = readSpans(single, { versionAttribute }).spans;
        if (received !== undefined) spans.push({ received, statusMessage: span.status?.message ?? '' });
      }
    }
  }
  return { traceId, spans, exemplar: () => exemplarTrace(request, traceId) };
}

/** What the search shows of a failure: its operation and status message. */
function searchViewKey(operation: string, statusMessage: string): string {
  return `${operation}\u0000${errorSignature('', statusMessage)}`;
}

/** Errors of fetched spans by what the search shows of them. */
export class ErrorsBySearchView {
  private readonly seen = new Map<string, Map<string, SpanError>>();

  learn(fetched: FetchedSpan): void {
    const { received } = fetched;
    if (received.error === undefined) return;
    const key = searchViewKey(received.operation, fetched.statusMessage);
    const errors = this.seen.get(key) ?? new Map<string, SpanError>();
    errors.set(received.error.signature, received.error);
    this.seen.set(key, errors);
  }

  /** The one error fetched spans showed for this view, else the status message alone. */
  errorFor(operation: string, statusMessage: string): SpanError {
    const errors = this.seen.get(searchViewKey(operation, statusMessage));
    const [only] = errors?.size === 1 ? errors.values() : [];
    return only ?? spanError('', statusMessage);
  }
}

/** A span from the search answer; the query's service and version are what the TraceQL matched. */
export function searchReceivedSpan(
  span: TempoSearchSpan,
  traceId: string,
  query: SummaryQuery,
  errors: ErrorsBySearchView,
): ReceivedSpan {
  return {
    service: query.service,
    version: query.version,
    operation: span.name,
    kind: span.kind,
    startMs: span.startMs,
    durationMs: span.durationMs,
    error: span.failed ? errors.errorFor(span.name, span.statusMessage) : undefined,
    traceId,
  };
}

/**
 * Up to `max` traces with failed spans in the window to fetch: one per distinct failure view
 * (operation and status message) first, so every kind of failure gets its exception read, then
 * the rest in answer order.
 */
export function chooseErrorTraces(
  traces: readonly TempoSearchTrace[],
  query: SummaryQuery,
  max: number,
): string[] {
  const failing = traces.filter((trace) =>
    trace.spans.some((span) => span.failed && span.startMs >= query.fromMs && span.startMs < query.toMs),
  );
  const chosen = new Set<string>();
  const views = new Set<string>();
  for (const trace of failing) {
    for (const span of trace.spans) {
      const view = searchViewKey(span.name, span.statusMessage);
      if (span.failed && !views.has(view) && chosen.size < max) {
        views.add(view);
        chosen.add(trace.traceId);
      }
    }
  }
  for (const trace of failing) if (chosen.size < max) chosen.add(trace.traceId);
  return [...chosen];
}
