/**
 * Real OTLP requests for tests: spans made with the OpenTelemetry SDK and serialised by its own
 * OTLP serialisers (@opentelemetry/otlp-transformer, what the OTLP HTTP exporters send), so the
 * receiver is checked against the encoder the world uses, not against its own schema.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

export interface SpanSpec {
  readonly name: string;
  readonly kind?: SpanKind;
  readonly durationMs: number;
  /** Start, Unix ms. */
  readonly startMs: number;
  /** Recorded as an exception event, with status ERROR. */
  readonly exception?: Error;
  /** Status ERROR with this message and no exception event. */
  readonly errorMessage?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** Finished SDK spans of one resource; with `oneTrace`, every span after the first is its child. */
export function makeSpans(
  resource: Readonly<Record<string, string>>,
  specs: readonly SpanSpec[],
  options: { oneTrace?: boolean } = {},
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('vigil-test', '1.0.0');
  let parent: Context | undefined;
  for (const spec of specs) {
    const span = tracer.startSpan(
      spec.name,
      {
        kind: spec.kind ?? SpanKind.SERVER,
        startTime: spec.startMs,
        ...(spec.attributes !== undefined && { attributes: spec.attributes }),
      },
      parent,
    );
    if (options.oneTrace === true && parent === undefined) parent = trace.setSpan(ROOT_CONTEXT, span);
    if (spec.exception !== undefined) {
      span.recordException(spec.exception);
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.exception.message });
    } else if (spec.errorMessage !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.errorMessage });
    }
    span.end(spec.startMs + spec.durationMs);
  }
  return exporter.getFinishedSpans();
}

/** The OTLP/HTTP protobuf body the SDK's exporter would send. */
export function protobufBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}

/** The OTLP/JSON body the SDK's exporter would send. */
export function jsonBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}
