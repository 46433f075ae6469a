/**
 * A span as the trace summaries keep it: who emitted it (service and version, from its resource),
 * what it did (operation and kind), when and how long, and how it failed. Everything else in the
 * OTLP span stays in the request, read only when the span becomes an exemplar.
 */

export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

/** What a failed span says about its failure; `signature` groups failures of one kind. */
export interface SpanError {
  /** Exception type (`exception.type`), else `error.type`, else `''`. */
  readonly type: string;
  /** The exception message (else the status message), as sent, cut to a bounded length. */
  readonly message: string;
  /** `type: normalised message`: numbers, ids, quoted values and URLs replaced by placeholders. */
  readonly signature: string;
}

export interface ReceivedSpan {
  readonly service: string;
  /** From the resource attribute the settings name (`service.version` by default); `''` when absent. */
  readonly version: string;
  /** The span name. */
  readonly operation: string;
  readonly kind: SpanKind;
  /** Start time, Unix milliseconds. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Set when the span's status is ERROR. */
  readonly error: SpanError | undefined;
  /** Hex, 32 digits. */
  readonly traceId: string;
}
