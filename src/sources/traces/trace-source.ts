/**
 * Port: per-operation span summaries of one release over a window, and the exemplar traces they
 * point at. The embedded OTLP receiver is one implementation (received-trace-source.ts); a trace
 * backend queried over HTTP is another. Sources summarise and never judge.
 */
import type { OperationSummary, SummaryQuery } from './trace-summaries.js';

export interface TraceSource {
  /** Every operation of `query.service` at `query.version` with spans in the window, busiest first. */
  operations(query: SummaryQuery): Promise<readonly OperationSummary[]>;
  /** An exemplar trace as OTLP/JSON (`{resourceSpans: [...]}`), while the source keeps it. */
  exemplar(id: string): Promise<Record<string, unknown> | undefined>;
}
