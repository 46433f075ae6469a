/** The alert store contract against memory and a real Redis. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createMemoryAlertStore } from '../../src/store/memory-alert-store.js';
import { createRedisAlertStore } from '../../src/store/redis-alert-store.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { describeAlertStoreContract } from './alert-store-contract.js';

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

describeAlertStoreContract('memory', (options) => createMemoryAlertStore(options));
describeAlertStoreContract('redis', (options) =>
  createRedisAlertStore({ redis, keyPrefix: `alerts-${(prefixes += 1)}:`, ...options }),
);
