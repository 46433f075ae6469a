/** Bundle pins in one Redis hash (deployment id → pin JSON); shared by every daemon. */
import type { Redis } from 'ioredis';
import type { BundlePin, BundlePins } from './bundle-pins.js';

export function createRedisBundlePins(redis: Redis, keyPrefix: string): BundlePins {
  const key = `${keyPrefix}bundle-pins`;
  return {
    async pin(pin) {
      await redis.hset(key, pin.deploymentId, JSON.stringify(pin));
      return pin;
    },
    async unpin(deploymentId) {
      return (await redis.hdel(key, deploymentId)) > 0;
    },
    async get(deploymentId) {
      const text = await redis.hget(key, deploymentId);
      return text === null ? undefined : (JSON.parse(text) as BundlePin);
    },
    async pinnedIds() {
      return new Set(await redis.hkeys(key));
    },
  };
}
