/**
 * What the embedded OTLP receiver keeps instead of spans: per (service, version, kind, operation)
 * and per time bucket, the request and error counts, a latency sketch (DDSketch: quantiles within
 * 1% relative error, merged across buckets when an interval is read), the error signatures seen,
 * and one exemplar trace per new signature in a bucket.
 *
 * Memory is bounded whatever arrives: buckets older than the retention are pruned, and the number
 * of live cells (series × buckets), signatures per cell and exemplars are capped. A span that
 * would need a cell beyond the cap is dropped and counted by reason, never stored at the cost of
 * memory; exemplars beyond the cap replace the oldest.
 */
import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import type { ReceivedSpan, SpanKind } from './received-span.js';

export interface TraceSummaryLimits {
  /** Width of a time bucket: the finest window an interval can be read at. */
  readonly bucketSeconds: number;
  /** How long buckets are kept. */
  readonly retentionSeconds: number;
  /** Cells (one series in one bucket) alive at once. */
  readonly maxCells: number;
  /** Distinct error signatures counted per cell; more are counted under OTHER_SIGNATURE. */
  readonly maxSignaturesPerCell: number;
  /** Exemplar traces kept; the oldest go first. */
  readonly maxExemplars: number;
}

export const DEFAULT_TRACE_SUMMARY_LIMITS: TraceSummaryLimits = {
  bucketSeconds: 10,
  retentionSeconds: 3600,
  maxCells: 20_000,
  maxSignaturesPerCell: 20,
  maxExemplars: 500,
};

/** Where signatures beyond a cell's cap are counted. */
export const OTHER_SIGNATURE = '(other signatures)';
/** Spans starting this far ahead of the clock are kept (clock skew between hosts). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const RELATIVE_ACCURACY = 0.01;
/** Bins per sketch: 1% accuracy over ~9 orders of magnitude before the lowest are merged. */
const SKETCH_BIN_LIMIT = 1024;

export type DropReason = 'cell-limit' | 'outside-retention';

export interface SignatureCount {
  readonly signature: string;
  readonly type: string;
  /** The message of the first occurrence, as sent. */
  readonly message: string;
  readonly count: number;
  /** Ids of exemplar traces kept for this signature (see `exemplar`), oldest first. */
  readonly exemplarIds: readonly string[];
}

export interface OperationSummary {
  readonly service: string;
  readonly version: string;
  readonly kind: SpanKind;
  readonly operation: string;
  readonly requests: number;
  readonly errors: number;
  /** Durations in milliseconds, merged over the window. */
  readonly latency: LogCollapsingLowestDenseDDSketch;
  readonly signatures: readonly SignatureCount[];
}

export interface SummaryQuery {
  readonly service: string;
  readonly version: string;
  /** Window [fromMs, toMs); buckets are counted when they start inside it. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Only these span kinds (all when absent). */
  readonly kinds?: readonly SpanKind[];
}

export interface AddResult {
  readonly kept: number;
  readonly dropped: Readonly<Partial<Record<DropReason, number>>>;
}

interface SignatureCell {
  readonly type: string;
  readonly message: string;
  count: number;
  exemplarId: string | undefined;
}

interface Cell {
  requests: number;
  errors: number;
  readonly latency: LogCollapsingLowestDenseDDSketch;
  readonly signatures: Map<string, SignatureCell>;
}

interface Series {
  readonly service: string;
  readonly version: string;
  readonly kind: SpanKind;
  readonly operation: string;
  readonly buckets: Map<number, Cell>;
}

/** Bounded per-operation summaries of received spans. `now` is injected so tests set the clock. */
export class TraceSummaries {
  private readonly series = new Map<string, Series>();
  /** service → version → series of that pair. */
  private readonly byRelease = new Map<string, Map<string, Set<Series>>>();
  private readonly exemplars = new Map<string, Record<string, unknown>>();
  private cells = 0;
  private exemplarCounter = 0;
  private prunedUpTo = -Infinity;
  private readonly bucketMs: number;
  private readonly droppedTotals: Record<DropReason, number> = { 'cell-limit': 0, 'outside-retention': 0 };

  constructor(
    private readonly limits: TraceSummaryLimits = DEFAULT_TRACE_SUMMARY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = limits.bucketSeconds * 1000;
  }

  /**
   * Adds a batch. `exemplarOf(traceId)` gives the trace as OTLP/JSON; it is called only when a
   * signature first appears in a cell.
   */
  add(spans: readonly ReceivedSpan[], exemplarOf: (traceId: string) => Record<string, unknown>): AddResult {
    const nowMs = this.now();
    this.prune(nowMs);
    const oldest = nowMs - this.limits.retentionSeconds * 1000;
    const newest = nowMs + FUTURE_TOLERANCE_MS;
    const dropped: Partial<Record<DropReason, number>> = {};
    const drop = (reason: DropReason): void => {
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      this.droppedTotals[reason] += 1;
    };
    let kept = 0;
    for (const span of spans) {
      if (span.startMs < oldest || span.startMs > newest) {
        drop('outside-retention');
        continue;
      }
      const cell = this.cellFor(span, Math.floor(span.startMs / this.bucketMs));
      if (cell === undefined) {
        drop('cell-limit');
        continue;
      }
      cell.requests += 1;
      cell.latency.accept(Math.max(0, span.durationMs));
      if (span.error !== undefined) {
        cell.errors += 1;
        this.countSignature(cell, span, exemplarOf);
      }
      kept += 1;
    }
    return { kept, dropped };
  }

  /** Summaries of every operation of one release over a window, busiest first. */
  operations(query: SummaryQuery): OperationSummary[] {
    const firstBucket = Math.ceil(query.fromMs / this.bucketMs);
    const endBucket = Math.ceil(query.toMs / this.bucketMs);
    const result: OperationSummary[] = [];
    for (const series of this.byRelease.get(query.service)?.get(query.version) ?? []) {
      if (query.kinds !== undefined && !query.kinds.includes(series.kind)) continue;
      const latency = newSketch();
      const signatures = new Map<
        string,
        { type: string; message: string; count: number; exemplarIds: string[] }
      >();
      let requests = 0;
      let errors = 0;
      for (const [bucket, cell] of series.buckets) {
        if (bucket < firstBucket || bucket >= endBucket) continue;
        requests += cell.requests;
        errors += cell.errors;
        latency.merge(cell.latency);
        for (const [signature, counted] of cell.signatures) {
          let total = signatures.get(signature);
          if (total === undefined) {
            total = { type: counted.type, message: counted.message, count: 0, exemplarIds: [] };
            signatures.set(signature, total);
          }
          total.count += counted.count;
          if (counted.exemplarId !== undefined && this.exemplars.has(counted.exemplarId))
            total.exemplarIds.push(counted.exemplarId);
        }
      }
      if (requests === 0) continue;
      result.push({
        service: series.service,
        version: series.version,
        kind: series.kind,
        operation: series.operation,
        requests,
        errors,
        latency,
        signatures: [...signatures].map(([signature, total]) => ({ signature, ...total })),
      });
    }
    return result.sort((a, b) => b.requests - a.requests || a.operation.localeCompare(b.operation));
  }

  /** An exemplar trace (OTLP/JSON) by id, while it is kept. */
  exemplar(id: string): Record<string, unknown> | undefined {
    return this.exemplars.get(id);
  }

  /** Live cells and exemplars, and spans dropped since start by reason. */
  stats(): {
    cells: number;
    series: number;
    exemplars: number;
    dropped: Readonly<Record<DropReason, number>>;
  } {
    return {
      cells: this.cells,
      series: this.series.size,
      exemplars: this.exemplars.size,
      dropped: { ...this.droppedTotals },
    };
  }

  private cellFor(span: ReceivedSpan, bucket: number): Cell | undefined {
    const key = `${span.service}\u0000${span.version}\u0000${span.kind}\u0000${span.operation}`;
    let series = this.series.get(key);
    const existing = series?.buckets.get(bucket);
    if (existing !== undefined) return existing;
    if (this.cells >= this.limits.maxCells) return undefined;
    if (series === undefined) {
      series = {
        service: span.service,
        version: span.version,
        kind: span.kind,
        operation: span.operation,
        buckets: new Map<number, Cell>(),
      };
      this.series.set(key, series);
      let versions = this.byRelease.get(span.service);
      if (versions === undefined)
        this.byRelease.set(span.service, (versions = new Map<string, Set<Series>>()));
      let releaseSeries = versions.get(span.version);
      if (releaseSeries === undefined) versions.set(span.version, (releaseSeries = new Set<Series>()));
      releaseSeries.add(series);
    }
    const cell: Cell = { requests: 0, errors: 0, latency: newSketch(), signatures: new Map() };
    series.buckets.set(bucket, cell);
    this.cells += 1;
    return cell;
  }

  private countSignature(
    cell: Cell,
    span: ReceivedSpan,
    exemplarOf: (traceId: string) => Record<string, unknown>,
  ): void {
    const error = span.error!;
    const known = cell.signatures.get(error.signature);
    if (known !== undefined) {
      known.count += 1;
      return;
    }
    if (cell.signatures.size >= this.limits.maxSignaturesPerCell) {
      const other = cell.signatures.get(OTHER_SIGNATURE);
      if (other !== undefined) other.count += 1;
      else cell.signatures.set(OTHER_SIGNATURE, { type: '', message: '', count: 1, exemplarId: undefined });
      return;
    }
    cell.signatures.set(error.signature, {
      type: error.type,
      message: error.message,
      count: 1,
      exemplarId: this.keepExemplar(exemplarOf(span.traceId)),
    });
  }

  private keepExemplar(trace: Record<string, unknown>): string | undefined {
    if (this.limits.maxExemplars <= 0) return undefined;
    if (this.exemplars.size >= this.limits.maxExemplars) {
      this.exemplars.delete(this.exemplars.keys().next().value as string);
    }
    this.exemplarCounter += 1;
    const id = `ex-${this.exemplarCounter}`;
    this.exemplars.set(id, trace);
    return id;
  }

  /** Drops buckets past the retention; at most once per bucket width. */
  private prune(nowMs: number): void {
    const firstKept = Math.floor((nowMs - this.limits.retentionSeconds * 1000) / this.bucketMs);
    if (firstKept <= this.prunedUpTo) return;
    this.prunedUpTo = firstKept;
    for (const [key, series] of this.series) {
      for (const bucket of series.buckets.keys()) {
        if (bucket < firstKept) {
          series.buckets.delete(bucket);
          this.cells -= 1;
        }
      }
      if (series.buckets.size === 0) {
        this.series.delete(key);
        const versions = this.byRelease.get(series.service);
        const releaseSeries = versions?.get(series.version);
        releaseSeries?.delete(series);
        if (releaseSeries?.size === 0) versions?.delete(series.version);
        if (versions?.size === 0) this.byRelease.delete(series.service);
      }
    }
  }
}

function newSketch(): LogCollapsingLowestDenseDDSketch {
  return new LogCollapsingLowestDenseDDSketch({
    relativeAccuracy: RELATIVE_ACCURACY,
    binLimit: SKETCH_BIN_LIMIT,
  });
}
