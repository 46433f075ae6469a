import { describe, expect, it } from 'vitest';
import { spanError } from '../../../src/sources/traces/error-signature.js';
import type { ReceivedSpan } from '../../../src/sources/traces/received-span.js';
import {
  DEFAULT_TRACE_SUMMARY_LIMITS,
  OTHER_SIGNATURE,
  TraceSummaries,
  type TraceSummaryLimits,
} from '../../../src/sources/traces/trace-summaries.js';

const NOW = Date.UTC(2026, 10, 28, 8, 0, 0);

function span(overrides: Partial<ReceivedSpan> = {}): ReceivedSpan {
  return {
    service: 'shop',
    version: 'v2',
    operation: 'GET /products',
    kind: 'server',
    startMs: NOW - 5000,
    durationMs: 10,
    error: undefined,
    traceId: 'a'.repeat(32),
    ...overrides,
  };
}

function summaries(limits: Partial<TraceSummaryLimits> = {}, clock = { now: NOW }) {
  return new TraceSummaries({ ...DEFAULT_TRACE_SUMMARY_LIMITS, ...limits }, () => clock.now);
}

const exemplarOf = (traceId: string) => ({ resourceSpans: [], traceId });
const WINDOW = { service: 'shop', version: 'v2', fromMs: NOW - 60_000, toMs: NOW };

describe('TraceSummaries', () => {
  it('counts requests and errors per operation and gives latency quantiles within 1%', () => {
    const store = summaries();
    const spans = Array.from({ length: 1000 }, (_, i) =>
      span({ durationMs: i + 1, ...(i % 10 === 0 && { error: spanError('TimeoutError', `after ${i} ms`) }) }),
    );
    expect(store.add(spans, exemplarOf)).toEqual({ kept: 1000, dropped: {} });
    const [products] = store.operations(WINDOW);
    expect(products).toMatchObject({
      operation: 'GET /products',
      kind: 'server',
      requests: 1000,
      errors: 100,
    });
    const median = products!.latency.getValueAtQuantile(0.5);
    expect(Math.abs(median - 500) / 500).toBeLessThanOrEqual(0.01);
    expect(Math.abs(products!.latency.getValueAtQuantile(0.99) - 990) / 990).toBeLessThanOrEqual(0.01);
    expect(products!.signatures).toEqual([
      {
        signature: 'TimeoutError: after <n> ms',
        type: 'TimeoutError',
        message: 'after 0 ms',
        count: 100,
        exemplarIds: ['ex-1'],
      },
    ]);
    expect(store.exemplar('ex-1')).toEqual({ resourceSpans: [], traceId: 'a'.repeat(32) });
  });

  it('keeps releases, kinds and windows apart', () => {
    const store = summaries({ bucketSeconds: 10 });
    store.add(
      [
        span(),
        span({ version: 'v1' }),
        span({ kind: 'client', operation: 'SELECT' }),
        span({ startMs: NOW - 30_000 }),
      ],
      exemplarOf,
    );
    expect(store.operations({ ...WINDOW, kinds: ['server'] }).map((o) => [o.operation, o.requests])).toEqual([
      ['GET /products', 2],
    ]);
    expect(store.operations({ ...WINDOW, fromMs: NOW - 20_000 }).map((o) => o.requests)).toEqual([1, 1]);
    expect(store.operations({ ...WINDOW, version: 'v1' })).toHaveLength(1);
    expect(store.operations({ ...WINDOW, service: 'cart' })).toEqual([]);
  });

  it('drops and counts what would exceed its cells, and keeps what it has', () => {
    const store = summaries({ maxCells: 3 });
    const first = store.add(
      ['a', 'b', 'c', 'd', 'e'].map((operation) => span({ operation })),
      exemplarOf,
    );
    expect(first).toEqual({ kept: 3, dropped: { 'cell-limit': 2 } });
    // Existing cells still count; new ones are still refused.
    expect(store.add([span({ operation: 'a' }), span({ operation: 'z' })], exemplarOf)).toEqual({
      kept: 1,
      dropped: { 'cell-limit': 1 },
    });
    expect(store.operations(WINDOW).map((o) => [o.operation, o.requests])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    expect(store.stats()).toMatchObject({ cells: 3, dropped: { 'cell-limit': 3, 'outside-retention': 0 } });
  });

  it('prunes buckets past the retention, freeing their cells', () => {
    const clock = { now: NOW };
    const store = summaries({ retentionSeconds: 60, maxCells: 2 }, clock);
    store.add([span({ operation: 'old' }), span({ operation: 'older' })], exemplarOf);
    expect(store.add([span({ operation: 'new', startMs: NOW })], exemplarOf).dropped).toEqual({
      'cell-limit': 1,
    });
    clock.now = NOW + 120_000;
    expect(store.add([span({ operation: 'new', startMs: clock.now - 1000 })], exemplarOf).kept).toBe(1);
    expect(store.stats()).toMatchObject({ cells: 1, series: 1 });
    expect(store.add([span({ startMs: NOW - 10 * 60_000 })], exemplarOf).dropped).toEqual({
      'outside-retention': 1,
    });
  });

  it('caps signatures per cell and exemplars overall', () => {
    const store = summaries({ maxSignaturesPerCell: 2, maxExemplars: 2 });
    store.add(
      ['A', 'B', 'C', 'D'].map((type, i) =>
        span({ error: spanError(type, 'x'), traceId: String(i).repeat(32) }),
      ),
      exemplarOf,
    );
    const [operation] = store.operations(WINDOW);
    expect(operation!.signatures.map((s) => [s.signature, s.count, s.exemplarIds.length])).toEqual([
      ['A: x', 1, 1],
      ['B: x', 1, 1],
      [OTHER_SIGNATURE, 2, 0],
    ]);
    store.add([span({ error: spanError('E', 'y'), operation: 'other' })], exemplarOf);
    expect(store.stats().exemplars).toBe(2);
    // The oldest exemplar went; its signature no longer lists it.
    expect(
      store.operations(WINDOW).find((o) => o.operation === 'GET /products')!.signatures[0]!.exemplarIds,
    ).toEqual([]);
  });
});
