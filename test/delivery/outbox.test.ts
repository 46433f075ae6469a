/** The outbox contract, on a real Redis and in memory. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryOutbox, type Outbox, type OutboxMessage } from '../../src/delivery/outbox.js';
import { createRedisOutbox, enqueueLua, outboxKeys } from '../../src/delivery/redis-outbox.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

function message(id: string): OutboxMessage {
  return {
    id,
    notifier: 'ci',
    event: 'verdict',
    deploymentId: id.split('.')[0] ?? id,
    body: `{"id":"${id}"}`,
    createdAt: '2026-11-28T10:00:00.000Z',
  };
}

let prefixes = 0;
const implementations: [
  string,
  () => { outbox: Outbox; enqueue: (messages: OutboxMessage[], nowMs: number) => Promise<void> },
][] = [
  [
    'memory',
    () => {
      const outbox = createMemoryOutbox();
      return { outbox, enqueue: (messages, nowMs) => Promise.resolve(outbox.enqueue(messages, nowMs)) };
    },
  ],
  [
    'redis',
    () => {
      const prefix = `outbox-${(prefixes += 1)}:`;
      const keys = outboxKeys(prefix);
      return {
        outbox: createRedisOutbox(redis, prefix),
        // What the verification store's decide script runs.
        enqueue: async (messages, nowMs) => {
          await redis.eval(
            enqueueLua(1, 2, 1),
            3,
            keys.due,
            keys.messages,
            keys.attempts,
            String(nowMs),
            ...messages.flatMap((m) => [m.id, JSON.stringify(m)]),
          );
        },
      };
    },
  ],
];

describe.each(implementations)('outbox (%s)', (_, create) => {
  it('hands out due messages once per lease, counting attempts; completes them', async () => {
    const { outbox, enqueue } = create();
    await enqueue([message('d1.verdict.ci'), message('d2.verdict.ci')], 1000);
    await enqueue([message('d1.verdict.ci')], 1000); // enqueued twice: still one
    expect(await outbox.claim(999, 10, 5000)).toEqual([]);
    const claimed = await outbox.claim(1000, 10, 5000);
    expect(claimed.map((m) => [m.id, m.attempts, m.body])).toEqual([
      ['d1.verdict.ci', 1, '{"id":"d1.verdict.ci"}'],
      ['d2.verdict.ci', 1, '{"id":"d2.verdict.ci"}'],
    ]);
    expect(await outbox.claim(2000, 10, 5000)).toEqual([]); // leased
    await outbox.complete('d1.verdict.ci');
    // The lease of d2 ran out (its daemon died): claimed again, second attempt.
    expect((await outbox.claim(6000, 10, 5000)).map((m) => [m.id, m.attempts])).toEqual([
      ['d2.verdict.ci', 2],
    ]);
    expect(await outbox.counts()).toEqual({ pending: 1, dead: 0 });
  });

  it('retries when asked, buries after the last attempt, and redelivers a dead letter', async () => {
    const { outbox, enqueue } = create();
    await enqueue([message('d3.verdict.ci')], 0);
    await outbox.claim(0, 10, 1000);
    await outbox.retry('d3.verdict.ci', 500, 'attempt 1 to ci: HTTP 503');
    const again = await outbox.claim(500, 10, 1000);
    expect(again.map((m) => [m.attempts, m.lastError])).toEqual([[2, 'attempt 1 to ci: HTTP 503']]);
    await outbox.bury('d3.verdict.ci', 'attempt 2 to ci: HTTP 503', Date.parse('2026-11-28T10:05:00Z'));
    expect(await outbox.claim(10_000, 10, 1000)).toEqual([]);
    expect(await outbox.dead(10)).toEqual([
      expect.objectContaining({
        id: 'd3.verdict.ci',
        attempts: 2,
        lastError: 'attempt 2 to ci: HTTP 503',
        deadAt: '2026-11-28T10:05:00.000Z',
      }),
    ]);
    expect(await outbox.redeliver('nope', 0)).toBe(false);
    expect(await outbox.redeliver('d3.verdict.ci', 20_000)).toBe(true);
    expect(await outbox.dead(10)).toEqual([]);
    expect((await outbox.claim(20_000, 10, 1000)).map((m) => [m.id, m.attempts])).toEqual([
      ['d3.verdict.ci', 1],
    ]);
  });

  it('leaves no dead letter when a message was completed first (a lease ran out mid-attempt)', async () => {
    const { outbox, enqueue } = create();
    await enqueue([message('d4.verdict.ci')], 0);
    await outbox.claim(0, 10, 1000);
    await outbox.claim(2000, 10, 1000); // another daemon, after the lease
    await outbox.complete('d4.verdict.ci'); // it delivered
    await outbox.bury('d4.verdict.ci', 'attempt 1 to ci: timeout', 3000); // the first one gives up late
    expect(await outbox.counts()).toEqual({ pending: 0, dead: 0 });
    expect(await outbox.redeliver('d4.verdict.ci', 4000)).toBe(false);
    expect(await outbox.claim(5000, 10, 1000)).toEqual([]);
  });
});

describe('outbox on Redis with damaged entries', () => {
  it('drops a due id without its message and dead-letters an unreadable one, delivering the rest', async () => {
    const prefix = 'outbox-damaged:';
    const keys = outboxKeys(prefix);
    const outbox = createRedisOutbox(redis, prefix);
    await redis.eval(
      enqueueLua(1, 2, 1),
      3,
      keys.due,
      keys.messages,
      keys.attempts,
      '0',
      'ok.verdict.ci',
      JSON.stringify(message('ok.verdict.ci')),
    );
    await redis.zadd(keys.due, 0, 'orphan');
    await redis.zadd(keys.due, 0, 'garbled');
    await redis.hset(keys.messages, 'garbled', '{not json');
    const claimed = await outbox.claim(10, 10, 1000);
    expect(claimed.map((m) => m.id)).toEqual(['ok.verdict.ci']);
    expect(await redis.zscore(keys.due, 'orphan')).toBeNull();
    expect(await redis.zscore(keys.dead, 'garbled')).not.toBeNull();
  });
});
