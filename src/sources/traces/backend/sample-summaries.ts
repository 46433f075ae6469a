/**
 * Summarises the spans a trace backend returned for one query exactly as the embedded receiver
 * summarises the spans it receives: through a throw-away TraceSummaries, so counts, latency
 * sketches and error signatures mean the same whichever source the KHI reads.
 *
 * What a backend returns is a sample (its search stops at a number of traces): the counts are of
 * the spans returned, not of every span the service emitted in the window.
 *
 * Shared by the Jaeger and Tempo adapters.
 */
import type { ReceivedSpan } from '../received-span.js';
import {
  DEFAULT_TRACE_SUMMARY_LIMITS,
  TraceSummaries,
  type OperationSummary,
  type SummaryQuery,
} from '../trace-summaries.js';
import type { ExemplarStore } from './exemplar-store.js';

/** Stands in for a trace the adapter has no OTLP/JSON of; never handed out as an exemplar. */
const NO_EXEMPLAR: Record<string, unknown> = Object.freeze({ resourceSpans: [] });

/**
 * The summaries of the spans of `query`'s release, kinds and window among `spans`. Exemplars of
 * new signatures come from `exemplarOf(traceId)` (undefined when the adapter has none) and are
 * kept in `store` under the ids the summaries give out.
 */
export function summariseSample(
  spans: readonly ReceivedSpan[],
  query: SummaryQuery,
  exemplarOf: (traceId: string) => Record<string, unknown> | undefined,
  store: ExemplarStore,
): OperationSummary[] {
  if (!(query.toMs > query.fromMs)) return [];
  // Backends return whole traces: spans outside the window or of other releases are dropped here.
  const wanted = spans.filter(
    (span) =>
      span.service === query.service &&
      span.version === query.version &&
      (query.kinds === undefined || query.kinds.includes(span.kind)) &&
      span.startMs >= query.fromMs &&
      span.startMs < query.toMs,
  );
  // Buckets as wide as the window (whole seconds): every span lands in one or two buckets, and
  // reading the whole buckets back reads exactly the spans kept above.
  const bucketSeconds = Math.max(1, Math.ceil((query.toMs - query.fromMs) / 1000));
  const bucketMs = bucketSeconds * 1000;
  const alignedFromMs = Math.floor(query.fromMs / bucketMs) * bucketMs;
  const alignedToMs = Math.ceil(query.toMs / bucketMs) * bucketMs;
  const summaries = new TraceSummaries(
    {
      bucketSeconds,
      // Nothing in the window may count as too old against a clock set to the window's end.
      retentionSeconds: (query.toMs - alignedFromMs) / 1000 + 2 * bucketSeconds,
      maxCells: Number.MAX_SAFE_INTEGER,
      maxSignaturesPerCell: DEFAULT_TRACE_SUMMARY_LIMITS.maxSignaturesPerCell,
      maxExemplars: Number.MAX_SAFE_INTEGER,
    },
    () => query.toMs,
  );
  const traceIdOf = new Map<Record<string, unknown>, string>();
  summaries.add(wanted, (traceId) => {
    const trace = exemplarOf(traceId) ?? NO_EXEMPLAR;
    if (trace !== NO_EXEMPLAR) traceIdOf.set(trace, traceId);
    return trace;
  });
  const operations = summaries.operations({ ...query, fromMs: alignedFromMs, toMs: alignedToMs });
  // The throw-away summaries' ids (ex-1, ex-2...) restart with every query: hand out the store's.
  return operations.map((operation) => ({
    ...operation,
    signatures: operation.signatures.map((counted) => ({
      ...counted,
      // One trace can be the exemplar of a signature in both buckets: listed once.
      exemplarIds: [
        ...new Set(
          counted.exemplarIds.flatMap((id) => {
            const trace = summaries.exemplar(id);
            const traceId = trace === undefined ? undefined : traceIdOf.get(trace);
            return trace === undefined || traceId === undefined ? [] : [store.keep(traceId, trace)];
          }),
        ),
      ],
    })),
  }));
}
