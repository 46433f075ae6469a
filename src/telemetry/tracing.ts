/**
 * The daemon's own traces via the OpenTelemetry Node SDK: one trace per analysis step, a span per
 * backend query. Exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_TRACES_EXPORTER) is set; otherwise spans are created and dropped.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Starts tracing; returns a function that flushes and stops it. */
export function startTracing(
  environment: Readonly<Record<string, string | undefined>>,
  exporter?: SpanExporter,
): () => Promise<void> {
  const exporting =
    exporter !== undefined ||
    environment['OTEL_EXPORTER_OTLP_ENDPOINT'] !== undefined ||
    environment['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] !== undefined ||
    (environment['OTEL_TRACES_EXPORTER'] !== undefined && environment['OTEL_TRACES_EXPORTER'] !== 'none');
  if (!exporting) return () => Promise.resolve();
  const sdk = new NodeSDK({
    serviceName: environment['OTEL_SERVICE_NAME'] ?? 'vigil',
    ...(exporter !== undefined && { traceExporter: exporter }),
    instrumentations: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
