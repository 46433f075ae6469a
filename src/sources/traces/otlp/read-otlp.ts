/**
 * Reads an OTLP/HTTP trace export (binary protobuf or OTLP/JSON) into ReceivedSpans. Both encodings
 * become the same protobuf.js message first — JSON through `fromObject` after its hex ids are
 * turned into bytes, as the OTLP/JSON mapping prescribes — so one walk reads both.
 *
 * A body that cannot be decoded is an OtlpDecodeError (the receiver answers 400). A span Vigil
 * cannot use (no `service.name` on its resource, malformed ids, an end before its start) is
 * rejected and counted, and the rest are kept: OTLP's partial success.
 */
import type { Message } from 'protobufjs';
import { spanError } from '../error-signature.js';
import { SPAN_KINDS, type ReceivedSpan, type SpanError } from '../received-span.js';
import { ExportTraceServiceRequest } from './otlp-trace-schema.js';

export type OtlpEncoding = 'protobuf' | 'json';

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

export interface ReadOtlpOptions {
  /** The resource attribute that holds the version (`service.version` by default). */
  readonly versionAttribute: string;
}

export interface OtlpBatch {
  readonly spans: readonly ReceivedSpan[];
  /** Spans refused, with up to five distinct reasons. */
  readonly rejected: number;
  readonly rejections: readonly string[];
  /** The decoded request, for exemplars (see `exemplarTrace`). */
  readonly request: ExportRequest;
}

/** The decoded message's shape, as far as Vigil reads it. */
export interface ExportRequest {
  readonly resourceSpans: readonly ResourceSpans[];
}
interface ResourceSpans {
  readonly resource?: { readonly attributes: readonly KeyValue[] } | null;
  readonly scopeSpans: readonly ScopeSpans[];
}
interface ScopeSpans {
  readonly scope?: { readonly name: string; readonly version: string } | null;
  readonly spans: readonly Span[];
}
export interface Span {
  readonly traceId: Uint8Array;
  readonly spanId: Uint8Array;
  readonly parentSpanId: Uint8Array;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: Uint64;
  readonly endTimeUnixNano: Uint64;
  readonly attributes: readonly KeyValue[];
  readonly events: readonly { readonly name: string; readonly attributes: readonly KeyValue[] }[];
  readonly links: readonly { readonly traceId: Uint8Array; readonly spanId: Uint8Array }[];
  readonly status?: { readonly code: number; readonly message: string } | null;
}
interface KeyValue {
  readonly key: string;
  readonly value?: AnyValue | null;
}
interface AnyValue {
  /** The oneof's set field. */
  readonly value?: string;
  readonly stringValue: string;
}
/** protobuf.js gives 64-bit integers as Long (high and low 32 bits), or as numbers without long.js. */
type Uint64 = number | { readonly high: number; readonly low: number };

const STATUS_ERROR = 2;
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const MAX_REASONS = 5;
/** Spans kept in one exemplar trace: the bound that keeps exemplars' memory bounded too. */
export const MAX_EXEMPLAR_SPANS = 100;
const TWO_TO_32 = 4_294_967_296;

/** Decodes `body`; throws OtlpDecodeError when it is not an export request in `encoding`. */
export function decodeOtlp(body: Buffer, encoding: OtlpEncoding): ExportRequest {
  if (encoding === 'protobuf') {
    try {
      return ExportTraceServiceRequest.decode(body) as unknown as ExportRequest;
    } catch (error) {
      throw new OtlpDecodeError(
        `the body is not an OTLP ExportTraceServiceRequest: ${(error as Error).message}`,
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError('the body must be a JSON object (an ExportTraceServiceRequest)');
  }
  try {
    hexIdsToBytes(parsed as Record<string, unknown>);
    return ExportTraceServiceRequest.fromObject(parsed) as unknown as ExportRequest;
  } catch (error) {
    throw new OtlpDecodeError(
      `the body is not an OTLP/JSON ExportTraceServiceRequest: ${(error as Error).message}`,
    );
  }
}

/** Reads the spans of a decoded request. */
export function readSpans(request: ExportRequest, options: ReadOtlpOptions): OtlpBatch {
  const spans: ReceivedSpan[] = [];
  const reasons = new Set<string>();
  let rejected = 0;
  const reject = (count: number, reason: string): void => {
    rejected += count;
    if (reasons.size < MAX_REASONS) reasons.add(reason);
  };
  for (const resourceSpans of request.resourceSpans) {
    const attributes = resourceSpans.resource?.attributes ?? [];
    const service = stringAttribute(attributes, 'service.name');
    if (service === undefined || service === '') {
      reject(countSpans(resourceSpans), 'a resource has no service.name attribute');
      continue;
    }
    const version = stringAttribute(attributes, options.versionAttribute) ?? '';
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const problem = spanProblem(span);
        if (problem !== undefined) {
          reject(1, problem);
          continue;
        }
        const startNs = uint64(span.startTimeUnixNano);
        spans.push({
          service,
          version,
          operation: span.name,
          kind: SPAN_KINDS[span.kind] ?? 'unspecified',
          startMs: startNs / 1e6,
          durationMs: nanosBetween(span.startTimeUnixNano, span.endTimeUnixNano) / 1e6,
          error: span.status?.code === STATUS_ERROR ? errorOf(span) : undefined,
          traceId: Buffer.from(
            span.traceId.buffer,
            span.traceId.byteOffset,
            span.traceId.byteLength,
          ).toString('hex'),
        });
      }
    }
  }
  return { spans, rejected, rejections: [...reasons], request };
}

/**
 * The spans of `traceId` in the request (at most MAX_EXEMPLAR_SPANS, errors first), as an
 * OTLP/JSON export request (ids in hex, 64-bit integers as decimal strings): an exemplar a
 * responder can load into any OTLP tool.
 */
export function exemplarTrace(request: ExportRequest, traceId: string): Record<string, unknown> {
  const wanted = Buffer.from(traceId, 'hex');
  const all = request.resourceSpans.flatMap((resource) =>
    resource.scopeSpans.flatMap((scope) => scope.spans.filter((span) => wanted.equals(span.traceId))),
  );
  // A huge trace keeps its failing spans and the first of the rest.
  const failed = (span: Span) => span.status?.code === STATUS_ERROR;
  const kept = new Set(
    [...all.filter(failed), ...all.filter((span) => !failed(span))].slice(0, MAX_EXEMPLAR_SPANS),
  );
  const resourceSpans: Record<string, unknown>[] = [];
  for (const resource of request.resourceSpans) {
    const scopeSpans: Record<string, unknown>[] = [];
    for (const scope of resource.scopeSpans) {
      const spans = scope.spans.filter((span) => kept.has(span)).map(spanJson);
      if (spans.length > 0)
        scopeSpans.push({ ...(scope.scope != null && { scope: toJson(scope.scope) }), spans });
    }
    if (scopeSpans.length > 0)
      resourceSpans.push({
        ...(resource.resource != null && { resource: toJson(resource.resource) }),
        scopeSpans,
      });
  }
  return { resourceSpans };
}

function spanProblem(span: Span): string | undefined {
  if (span.traceId.length !== TRACE_ID_BYTES || span.traceId.every((byte) => byte === 0))
    return 'a span has no valid traceId (16 bytes, not all zero)';
  if (span.spanId.length !== SPAN_ID_BYTES || span.spanId.every((byte) => byte === 0))
    return 'a span has no valid spanId (8 bytes, not all zero)';
  if (span.name === '') return 'a span has no name';
  if (uint64(span.startTimeUnixNano) === 0) return 'a span has no startTimeUnixNano';
  if (nanosBetween(span.startTimeUnixNano, span.endTimeUnixNano) < 0)
    return 'a span ends before it starts (endTimeUnixNano < startTimeUnixNano)';
  return undefined;
}

function errorOf(span: Span): SpanError {
  const exception = span.events.find((event) => event.name === 'exception');
  const type =
    (exception && stringAttribute(exception.attributes, 'exception.type')) ??
    stringAttribute(span.attributes, 'error.type') ??
    '';
  const message =
    (exception && stringAttribute(exception.attributes, 'exception.message')) ?? span.status?.message ?? '';
  return spanError(type, message);
}

function stringAttribute(attributes: readonly KeyValue[], key: string): string | undefined {
  for (const attribute of attributes) {
    if (attribute.key === key)
      return attribute.value?.value === 'stringValue' ? attribute.value.stringValue : undefined;
  }
  return undefined;
}

function countSpans(resourceSpans: ResourceSpans): number {
  return resourceSpans.scopeSpans.reduce((sum, scope) => sum + scope.spans.length, 0);
}

function uint64(value: Uint64): number {
  return typeof value === 'number' ? value : (value.high >>> 0) * TWO_TO_32 + (value.low >>> 0);
}

/** end − start in nanoseconds, exact while under 2^53 (104 days). */
function nanosBetween(start: Uint64, end: Uint64): number {
  if (typeof start === 'number' || typeof end === 'number') return uint64(end) - uint64(start);
  return ((end.high >>> 0) - (start.high >>> 0)) * TWO_TO_32 + ((end.low >>> 0) - (start.low >>> 0));
}

/** OTLP/JSON ids are hex; protobuf.js's fromObject reads bytes from base64 or arrays. */
function hexIdsToBytes(request: Record<string, unknown>): void {
  for (const resourceSpans of arrayAt(request, 'resourceSpans')) {
    for (const scopeSpans of arrayAt(resourceSpans, 'scopeSpans')) {
      for (const span of arrayAt(scopeSpans, 'spans')) {
        hexToBytes(span, 'traceId');
        hexToBytes(span, 'spanId');
        hexToBytes(span, 'parentSpanId');
        for (const link of arrayAt(span, 'links')) {
          hexToBytes(link, 'traceId');
          hexToBytes(link, 'spanId');
        }
      }
    }
  }
}

function arrayAt(holder: unknown, key: string): Record<string, unknown>[] {
  if (typeof holder !== 'object' || holder === null) return [];
  const value = (holder as Record<string, unknown>)[key];
  return Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : [];
}

/** A malformed id becomes empty bytes, so the span is rejected by itself, not the whole request. */
function hexToBytes(holder: Record<string, unknown>, key: string): void {
  const value = holder[key];
  if (value === undefined) return;
  holder[key] =
    typeof value === 'string' && value.length % 2 === 0 && /^[0-9a-f]*$/i.test(value)
      ? Buffer.from(value, 'hex')
      : Buffer.alloc(0);
}

function spanJson(span: Span): Record<string, unknown> {
  const json = toJson(span);
  json['traceId'] = Buffer.from(span.traceId).toString('hex');
  json['spanId'] = Buffer.from(span.spanId).toString('hex');
  if (span.parentSpanId.length > 0) json['parentSpanId'] = Buffer.from(span.parentSpanId).toString('hex');
  else delete json['parentSpanId'];
  if (span.links.length > 0) {
    json['links'] = span.links.map((link, index) => ({
      ...(json['links'] as Record<string, unknown>[])[index],
      traceId: Buffer.from(link.traceId).toString('hex'),
      spanId: Buffer.from(link.spanId).toString('hex'),
    }));
  }
  return json;
}

/** protobuf.js's JSON form with OTLP's conventions: 64-bit integers as strings, enums as numbers. */
function toJson(message: object): Record<string, unknown> {
  return (message as Message).toJSON();
}
