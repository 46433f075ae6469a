/**
 * Validates Tempo's answers:
 *
 * - `GET /api/search` (TraceQL): `{traces: [{traceID, spanSets: [{spans: [{spanID, name,
 *   startTimeUnixNano, durationNanos, attributes}], matched}]}], metrics}`; older answers have one
 *   `spanSet` instead of `spanSets`. Tempo writes protobuf JSON, which leaves out empty lists and
 *   zero numbers: an answer without `traces` is empty only when it has Tempo's `metrics`.
 * - `GET /api/traces/<id>`: the trace as OTLP/JSON under `batches` (Tempo 1.x, 2.x), or
 *   `resourceSpans`, or `trace.resourceSpans` (`/api/v2/traces/<id>`). Tempo writes ids in base64
 *   and enums by name, and Tempo 1.x `instrumentationLibrarySpans`: all normalised to the OTLP/JSON
 *   the embedded receiver reads, then read by the same OTLP reader.
 *
 * Anything else is a TraceBackendError naming the field.
 */
import { SPAN_KINDS, type SpanKind } from '../received-span.js';
import { decodeOtlp, OtlpDecodeError, type ExportRequest } from '../otlp/read-otlp.js';
import {
  fieldPath,
  itemPath,
  JsonFields,
  TraceBackendError,
  type JsonObject,
} from '../backend/json-fields.js';

export interface TempoSearchSpan {
  /** Hex, 16 digits. */
  readonly spanId: string;
  readonly name: string;
  readonly kind: SpanKind;
  /** Unix milliseconds. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Status `error`. */
  readonly failed: boolean;
  readonly statusMessage: string;
}

export interface TempoSearchTrace {
  /** Hex, 32 digits (Tempo leaves out leading zeros: padded here). */
  readonly traceId: string;
  readonly spans: readonly TempoSearchSpan[];
}

const search: JsonFields = new JsonFields('tempo');

/** The traces of a TraceQL search answer; throws TraceBackendError when it is not one. */
export function parseTempoSearch(body: unknown): TempoSearchTrace[] {
  const answer = search.object(body, 'the answer', 'a JSON object ({traces, metrics})');
  if (answer['traces'] === undefined && typeof answer['metrics'] === 'object') return [];
  return search
    .array(answer['traces'], 'traces', 'an array of traces')
    .map((trace, index) => parseSearchTrace(trace, itemPath('traces', index)));
}

function parseSearchTrace(value: unknown, path: string): TempoSearchTrace {
  const trace = search.object(value, path);
  const traceId = search.hexId(trace['traceID'], fieldPath(path, 'traceID'), 32);
  const spans = spanSetsOf(trace, path).flatMap(({ spanSet, setPath }) =>
    search
      .optionalArray(spanSet['spans'], fieldPath(setPath, 'spans'))
      .map((span, index) => parseSearchSpan(span, itemPath(fieldPath(setPath, 'spans'), index))),
  );
  return { traceId, spans };
}

/** Tempo ≥ 2.2 sends spanSets and repeats the first as the deprecated spanSet; older, only spanSet. */
function spanSetsOf(trace: JsonObject, path: string): { spanSet: JsonObject; setPath: string }[] {
  if (trace['spanSets'] !== undefined) {
    const setsPath = fieldPath(path, 'spanSets');
    return search.array(trace['spanSets'], setsPath).map((set, index) => {
      const setPath = itemPath(setsPath, index);
      return { spanSet: search.object(set, setPath), setPath };
    });
  }
  if (trace['spanSet'] !== undefined) {
    const setPath = fieldPath(path, 'spanSet');
    return [{ spanSet: search.object(trace['spanSet'], setPath), setPath }];
  }
  return search.fail(path, 'a trace with spanSets (or spanSet): the spans the query matched');
}

function parseSearchSpan(value: unknown, path: string): TempoSearchSpan {
  const span = search.object(value, path);
  const at = (key: string) => fieldPath(path, key);
  const attributes = stringAttributes(span['attributes'], at('attributes'));
  const kind = attributes.get('kind');
  if (kind === undefined || !(SPAN_KINDS as readonly string[]).includes(kind))
    search.fail(
      at('attributes'),
      `a list with kind (selected by the query) set to one of ${SPAN_KINDS.join(', ')}`,
    );
  const status = attributes.get('status');
  if (status !== 'error' && status !== 'ok' && status !== 'unset')
    search.fail(at('attributes'), 'a list with status (selected by the query) set to error, ok or unset');
  const name = span['name'];
  if (typeof name !== 'string' || name === '')
    search.fail(at('name'), 'a non-empty string (the query selects the span name)');
  return {
    spanId: search.hexId(span['spanID'], at('spanID'), 16),
    name,
    kind: kind as SpanKind,
    startMs: nanosToMs(span['startTimeUnixNano'], at('startTimeUnixNano'), false),
    durationMs: nanosToMs(span['durationNanos'], at('durationNanos'), true),
    failed: status === 'error',
    statusMessage: attributes.get('statusMessage') ?? '',
  };
}

/** The string-valued attributes (`{key, value: {stringValue}}`) by key. */
function stringAttributes(value: unknown, path: string): Map<string, string> {
  const attributes = new Map<string, string>();
  search.optionalArray(value, path).forEach((item, index) => {
    const attribute = search.object(item, itemPath(path, index));
    const key = search.string(attribute['key'], fieldPath(itemPath(path, index), 'key'));
    const anyValue = attribute['value'];
    if (typeof anyValue === 'object' && anyValue !== null) {
      const text = (anyValue as JsonObject)['stringValue'];
      if (typeof text === 'string') attributes.set(key, text);
    }
  });
  return attributes;
}

/**
 * Nanoseconds (a decimal string, as protobuf JSON writes 64-bit integers, or a number) as
 * milliseconds. Protobuf JSON leaves out zeros: an absent duration is 0, an absent start is not.
 */
function nanosToMs(value: unknown, path: string, zeroWhenAbsent: boolean): number {
  if (value === undefined && zeroWhenAbsent) return 0;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value / 1e6;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return Number(BigInt(value)) / 1e6;
  return search.fail(path, 'a number of nanoseconds (a decimal string)');
}

const SPAN_KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;

/**
 * The trace of a `/api/traces/<id>` answer as the OTLP reader's decoded request. `source` names
 * the call in errors (`tempo GET /api/traces/<id>`).
 */
export function parseTempoTrace(body: unknown, source: string): ExportRequest {
  const fields: JsonFields = new JsonFields(source);
  const answer = fields.object(body, 'the answer', 'a JSON object ({batches} or {resourceSpans})');
  const [list, path] = resourceSpansOf(answer, fields);
  const request = {
    resourceSpans: list.map((resourceSpans, index) =>
      normaliseResourceSpans(resourceSpans, itemPath(path, index), fields),
    ),
  };
  try {
    return decodeOtlp(Buffer.from(JSON.stringify(request)), 'json');
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw new TraceBackendError(`${source}: ${error.message}`);
    throw error;
  }
}

function resourceSpansOf(answer: JsonObject, fields: JsonFields): [readonly unknown[], string] {
  if (answer['batches'] !== undefined) return [fields.array(answer['batches'], 'batches'), 'batches'];
  if (answer['resourceSpans'] !== undefined)
    return [fields.array(answer['resourceSpans'], 'resourceSpans'), 'resourceSpans'];
  if (answer['trace'] !== undefined) {
    const trace = fields.object(answer['trace'], 'trace');
    // An empty trace is written `{"trace": {}}` by protobuf JSON.
    return [fields.optionalArray(trace['resourceSpans'], 'trace.resourceSpans'), 'trace.resourceSpans'];
  }
  return fields.fail('the answer', 'an object with batches, resourceSpans or trace.resourceSpans');
}

function normaliseResourceSpans(value: unknown, path: string, fields: JsonFields): Record<string, unknown> {
  const resourceSpans = fields.object(value, path);
  // Tempo 1.x answers with OTLP before 0.15: instrumentationLibrarySpans / instrumentationLibrary.
  const legacy = resourceSpans['scopeSpans'] === undefined;
  const key = legacy ? 'instrumentationLibrarySpans' : 'scopeSpans';
  return {
    ...(resourceSpans['resource'] !== undefined && {
      resource: fields.object(resourceSpans['resource'], fieldPath(path, 'resource')),
    }),
    scopeSpans: fields.optionalArray(resourceSpans[key], fieldPath(path, key)).map((item, index) => {
      const scopePath = itemPath(fieldPath(path, key), index);
      const scopeSpans = fields.object(item, scopePath);
      const scope = legacy ? scopeSpans['instrumentationLibrary'] : scopeSpans['scope'];
      return {
        ...(scope !== undefined && scope !== null && { scope }),
        spans: fields
          .optionalArray(scopeSpans['spans'], fieldPath(scopePath, 'spans'))
          .map((span, spanIndex) =>
            normaliseSpan(span, itemPath(fieldPath(scopePath, 'spans'), spanIndex), fields),
          ),
      };
    }),
  };
}

function normaliseSpan(value: unknown, path: string, fields: JsonFields): Record<string, unknown> {
  const span = fields.object(value, path);
  const at = (key: string) => fieldPath(path, key);
  const parentSpanId = span['parentSpanId'];
  const status = span['status'];
  const normalised: Record<string, unknown> = {
    ...span,
    traceId: hexId(span['traceId'], at('traceId'), TRACE_ID_BYTES, fields),
    spanId: hexId(span['spanId'], at('spanId'), SPAN_ID_BYTES, fields),
    kind: enumNumber(span['kind'], at('kind'), SPAN_KIND_NAMES, fields),
    links: fields.optionalArray(span['links'], at('links')).map((item, index) => {
      const link = fields.object(item, itemPath(at('links'), index));
      return {
        ...link,
        traceId: hexId(
          link['traceId'],
          fieldPath(itemPath(at('links'), index), 'traceId'),
          TRACE_ID_BYTES,
          fields,
        ),
        spanId: hexId(
          link['spanId'],
          fieldPath(itemPath(at('links'), index), 'spanId'),
          SPAN_ID_BYTES,
          fields,
        ),
      };
    }),
  };
  delete normalised['parentSpanId'];
  if (parentSpanId !== undefined && parentSpanId !== null && parentSpanId !== '')
    normalised['parentSpanId'] = hexId(parentSpanId, at('parentSpanId'), SPAN_ID_BYTES, fields);
  if (status !== undefined && status !== null) {
    const statusObject = fields.object(status, at('status'));
    normalised['status'] = {
      ...statusObject,
      code: enumNumber(statusObject['code'], fieldPath(at('status'), 'code'), STATUS_CODE_NAMES, fields),
    };
  }
  return normalised;
}

/** An id in hex (OTLP/JSON) or base64 (Tempo's protobuf JSON), as hex. */
function hexId(value: unknown, path: string, bytes: number, fields: JsonFields): string {
  const expectation = `an id of ${bytes} bytes in hex or base64`;
  const text = fields.string(value, path, expectation);
  if (text.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(text)) return text.toLowerCase();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.length === bytes) return decoded.toString('hex');
  }
  return fields.fail(path, expectation);
}

/** An enum given by number or by name (protobuf JSON writes names); absent is 0. */
function enumNumber(value: unknown, path: string, names: readonly string[], fields: JsonFields): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length)
    return value;
  const index = typeof value === 'string' ? names.indexOf(value) : -1;
  if (index < 0) fields.fail(path, `one of ${names.join(', ')} (or its number)`);
  return index;
}
