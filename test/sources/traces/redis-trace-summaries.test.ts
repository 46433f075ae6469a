/**
 * Span summaries shared through a real Redis: two daemons' receivers each see part of a release's
 * spans, flush, and either daemon reads the whole.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanError } from '../../../src/sources/traces/error-signature.js';
import type { ReceivedSpan } from '../../../src/sources/traces/received-span.js';
import { createRedisTraceSummaries } from '../../../src/sources/traces/redis-trace-summaries.js';
import { DEFAULT_TRACE_SUMMARY_LIMITS, TraceSummaries } from '../../../src/sources/traces/trace-summaries.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';

const NOW = Date.UTC(2026, 10, 28, 8, 0, 0);
let server: RedisServer;
let redis: Redis;
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});

afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

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

/** Two daemons sharing one key prefix: each with its receiver's summaries and its Redis flusher. */
function twoDaemons() {
  const keyPrefix = `shared-${(prefixes += 1)}:`;
  return ['daemon-a', 'daemon-b'].map((daemonId) => ({
    summaries: new TraceSummaries(DEFAULT_TRACE_SUMMARY_LIMITS, () => NOW, daemonId),
    shared: createRedisTraceSummaries({
      redis,
      keyPrefix,
      bucketSeconds: 10,
      retentionSeconds: 3600,
      daemonId,
    }),
  }));
}

const exemplarOf = (traceId: string) => ({ resourceSpans: [{ traceId }] });
const WINDOW = { service: 'shop', version: 'v2', fromMs: NOW - 60_000, toMs: NOW };

describe('span summaries shared through Redis', () => {
  it('merges what every daemon received, counts and latency alike', async () => {
    const [a, b] = twoDaemons() as [
      ReturnType<typeof twoDaemons>[number],
      ReturnType<typeof twoDaemons>[number],
    ];
    a.summaries.add(
      Array.from({ length: 600 }, (_, i) => span({ durationMs: i + 1, startMs: NOW - 30_000 + i * 10 })),
      exemplarOf,
    );
    b.summaries.add(
      Array.from({ length: 400 }, (_, i) =>
        span({
          durationMs: 601 + i,
          ...(i < 40 && { error: spanError('TypeError', 'x is not a function') }),
        }),
      ),
      exemplarOf,
    );
    b.summaries.add(
      [span({ operation: 'GET /products', kind: 'client' }), span({ version: 'v1' })],
      exemplarOf,
    );
    expect(await a.shared.flush(a.summaries)).toBeGreaterThan(0);
    expect(await b.shared.flush(b.summaries)).toBeGreaterThan(0);

    const [products] = await a.shared.source.operations({ ...WINDOW, kinds: ['server'] });
    expect(products).toMatchObject({ operation: 'GET /products', requests: 1000, errors: 40 });
    expect(Math.abs((products?.latency.getValueAtQuantile(0.5) ?? 0) / 500 - 1)).toBeLessThan(0.02);
    expect(Math.abs((products?.latency.getValueAtQuantile(0.99) ?? 0) / 990 - 1)).toBeLessThan(0.02);
    // The signature's exemplar, kept by daemon b, is readable from daemon a.
    const [signature] = products?.signatures ?? [];
    expect(signature).toMatchObject({ signature: 'TypeError: x is not a function', count: 40 });
    expect(signature?.exemplarIds[0]).toMatch(/^daemon-b-/);
    expect(await a.shared.source.exemplar(signature?.exemplarIds[0] ?? '')).toEqual({
      resourceSpans: [{ traceId: 'a'.repeat(32) }],
    });
    // Kinds and versions stay apart.
    const all = await b.shared.source.operations(WINDOW);
    expect(all.map((o) => [o.kind, o.requests])).toEqual([
      ['server', 1000],
      ['client', 1],
    ]);
    expect((await b.shared.source.operations({ ...WINDOW, version: 'v1' }))[0]?.requests).toBe(1);
  });

  it('never counts a span twice, however often a daemon flushes; spans added meanwhile are flushed next', async () => {
    const [a] = twoDaemons();
    a!.summaries.add([span(), span()], exemplarOf);
    await a!.shared.flush(a!.summaries);
    expect(await a!.shared.flush(a!.summaries)).toBe(0);
    // Changed after being read for a flush whose answer is not in yet: stays to flush again.
    const pending = a!.summaries.changed();
    a!.summaries.add([span()], exemplarOf);
    a!.summaries.acknowledge(pending.token);
    expect(await a!.shared.flush(a!.summaries)).toBe(1);
    expect((await a!.shared.source.operations(WINDOW))[0]?.requests).toBe(3);
  });

  it('fails a read of a damaged cell, naming where it is, rather than judge on it', async () => {
    const [a] = twoDaemons();
    a!.summaries.add([span()], exemplarOf);
    await a!.shared.flush(a!.summaries);
    const [key] = await redis.keys(`shared-${prefixes}:traces:cells:*`);
    const fields = await redis.hkeys(key!);
    await redis.hset(key!, fields[0]!, '{"s":"shop","v":"v2","k":"server","o":"GET /products","r":1,"e":2}');
    await expect(a!.shared.source.operations(WINDOW)).rejects.toThrow(
      /^shared trace summaries: shared-\d+:traces:cells:[0-9a-f]+:\d+ daemon-a server GET \/products: requests and errors must be counts, errors at most requests$/,
    );
  });
});

describe('flushing under a flood of new operations', () => {
  it('writes at most 2,000 cells a flush, the rest on the next ones, none lost', async () => {
    const [a] = twoDaemons();
    a!.summaries.add(
      Array.from({ length: 4500 }, (_, i) => span({ operation: `GET /item/${i}` })),
      exemplarOf,
    );
    expect(await a!.shared.flush(a!.summaries)).toBe(2000);
    expect(await a!.shared.flush(a!.summaries)).toBe(2000);
    expect(await a!.shared.flush(a!.summaries)).toBe(500);
    expect(await a!.shared.flush(a!.summaries)).toBe(0);
    expect(await a!.shared.source.operations(WINDOW)).toHaveLength(4500);
  });
});
