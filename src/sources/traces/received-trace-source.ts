/**
 * The trace source of the embedded OTLP receiver: reads the summaries this daemon's receiver keeps.
 */
import type { TraceSource } from './trace-source.js';
import type { TraceSummaries } from './trace-summaries.js';

export function createReceivedTraceSource(summaries: TraceSummaries): TraceSource {
  return {
    operations: (query) => Promise.resolve(summaries.operations(query)),
    exemplar: (id) => Promise.resolve(summaries.exemplar(id)),
  };
}
