/**
 * The key facts of an exemplar trace (OTLP/JSON, as `traces/<khi>/new-error-<hash>.json` holds
 * it) for a person reading the report: which span failed, in which service, with which error.
 * Read defensively: exemplars come from any OTLP exporter, through Jaeger or Tempo too, so every
 * field may be missing or of another type, and a part that is not understood is skipped.
 */

/** What the report says about one exemplar trace. */
export interface ExemplarFacts {
  readonly traceId?: string;
  readonly spans: number;
  /** Services with spans in the trace, in order of appearance. */
  readonly services: readonly string[];
  /** The trace's root span (no parent), when the exemplar kept it. */
  readonly root?: { readonly name: string; readonly service?: string };
  /** The first failing span, one with an exception event preferred. */
  readonly failing?: FailingSpan;
}

/** A span of the exemplar as the report names it. */
export interface FailingSpan {
  readonly name: string;
  readonly service?: string;
  /** The span's status message. */
  readonly statusMessage?: string;
  readonly exceptionType?: string;
  readonly exceptionMessage?: string;
  readonly durationMs?: number;
}

/** OTLP's STATUS_CODE_ERROR, as a number (protobuf JSON) or an enum name. */
const STATUS_ERROR: readonly unknown[] = [2, '2', 'STATUS_CODE_ERROR'];
const MAX_TEXT = 500;

interface SpanView {
  readonly span: Record<string, unknown>;
  readonly service?: string;
}

/** The facts of `trace`; undefined when it holds no spans at all. */
export function exemplarFacts(trace: unknown): ExemplarFacts | undefined {
  const spans: SpanView[] = [];
  for (const resourceSpans of objectsAt(trace, 'resourceSpans')) {
    const resource = objectAt(resourceSpans, 'resource');
    const service = stringAttribute(objectsAt(resource, 'attributes'), 'service.name');
    for (const scopeSpans of objectsAt(resourceSpans, 'scopeSpans'))
      for (const span of objectsAt(scopeSpans, 'spans'))
        spans.push({ span, ...(service !== undefined && { service }) });
  }
  if (spans.length === 0) return undefined;
  const services = [...new Set(spans.flatMap((view) => (view.service === undefined ? [] : [view.service])))];
  const rootView = spans.find((view) => textAt(view.span, 'parentSpanId') === undefined);
  const failingViews = spans.filter((view) => STATUS_ERROR.includes(objectAt(view.span, 'status')?.['code']));
  const failingView = failingViews.find((view) => exceptionOf(view.span) !== undefined) ?? failingViews[0];
  const traceId = textAt(spans[0]?.span, 'traceId');
  const root = rootView === undefined ? undefined : describeSpan(rootView);
  return {
    ...(traceId !== undefined && { traceId }),
    spans: spans.length,
    services,
    ...(root !== undefined && {
      root: { name: root.name, ...(root.service !== undefined && { service: root.service }) },
    }),
    ...(failingView !== undefined && { failing: describeSpan(failingView) }),
  };
}

function describeSpan(view: SpanView): FailingSpan {
  const { span, service } = view;
  const statusMessage = textAt(objectAt(span, 'status'), 'message');
  const exception = exceptionOf(span);
  const exceptionType = exception && stringAttribute(exception, 'exception.type');
  const exceptionMessage = exception && stringAttribute(exception, 'exception.message');
  const durationMs = durationOf(span);
  return {
    name: textAt(span, 'name') ?? '(unnamed span)',
    ...(service !== undefined && { service }),
    ...(statusMessage !== undefined && { statusMessage }),
    ...(exceptionType !== undefined && { exceptionType }),
    ...(exceptionMessage !== undefined && { exceptionMessage }),
    ...(durationMs !== undefined && { durationMs }),
  };
}

/** The attributes of the span's first `exception` event. */
function exceptionOf(span: Record<string, unknown>): Record<string, unknown>[] | undefined {
  const event = objectsAt(span, 'events').find((candidate) => candidate['name'] === 'exception');
  return event === undefined ? undefined : objectsAt(event, 'attributes');
}

/** Nanosecond timestamps arrive as decimal strings (64-bit, beyond a double's precision) or numbers. */
function durationOf(span: Record<string, unknown>): number | undefined {
  const start = nanos(span['startTimeUnixNano']);
  const end = nanos(span['endTimeUnixNano']);
  if (start === undefined || end === undefined || start <= 0n || end < start) return undefined;
  return Number(end - start) / 1e6;
}

function nanos(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

function stringAttribute(attributes: readonly Record<string, unknown>[], key: string): string | undefined {
  const attribute = attributes.find((candidate) => candidate['key'] === key);
  const value = objectAt(attribute, 'value');
  if (value === undefined) return undefined;
  for (const field of ['stringValue', 'intValue', 'doubleValue', 'boolValue']) {
    const text = scalarText(value[field]);
    if (text !== undefined) return text;
  }
  return undefined;
}

function textAt(holder: unknown, key: string): string | undefined {
  if (typeof holder !== 'object' || holder === null) return undefined;
  return scalarText((holder as Record<string, unknown>)[key]);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value.slice(0, MAX_TEXT);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function objectAt(holder: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof holder !== 'object' || holder === null) return undefined;
  const value = (holder as Record<string, unknown>)[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function objectsAt(holder: unknown, key: string): Record<string, unknown>[] {
  if (typeof holder !== 'object' || holder === null) return [];
  const value = (holder as Record<string, unknown>)[key];
  return Array.isArray(value)
    ? value.filter(
        (item): item is Record<string, unknown> =>
          typeof item === 'object' && item !== null && !Array.isArray(item),
      )
    : [];
}
