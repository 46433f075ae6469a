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
  readonly series: Series;
  readonly bucket: number;
  /** Bumped by every span added: a flush is acknowledged only for the version it read. */
  version: number;
}

/** One cell as it stands, for sharing beyond this process (shared/redis-trace-store.ts). */
export interface CellSnapshot {
  readonly service: string;
  readonly version: string;
  readonly kind: SpanKind;
  readonly operation: string;
  /** Bucket number: start time ÷ bucket width. */
  readonly bucket: number;
  readonly requests: number;
  readonly errors: number;
  /** The DDSketch as its protobuf (serialised at once: a copy of the sketch would cost more). */
  readonly latencyProto: Uint8Array;
  readonly signatures: readonly {
    readonly signature: string;
    readonly type: string;
    readonly message: string;
    readonly count: number;
    readonly exemplarId?: string;
  }[];
}

/** Cells and exemplars changed since the last acknowledged flush. */
export interface ChangedSummaries {
  readonly cells: readonly CellSnapshot[];
  readonly exemplars: readonly (readonly [string, Record<string, unknown>])[];
  /** Hand back to `acknowledge` once stored. */
  readonly token: { readonly cells: ReadonlyMap<Cell, number>; readonly exemplars: readonly string[] };
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
  private readonly changedCells = new Set<Cell>();
  private readonly changedExemplars = new Set<string>();

  /**
   * `exemplarPrefix` makes exemplar ids unique among the daemons sharing summaries (each daemon
   * numbers its own).
   */
  constructor(
    private readonly limits: TraceSummaryLimits = DEFAULT_TRACE_SUMMARY_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly exemplarPrefix = 'ex',
  ) {
    this.bucketMs = limits.bucketSeconds * 1000;
  }

  /**
   * Up to `maxCells` cells (and every exemplar) changed since the last acknowledged flush; nothing
   * is cleared until `acknowledge`. The limit bounds a flush's memory under a flood of new
   * operations: the rest waits for the next flush.
   */
  changed(maxCells = Infinity): ChangedSummaries {
    const cells = new Map<Cell, number>();
    const snapshots: CellSnapshot[] = [];
    for (const cell of this.changedCells) {
      if (snapshots.length >= maxCells) break;
      cells.set(cell, cell.version);
      snapshots.push({
        service: cell.series.service,
        version: cell.series.version,
        kind: cell.series.kind,
        operation: cell.series.operation,
        bucket: cell.bucket,
        requests: cell.requests,
        errors: cell.errors,
        latencyProto: cell.latency.toProto(),
        signatures: [...cell.signatures].map(([signature, counted]) => ({
          signature,
          type: counted.type,
          message: counted.message,
          count: counted.count,
          ...(counted.exemplarId !== undefined && { exemplarId: counted.exemplarId }),
        })),
      });
    }
    const exemplars = [...this.changedExemplars].flatMap((id) => {
      const trace = this.exemplars.get(id);
      return trace === undefined ? [] : [[id, trace] as const];
    });
    return { cells: snapshots, exemplars, token: { cells, exemplars: [...this.changedExemplars] } };
  }

  /** Marks what `changed` returned as stored, unless a span changed a cell again since. */
  acknowledge(token: ChangedSummaries['token']): void {
    for (const [cell, version] of token.cells) if (cell.version === version) this.changedCells.delete(cell);
    for (const id of token.exemplars) this.changedExemplars.delete(id);
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
      cell.version += 1;
      this.changedCells.add(cell);
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
    const cells: CellView[] = [];
    for (const series of this.byRelease.get(query.service)?.get(query.version) ?? []) {
      if (query.kinds !== undefined && !query.kinds.includes(series.kind)) continue;
      for (const [bucket, cell] of series.buckets) {
        if (bucket < firstBucket || bucket >= endBucket) continue;
        cells.push({
          service: series.service,
          version: series.version,
          kind: series.kind,
          operation: series.operation,
          requests: cell.requests,
          errors: cell.errors,
          latency: cell.latency,
          signatures: [...cell.signatures].map(([signature, counted]) => ({ signature, ...counted })),
        });
      }
    }
    return mergeCells(cells, (id) => this.exemplars.has(id));
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
    const cell: Cell = {
      requests: 0,
      errors: 0,
      latency: newSketch(),
      signatures: new Map(),
      series,
      bucket,
      version: 0,
    };
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
      const oldest = this.exemplars.keys().next().value as string;
      this.exemplars.delete(oldest);
      this.changedExemplars.delete(oldest);
    }
    this.exemplarCounter += 1;
    const id = `${this.exemplarPrefix}-${this.exemplarCounter}`;
    this.exemplars.set(id, trace);
    this.changedExemplars.add(id);
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
          const cell = series.buckets.get(bucket);
          if (cell !== undefined) this.changedCells.delete(cell);
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

/** A cell's numbers, wherever it was kept (this process, or shared through Redis). */
export type CellView = Omit<CellSnapshot, 'bucket' | 'signatures' | 'latencyProto'> & {
  readonly latency: LogCollapsingLowestDenseDDSketch;
  readonly signatures: readonly {
    readonly signature: string;
    readonly type: string;
    readonly message: string;
    readonly count: number;
    readonly exemplarId?: string | undefined;
  }[];
};

/**
 * Cells added up per series (service, version, kind, operation) into operation summaries,
 * busiest first; exemplar ids are kept only while `exemplarKept` says the trace still is.
 */
export function mergeCells(
  cells: Iterable<CellView>,
  exemplarKept: (id: string) => boolean,
): OperationSummary[] {
  const bySeries = new Map<
    string,
    OperationSummary & { signatureTotals: Map<string, SignatureCount & { exemplarIds: string[] }> }
  >();
  for (const cell of cells) {
    const key = `${cell.service}\u0000${cell.version}\u0000${cell.kind}\u0000${cell.operation}`;
    let summary = bySeries.get(key);
    if (summary === undefined) {
      summary = {
        service: cell.service,
        version: cell.version,
        kind: cell.kind,
        operation: cell.operation,
        requests: 0,
        errors: 0,
        latency: newSketch(),
        signatures: [],
        signatureTotals: new Map(),
      };
      bySeries.set(key, summary);
    }
    (summary as { requests: number }).requests += cell.requests;
    (summary as { errors: number }).errors += cell.errors;
    summary.latency.merge(cell.latency);
    for (const counted of cell.signatures) {
      let total = summary.signatureTotals.get(counted.signature);
      if (total === undefined) {
        total = {
          signature: counted.signature,
          type: counted.type,
          message: counted.message,
          count: 0,
          exemplarIds: [],
        };
        summary.signatureTotals.set(counted.signature, total);
      }
      (total as { count: number }).count += counted.count;
      if (counted.exemplarId !== undefined && exemplarKept(counted.exemplarId))
        total.exemplarIds.push(counted.exemplarId);
    }
  }
  return [...bySeries.values()]
    .filter((summary) => summary.requests > 0)
    .map(({ signatureTotals, ...summary }) => ({ ...summary, signatures: [...signatureTotals.values()] }))
    .sort((a, b) => b.requests - a.requests || a.operation.localeCompare(b.operation));
}

/** An empty latency sketch with the receiver's accuracy (what every cell's sketch merges into). */
export function newSketch(): LogCollapsingLowestDenseDDSketch {
  return new LogCollapsingLowestDenseDDSketch({
    relativeAccuracy: RELATIVE_ACCURACY,
    binLimit: SKETCH_BIN_LIMIT,
  });
}
