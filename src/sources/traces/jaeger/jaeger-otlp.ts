/**
 * A Jaeger trace as an OTLP/JSON export request, the shape every exemplar has whatever its
 * source: one resource per Jaeger process (its tags become resource attributes), ids in hex,
 * times as decimal strings of nanoseconds, kinds and status codes as OTLP's numbers, logs as
 * events. Like the receiver's exemplars, at most MAX_EXEMPLAR_SPANS spans, failed spans first.
 */
import { MAX_EXEMPLAR_SPANS } from '../otlp/read-otlp.js';
import { SPAN_KINDS } from '../received-span.js';
import type { JaegerKeyValue, JaegerLog, JaegerProcess, JaegerSpan, JaegerTrace } from './jaeger-response.js';
import {
  ERROR_TAG,
  jaegerSpanFailed,
  jaegerSpanKind,
  KIND_TAG,
  STATUS_CODE_TAG,
  STATUS_MESSAGE_TAG,
  stringValue,
} from './jaeger-spans.js';

const STATUS_UNSET = 0;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
/** Tags that are OTLP span fields (kind, status), not attributes. */
const FIELD_TAGS = new Set([KIND_TAG, ERROR_TAG, STATUS_CODE_TAG, STATUS_MESSAGE_TAG]);

export function jaegerTraceToOtlp(trace: JaegerTrace): Record<string, unknown> {
  // A huge trace keeps its failing spans and the first of the rest.
  const kept = new Set(
    [...trace.spans.filter(jaegerSpanFailed), ...trace.spans.filter((span) => !jaegerSpanFailed(span))].slice(
      0,
      MAX_EXEMPLAR_SPANS,
    ),
  );
  const byProcess = new Map<JaegerProcess, Record<string, unknown>[]>();
  for (const span of trace.spans) {
    if (!kept.has(span)) continue;
    const spans = byProcess.get(span.process) ?? [];
    spans.push(spanJson(span));
    byProcess.set(span.process, spans);
  }
  return {
    resourceSpans: [...byProcess].map(([process, spans]) => ({
      resource: { attributes: resourceAttributes(process) },
      scopeSpans: [{ spans }],
    })),
  };
}

function resourceAttributes(process: JaegerProcess): Record<string, unknown>[] {
  return [
    { key: 'service.name', value: { stringValue: process.serviceName } },
    ...process.tags.filter((tag) => tag.key !== 'service.name').map(attributeJson),
  ];
}

function spanJson(span: JaegerSpan): Record<string, unknown> {
  const startNs = microsToNanos(span.startTimeUs);
  const parent = span.references.find((reference) => reference.refType === 'CHILD_OF') ?? span.references[0];
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(parent !== undefined && { parentSpanId: parent.spanId }),
    name: span.operationName,
    kind: SPAN_KINDS.indexOf(jaegerSpanKind(span)),
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + microsToNanos(span.durationUs)).toString(),
    attributes: span.tags.filter((tag) => !FIELD_TAGS.has(tag.key)).map(attributeJson),
    events: span.logs.map(eventJson),
    status: statusJson(span),
  };
}

function statusJson(span: JaegerSpan): Record<string, unknown> {
  const message = stringValue(span.tags, STATUS_MESSAGE_TAG);
  const code = jaegerSpanFailed(span)
    ? STATUS_ERROR
    : stringValue(span.tags, STATUS_CODE_TAG) === 'OK'
      ? STATUS_OK
      : STATUS_UNSET;
  return { code, ...(message !== undefined && { message }) };
}

/** A log becomes an event named by its `event` field (the translation's convention). */
function eventJson(log: JaegerLog): Record<string, unknown> {
  return {
    timeUnixNano: microsToNanos(log.timestampUs).toString(),
    name: stringValue(log.fields, 'event') ?? 'log',
    attributes: log.fields.filter((field) => field.key !== 'event').map(attributeJson),
  };
}

function attributeJson(keyValue: JaegerKeyValue): Record<string, unknown> {
  return { key: keyValue.key, value: anyValue(keyValue) };
}

/** OTLP/JSON AnyValue: 64-bit integers as decimal strings, bytes as base64. */
function anyValue({ type, value }: JaegerKeyValue): Record<string, unknown> {
  if (type === 'bool' || typeof value === 'boolean') return { boolValue: value === true || value === 'true' };
  if (type === 'int64' || (type === '' && Number.isInteger(value))) return { intValue: String(value) };
  if (type === 'float64' || typeof value === 'number') return { doubleValue: Number(value) };
  if (type === 'binary') return { bytesValue: String(value) };
  return { stringValue: typeof value === 'string' ? value : JSON.stringify(value) };
}

/** Exact for any microsecond timestamp (a plain multiplication would round past 2^53). */
function microsToNanos(micros: number): bigint {
  return BigInt(Math.round(micros)) * 1000n;
}
