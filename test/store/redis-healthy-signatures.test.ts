/** Healthy releases' signatures on a real Redis, against the in-memory port it stands for. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryHealthySignatures,
  MAX_HEALTHY_RELEASES,
  type HealthySignatures,
} from '../../src/store/healthy-signatures.js';
import { createRedisHealthySignatures } from '../../src/store/redis-healthy-signatures.js';
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

let prefixes = 0;
const implementations: [string, () => HealthySignatures][] = [
  ['memory', () => createMemoryHealthySignatures()],
  ['redis', () => createRedisHealthySignatures(redis, `healthy-${(prefixes += 1)}:`)],
];

describe.each(implementations)('healthy signatures (%s)', (_, create) => {
  it('gives the signatures of the last N promoted releases of a service, newest first', async () => {
    const healthy = create();
    await healthy.remember('shop', 'v1', ['A: old']);
    await healthy.remember('shop', 'v2', ['B: x', 'C: y']);
    await healthy.remember('cart', 'v9', ['D: other service']);
    expect([...(await healthy.recent('shop', 1))].sort()).toEqual(['B: x', 'C: y']);
    expect([...(await healthy.recent('shop', 5))].sort()).toEqual(['A: old', 'B: x', 'C: y']);
    expect([...(await healthy.recent('shop', 0))]).toEqual([]);
    expect([...(await healthy.recent('nobody', 3))]).toEqual([]);
  });

  it(`keeps at most ${MAX_HEALTHY_RELEASES} releases per service`, async () => {
    const healthy = create();
    for (let i = 0; i < MAX_HEALTHY_RELEASES + 5; i += 1)
      await healthy.remember('shop', `v${i}`, [`E${i}: x`]);
    const kept = await healthy.recent('shop', 100);
    expect(kept.size).toBe(MAX_HEALTHY_RELEASES);
    expect(kept.has('E4: x')).toBe(false);
    expect(kept.has(`E${MAX_HEALTHY_RELEASES + 4}: x`)).toBe(true);
  });
});

describe('healthy signatures on Redis with damaged entries', () => {
  it('skips an entry it cannot read (more signatures look new: stricter, never laxer)', async () => {
    const healthy = createRedisHealthySignatures(redis, 'damaged:');
    await healthy.remember('shop', 'v1', ['A: x']);
    const [key] = await redis.keys('damaged:traces:healthy:*');
    await redis.lpush(key!, '{not json', JSON.stringify({ version: 'v2', signatures: [1] }));
    expect([...(await healthy.recent('shop', 3))]).toEqual(['A: x']);
  });
});
