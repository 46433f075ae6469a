/**
 * The Redis verification store against a real redis-server started for this file: the shared
 * contract, then what only Redis can do wrong (foreign values, lost scripts, a dead server).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { valuesFromHistogram } from '../../src/analysis/histogram-values.js';
import { judgeInterval } from '../../src/analysis/judge/judge-interval.js';
import type { HistogramCounters } from '../../src/analysis/observations.js';
import {
  createRedisVerificationStore,
  type RedisVerificationStore,
} from '../../src/store/redis-verification-store.js';
import { StoreError, type StoreErrorCode } from '../../src/store/store-error.js';
import { freePort } from '../support/free-port.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import {
  ruleSet,
  sampleJudgeState,
  sampleStep,
  sampleVerdict,
  sampleVerification,
} from './sample-verification.js';
import {
  describeVerificationStoreContract,
  type StoreSetupOptions,
  type StoreUnderTest,
} from './verification-store-contract.js';

let server: RedisServer;
const filePrefix = `vigil-test:${randomUUID()}:`;
let testCount = 0;

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server.stop();
});

/** Deletes every key under `prefix` (they are all the store writes). */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

interface RedisStoreUnderTest extends StoreUnderTest {
  readonly store: RedisVerificationStore;
  readonly redis: Redis;
  readonly prefix: string;
}

/** A store on its own connection and prefix; peers get connections of their own. */
function setup(options: StoreSetupOptions = {}): Promise<RedisStoreUnderTest> {
  testCount += 1;
  const prefix = `${filePrefix}${testCount}:`;
  const connections: Redis[] = [];
  const stores: RedisVerificationStore[] = [];
  const open = () => {
    const redis = new Redis(server.url, { lazyConnect: false });
    connections.push(redis);
    const store = createRedisVerificationStore({ redis, keyPrefix: prefix, ...options });
    stores.push(store);
    return { redis, store };
  };
  const main = open();
  return Promise.resolve({
    ...main,
    prefix,
    peers: (count) => Promise.resolve(Array.from({ length: count }, () => open().store)),
    dispose: async () => {
      for (const store of stores) await store.close();
      await deleteKeys(main.redis, prefix);
      await Promise.all(connections.map((redis) => redis.quit()));
    },
  });
}

describeVerificationStoreContract('redis store', setup);

async function codeOf(promise: Promise<unknown>): Promise<StoreErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return (error as StoreError).code;
  }
}

describe('redis store', () => {
  let subject: RedisStoreUnderTest;
  beforeEach(async () => {
    subject = await setup();
    await subject.store.create(sampleVerification({ id: 'dep-1' }), sampleJudgeState());
  });
  afterEach(async () => {
    await subject.dispose();
  });
  const recordKey = () => `${subject.prefix}verification:dep-1`;

  it('keeps every key under its prefix', async () => {
    await subject.store.saveStep('dep-1', sampleStep(sampleJudgeState()));
    await subject.store.appendEvidence('dep-1', { interval: 1, recordedAt: '2026-01-01T00:01:00Z' });
    await subject.store.decide('dep-1', sampleVerdict('promote'));
    for (const key of await subject.redis.keys('*')) expect(key.startsWith(filePrefix)).toBe(true);
    expect((await subject.redis.keys(`${subject.prefix}*`)).sort()).toEqual(
      [
        'evidence:dep-1',
        'index:all',
        'index:environment:production',
        'index:service-environment:checkout:production',
        'index:service:checkout',
        'index:status:promote',
        'index:timeline',
        'judge-state:dep-1',
        'verification:dep-1',
      ].map((key) => `${subject.prefix}${key}`),
    );
  });

  it('stores a histogram KHI as its counters, not one value per request, and refuses broken counters', async () => {
    const counters: HistogramCounters = {
      le: [0.1, 1, '+Inf'],
      counts: [3000, 5000, 5000],
      maxValues: 200_000,
    };
    const judged = judgeInterval(ruleSet, sampleJudgeState(), {
      khis: {
        'error-rate': { baseline: { events: 1, total: 1000 }, canary: { events: 1, total: 1000 } },
        latency: {
          baseline: { values: valuesFromHistogram(counters), histogram: counters },
          canary: { values: valuesFromHistogram(counters), histogram: counters },
        },
      },
    });
    const step = {
      expectedIntervalsJudged: 0,
      intervalsJudged: 1,
      failedSteps: 0,
      judgeState: judged.state,
      lastJudgement: judged.judgement,
    };
    expect(await subject.store.saveStep('dep-1', step)).toBe(true);
    const key = `${subject.prefix}judge-state:dep-1`;
    const stored = (await subject.redis.get(key)) ?? '';
    // 10,000 values would take ~70 KB; the counters take a few hundred bytes.
    expect(stored.length).toBeLessThan(5000);
    const parsed = JSON.parse(stored) as { khis: Record<string, { canary: { values?: unknown } }> };
    expect(parsed.khis['latency']?.canary.values).toBeUndefined();
    expect(await subject.store.getJudgeState('dep-1')).toEqual(judged.state);
    await subject.redis.set(key, stored.replace('"maxValues":200000', '"maxValues":-1'));
    await expect(subject.store.getJudgeState('dep-1')).rejects.toThrow(
      /latency baseline histograms\[0\] maxValues/,
    );
  });

  it.each([
    ['an unknown status', 'status', 'exploded'],
    ['a marker that is not JSON', 'marker', '{"id":'],
    ['a marker of another shape', 'marker', '{"id":"dep-1","startedAt":"2026-01-01T00:00:00Z"}'],
    ['a negative count', 'intervalsJudged', '-1'],
    ['an unknown record format', 'format', '99'],
    ['a verdict on a pending record', 'verdict', JSON.stringify(sampleVerdict('promote'))],
  ])('reports %s as CORRUPT_RECORD', async (_, field, value) => {
    await subject.redis.hset(recordKey(), field, value);
    expect(await codeOf(subject.store.get('dep-1'))).toBe('CORRUPT_RECORD');
    expect(await codeOf(subject.store.list({ limit: 10 }))).toBe('CORRUPT_RECORD');
  });

  it('reports a record with a missing field as CORRUPT_RECORD', async () => {
    await subject.redis.hdel(recordKey(), 'createdAt');
    expect(await codeOf(subject.store.get('dep-1'))).toBe('CORRUPT_RECORD');
  });

  it('reports a foreign value under a store key as CORRUPT_RECORD, and leaves it alone', async () => {
    await subject.redis.del(recordKey());
    await subject.redis.set(recordKey(), 'not a hash');
    expect(await codeOf(subject.store.get('dep-1'))).toBe('CORRUPT_RECORD');
    expect(await codeOf(subject.store.create(sampleVerification({ id: 'dep-1' }), sampleJudgeState()))).toBe(
      'CORRUPT_RECORD',
    );
    expect(await codeOf(subject.store.decide('dep-1', sampleVerdict('aborted')))).toBe('CORRUPT_RECORD');
    expect(await subject.redis.get(recordKey())).toBe('not a hash');
  });

  it('refuses to step or decide a record with a corrupt status, changing nothing', async () => {
    await subject.redis.hset(recordKey(), 'status', 'exploded');
    expect(await codeOf(subject.store.saveStep('dep-1', sampleStep(sampleJudgeState())))).toBe(
      'CORRUPT_RECORD',
    );
    expect(await codeOf(subject.store.decide('dep-1', sampleVerdict('aborted')))).toBe('CORRUPT_RECORD');
    expect(await subject.redis.hget(recordKey(), 'status')).toBe('exploded');
    expect(await subject.redis.hget(recordKey(), 'verdict')).toBe('null');
  });

  it('reports a foreign judge state, evidence entry or evidence key as CORRUPT_RECORD', async () => {
    await subject.redis.set(`${subject.prefix}judge-state:dep-1`, '{"khis":[]}');
    expect(await codeOf(subject.store.getJudgeState('dep-1'))).toBe('CORRUPT_RECORD');
    await subject.redis.rpush(`${subject.prefix}evidence:dep-1`, 'garbage');
    expect(await codeOf(subject.store.listEvidence('dep-1'))).toBe('CORRUPT_RECORD');
    await subject.redis.del(`${subject.prefix}evidence:dep-1`);
    await subject.redis.set(`${subject.prefix}evidence:dep-1`, 'a string');
    expect(
      await codeOf(
        subject.store.appendEvidence('dep-1', { interval: 1, recordedAt: '2026-01-01T00:01:00Z' }),
      ),
    ).toBe('CORRUPT_RECORD');
  });

  it('skips index entries whose record is gone', async () => {
    await subject.store.create(
      sampleVerification({ id: 'dep-2', createdAt: '2026-01-01T00:01:00Z' }),
      sampleJudgeState(),
    );
    await subject.redis.del(recordKey());
    expect((await subject.store.list({ limit: 10 })).items.map((item) => item.id)).toEqual(['dep-2']);
  });

  it('reloads its scripts after Redis forgot them', async () => {
    await subject.redis.script('FLUSH');
    expect(await subject.store.saveStep('dep-1', sampleStep(sampleJudgeState()))).toBe(true);
    expect(await subject.store.decide('dep-1', sampleVerdict('promote'))).toBe(true);
  });

  it('wakes a waiter on one daemon when another daemon decides', async () => {
    const [other] = await subject.peers(1);
    const waiting = subject.store.waitForDecision('dep-1', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await other?.decide('dep-1', sampleVerdict('rollback'))).toBe(true);
    expect(await waiting).toMatchObject({ status: 'rollback' });
  });

  it('still wakes a waiter whose decision message was lost while its subscriber reconnected', async () => {
    const waiting = subject.store.waitForDecision('dep-1', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    expect(await subject.redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBeGreaterThan(0);
    expect(await subject.store.decide('dep-1', sampleVerdict('inconclusive'))).toBe(true);
    expect(await waiting).toMatchObject({ status: 'inconclusive' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('uses a subscriber connection from a factory, and closes it', async () => {
    const subscriber = new Redis(server.url);
    const store = createRedisVerificationStore({
      redis: subject.redis,
      keyPrefix: subject.prefix,
      subscriber: () => subscriber,
    });
    const waiting = store.waitForDecision('dep-1', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await subject.store.decide('dep-1', sampleVerdict('promote'));
    expect(await waiting).toMatchObject({ status: 'promote' });
    const ended = new Promise((resolve) => subscriber.once('end', resolve));
    await store.close();
    await ended;
    expect(subscriber.status).toBe('end');
  });

  it('adds records written before the timeline existed on the first listTimeline, once', async () => {
    const { redis, prefix, store } = subject;
    await store.create(
      sampleVerification({ id: 'dep-2', createdAt: '2026-01-01T00:01:00.000Z' }),
      sampleJudgeState(),
    );
    await store.decide('dep-2', sampleVerdict('rollback', 'error-rate rose'));
    // As a store of the previous version left them: no timeline index, no timeline field.
    await redis.del(`${prefix}index:timeline`);
    await redis.hdel(`${prefix}verification:dep-1`, 'timeline');
    await redis.hdel(`${prefix}verification:dep-2`, 'timeline');
    const [upgraded] = await subject.peers(1);
    const range = {
      fromMs: Date.parse('2026-01-01T00:00:00.000Z'),
      toMs: Date.parse('2026-01-02T00:00:00.000Z'),
    };
    const entries = await upgraded!.listTimeline(range);
    expect(entries.map((entry) => [entry.id, entry.status, entry.reason])).toEqual([
      ['dep-2', 'rollback', 'error-rate rose'],
      ['dep-1', 'pending', null],
    ]);
    expect(await redis.exists(`${prefix}timeline:backfilled`)).toBe(1);
    // Later writes swap the backfilled entry rather than adding a second one.
    await store.saveStep('dep-1', sampleStep(sampleJudgeState()));
    expect((await upgraded!.listTimeline(range)).map((entry) => entry.status)).toEqual([
      'rollback',
      'analyzing',
    ]);
    expect(await redis.zcard(`${prefix}index:timeline`)).toBe(2);
  });

  it('fails pending waits with STORE_CLOSED when closed', async () => {
    const waiting = subject.store.waitForDecision('dep-1', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const outcome = codeOf(waiting);
    await subject.store.close();
    expect(await outcome).toBe('STORE_CLOSED');
  });

  it('reports an unreachable Redis as STORE_UNAVAILABLE', async () => {
    const redis = new Redis(await freePort(), '127.0.0.1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const store = createRedisVerificationStore({ redis, keyPrefix: subject.prefix });
    const error = await subject.store
      .get('nope')
      .then(() => store.get('dep-1'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_UNAVAILABLE');
    expect((error as StoreError).isTransient).toBe(true);
    expect((error as StoreError).cause).toBeInstanceOf(Error);
    await store.close();
    redis.disconnect();
  });
});
