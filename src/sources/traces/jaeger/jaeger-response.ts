/**
 * Validates the answer of jaeger-query's `GET /api/traces` (the JSON its UI reads, Jaeger 1.x
 * and 2.x): `{data: [trace], total, limit, offset, errors}`, a trace being `{traceID, spans,
 * processes}` and a span `{traceID, spanID, operationName, references, startTime, duration,
 * tags, logs, processID}` with times in microseconds. Only what Vigil reads is checked, and each
 * span gets its process resolved. Anything else is a TraceBackendError naming the field.
 */
import {
  fieldPath,
  itemPath,
  JsonFields,
  TraceBackendError,
  type JsonObject,
} from '../backend/json-fields.js';

/** A tag or log field; `value` is a string, boolean or number as `type` says. */
export interface JaegerKeyValue {
  readonly key: string;
  /** `string`, `bool`, `int64`, `float64` or `binary` (base64); `''` when not sent. */
  readonly type: string;
  readonly value: unknown;
}

export interface JaegerProcess {
  readonly serviceName: string;
  /** The OpenTelemetry resource attributes, for spans that came in as OTLP. */
  readonly tags: readonly JaegerKeyValue[];
}

export interface JaegerLog {
  readonly timestampUs: number;
  readonly fields: readonly JaegerKeyValue[];
}

export interface JaegerReference {
  /** `CHILD_OF` or `FOLLOWS_FROM`. */
  readonly refType: string;
  readonly traceId: string;
  readonly spanId: string;
}

export interface JaegerSpan {
  /** Hex, 32 digits (Jaeger leaves out the high half of 64-bit ids: padded here). */
  readonly traceId: string;
  /** Hex, 16 digits. */
  readonly spanId: string;
  readonly operationName: string;
  readonly references: readonly JaegerReference[];
  readonly startTimeUs: number;
  readonly durationUs: number;
  readonly tags: readonly JaegerKeyValue[];
  readonly logs: readonly JaegerLog[];
  readonly process: JaegerProcess;
}

export interface JaegerTrace {
  readonly traceId: string;
  readonly spans: readonly JaegerSpan[];
}

const fields: JsonFields = new JsonFields('jaeger');

/** The traces of a search answer; throws TraceBackendError when it is not one. */
export function parseJaegerSearch(body: unknown): JaegerTrace[] {
  const answer = fields.object(body, 'the answer', 'a JSON object ({data, errors, ...})');
  const errors = fields.optionalArray(answer['errors'], 'errors');
  if (errors.length > 0) {
    // Jaeger answers what it could not do in `errors`; a partial sample would be silently wrong.
    throw new TraceBackendError(`jaeger: the answer reports errors: ${errors.map(errorText).join('; ')}`);
  }
  return fields
    .array(answer['data'], 'data', 'an array of traces')
    .map((trace, index) => parseTrace(trace, itemPath('data', index)));
}

function parseTrace(value: unknown, path: string): JaegerTrace {
  const trace = fields.object(value, path);
  const traceId = fields.hexId(trace['traceID'], fieldPath(path, 'traceID'), 32);
  const processes = parseProcesses(trace['processes'], fieldPath(path, 'processes'));
  const spans = fields
    .array(trace['spans'], fieldPath(path, 'spans'))
    .map((span, index) => parseSpan(span, itemPath(fieldPath(path, 'spans'), index), processes, path));
  return { traceId, spans };
}

function parseProcesses(value: unknown, path: string): ReadonlyMap<string, JaegerProcess> {
  const processes = new Map<string, JaegerProcess>();
  if (value === undefined || value === null) return processes;
  for (const [id, process] of Object.entries(fields.object(value, path))) {
    processes.set(id, parseProcess(process, fieldPath(path, id)));
  }
  return processes;
}

function parseProcess(value: unknown, path: string): JaegerProcess {
  const process = fields.object(value, path);
  return {
    serviceName: fields.string(process['serviceName'], fieldPath(path, 'serviceName')),
    tags: parseKeyValues(process['tags'], fieldPath(path, 'tags')),
  };
}

function parseSpan(
  value: unknown,
  path: string,
  processes: ReadonlyMap<string, JaegerProcess>,
  tracePath: string,
): JaegerSpan {
  const span = fields.object(value, path);
  const at = (key: string) => fieldPath(path, key);
  return {
    traceId: fields.hexId(span['traceID'], at('traceID'), 32),
    spanId: fields.hexId(span['spanID'], at('spanID'), 16),
    operationName: fields.string(span['operationName'], at('operationName')),
    references: fields
      .optionalArray(span['references'], at('references'))
      .map((reference, index) => parseReference(reference, itemPath(at('references'), index))),
    startTimeUs: fields.number(span['startTime'], at('startTime'), 'a number of microseconds', 0),
    durationUs: fields.number(span['duration'], at('duration'), 'a number of microseconds (>= 0)', 0),
    tags: parseKeyValues(span['tags'], at('tags')),
    logs: fields
      .optionalArray(span['logs'], at('logs'))
      .map((log, index) => parseLog(log, itemPath(at('logs'), index))),
    process: processOf(span, path, processes, tracePath),
  };
}

/** The span's process: by `processID` from the trace's `processes`, or given inline. */
function processOf(
  span: JsonObject,
  path: string,
  processes: ReadonlyMap<string, JaegerProcess>,
  tracePath: string,
): JaegerProcess {
  if (span['processID'] === undefined && span['process'] !== undefined)
    return parseProcess(span['process'], fieldPath(path, 'process'));
  const id = fields.string(span['processID'], fieldPath(path, 'processID'));
  const process = processes.get(id);
  if (process === undefined)
    fields.fail(
      fieldPath(path, 'processID'),
      `a key of ${fieldPath(tracePath, 'processes')} (got ${JSON.stringify(id)})`,
    );
  return process;
}

function parseReference(value: unknown, path: string): JaegerReference {
  const reference = fields.object(value, path);
  return {
    refType: fields.string(reference['refType'], fieldPath(path, 'refType')),
    traceId: fields.hexId(reference['traceID'], fieldPath(path, 'traceID'), 32),
    spanId: fields.hexId(reference['spanID'], fieldPath(path, 'spanID'), 16),
  };
}

function parseLog(value: unknown, path: string): JaegerLog {
  const log = fields.object(value, path);
  return {
    timestampUs: fields.number(log['timestamp'], fieldPath(path, 'timestamp'), 'a number of microseconds', 0),
    fields: parseKeyValues(log['fields'], fieldPath(path, 'fields')),
  };
}

function parseKeyValues(value: unknown, path: string): JaegerKeyValue[] {
  return fields.optionalArray(value, path).map((item, index) => {
    const itemAt = itemPath(path, index);
    const keyValue = fields.object(item, itemAt);
    const value = keyValue['value'];
    if (value === undefined) fields.fail(fieldPath(itemAt, 'value'), 'present');
    return {
      key: fields.string(keyValue['key'], fieldPath(itemAt, 'key')),
      type: fields.optionalString(keyValue['type'], fieldPath(itemAt, 'type')) ?? '',
      value,
    };
  });
}

function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, msg } = error as { code?: unknown; msg?: unknown };
    const text = typeof msg === 'string' ? msg : JSON.stringify(error);
    return typeof code === 'number' ? `${code} ${text}` : text;
  }
  return String(error);
}
