/**
 * What Vigil reads from a Jaeger span, with the conventions the OpenTelemetry → Jaeger
 * translation uses (spans sent to Jaeger as OTLP and read back through its query API):
 *
 * - release: the resource attributes are process tags, so the version is the process tag the
 *   settings name (`service.version` by default);
 * - kind: the `span.kind` tag (`server`, `client`, `producer`, `consumer`, `internal`);
 * - failure: the `error` tag is true, or `otel.status_code` is `ERROR`;
 * - exception: span events are logs whose `event` field holds the event name, so an exception is
 *   a log with `event` = `exception` and its `exception.type` / `exception.message` fields; else
 *   the status message (`otel.status_description`) and the `error.type` tag, as the OTLP reader
 *   does for the embedded receiver.
 */
import { spanError } from '../error-signature.js';
import { SPAN_KINDS, type ReceivedSpan, type SpanError, type SpanKind } from '../received-span.js';
import type { JaegerKeyValue, JaegerLog, JaegerSpan } from './jaeger-response.js';

/** Tags the translation makes from OTLP fields rather than from span attributes. */
export const KIND_TAG = 'span.kind';
export const ERROR_TAG = 'error';
export const STATUS_CODE_TAG = 'otel.status_code';
export const STATUS_MESSAGE_TAG = 'otel.status_description';

export function jaegerReceivedSpan(span: JaegerSpan, versionAttribute: string): ReceivedSpan {
  return {
    service: span.process.serviceName,
    version: stringValue(span.process.tags, versionAttribute) ?? '',
    operation: span.operationName,
    kind: jaegerSpanKind(span),
    startMs: span.startTimeUs / 1000,
    durationMs: span.durationUs / 1000,
    error: jaegerSpanFailed(span) ? jaegerSpanError(span) : undefined,
    traceId: span.traceId,
  };
}

/** `unspecified` when the tag is absent or unknown, as OTLP's kind 0. */
export function jaegerSpanKind(span: JaegerSpan): SpanKind {
  const kind = stringValue(span.tags, KIND_TAG);
  return kind !== undefined && (SPAN_KINDS as readonly string[]).includes(kind)
    ? (kind as SpanKind)
    : 'unspecified';
}

export function jaegerSpanFailed(span: JaegerSpan): boolean {
  const error = span.tags.find((tag) => tag.key === ERROR_TAG)?.value;
  return error === true || error === 'true' || stringValue(span.tags, STATUS_CODE_TAG) === 'ERROR';
}

export function jaegerSpanError(span: JaegerSpan): SpanError {
  const exception = exceptionLog(span.logs);
  const type =
    (exception && stringValue(exception.fields, 'exception.type')) ??
    stringValue(span.tags, 'error.type') ??
    '';
  const message =
    (exception && stringValue(exception.fields, 'exception.message')) ??
    stringValue(span.tags, STATUS_MESSAGE_TAG) ??
    '';
  return spanError(type, message);
}

/** The first log recording an exception event. */
export function exceptionLog(logs: readonly JaegerLog[]): JaegerLog | undefined {
  return logs.find((log) => stringValue(log.fields, 'event') === 'exception');
}

/** The value of `key` when it is a string (as the OTLP reader reads only string attributes). */
export function stringValue(keyValues: readonly JaegerKeyValue[], key: string): string | undefined {
  const value = keyValues.find((keyValue) => keyValue.key === key)?.value;
  return typeof value === 'string' ? value : undefined;
}
