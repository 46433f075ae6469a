/**
 * The exemplar traces a backend adapter has handed out ids for, bounded: the oldest go first.
 * Ids name the trace (`jaeger-<trace id>`), so the same trace read by several queries (the
 * interval and the analysis so far) is kept once. Shared by the Jaeger and Tempo adapters.
 */

export const DEFAULT_MAX_EXEMPLARS = 500;

export class ExemplarStore {
  private readonly traces = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly prefix: string,
    private readonly maxExemplars: number = DEFAULT_MAX_EXEMPLARS,
  ) {}

  /** Keeps `trace` (OTLP/JSON) as the newest exemplar and returns its id. */
  keep(traceId: string, trace: Record<string, unknown>): string {
    const id = `${this.prefix}-${traceId}`;
    this.traces.delete(id);
    this.traces.set(id, trace);
    while (this.traces.size > this.maxExemplars) {
      this.traces.delete(this.traces.keys().next().value as string);
    }
    return id;
  }

  get(id: string): Record<string, unknown> | undefined {
    return this.traces.get(id);
  }

  get size(): number {
    return this.traces.size;
  }
}
