/**
 * The demo shop's traces: the OpenTelemetry SDK's tracer provider with a batch span processor and
 * the OTLP/HTTP protobuf exporter, its resource naming the shop (`service.name` demo-shop,
 * `service.version`, `deployment.track`). Not registered globally, so a test can run a baseline and
 * a canary shop, each with its own version, in one process.
 */
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface ShopTracingOptions {
  /** The OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:8080/v1/traces. */
  readonly endpoint: string;
  /** Sent with every export (Vigil wants `authorization: Bearer <token with traces:write>`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly version: string;
  readonly track: string;
  /** How long spans wait before export, in milliseconds (the SDK's default is 5000). */
  readonly exportDelayMs?: number;
}

export interface ShopTracing {
  readonly tracer: Tracer;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

export function startShopTracing(options: ShopTracingOptions): ShopTracing {
  const exporter = new OTLPTraceExporter({ url: options.endpoint, headers: { ...options.headers } });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'demo-shop',
      'service.version': options.version,
      'deployment.track': options.track,
    }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs ?? 5000 }),
    ],
  });
  return {
    tracer: provider.getTracer('demo-shop'),
    shutdown: () => provider.shutdown(),
  };
}
