/**
 * Healthy releases' error signatures on Redis: one list per service (`<prefix>traces:healthy:
 * <service hash>`), newest first, each entry `{version, signatures}` as JSON, trimmed to
 * MAX_HEALTHY_RELEASES. Called once per verdict (by the one worker that recorded it), so a push
 * and a trim in one transaction keep concurrent promotions of other releases.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  MAX_HEALTHY_RELEASES,
  MAX_SIGNATURES_PER_RELEASE,
  type HealthySignatures,
} from './healthy-signatures.js';

interface Entry {
  readonly version: string;
  readonly signatures: readonly string[];
}

export function createRedisHealthySignatures(redis: Redis, keyPrefix: string): HealthySignatures {
  const key = (service: string) =>
    `${keyPrefix}traces:healthy:${createHash('sha256').update(service).digest('hex').slice(0, 32)}`;
  const read = async (service: string, count: number): Promise<Entry[]> =>
    (await redis.lrange(key(service), 0, count - 1)).flatMap((text) => {
      // A damaged entry only makes more signatures look new: stricter, never laxer.
      try {
        const entry = JSON.parse(text) as Partial<Entry>;
        return typeof entry.version === 'string' &&
          Array.isArray(entry.signatures) &&
          entry.signatures.every((s) => typeof s === 'string')
          ? [{ version: entry.version, signatures: entry.signatures }]
          : [];
      } catch {
        return [];
      }
    });
  return {
    async recent(service, releases) {
      if (releases <= 0) return new Set();
      const entries = await read(service, releases);
      return new Set(entries.flatMap((entry) => entry.signatures));
    },
    async remember(service, version, signatures) {
      const entry: Entry = { version, signatures: signatures.slice(0, MAX_SIGNATURES_PER_RELEASE) };
      await redis
        .multi()
        .lpush(key(service), JSON.stringify(entry))
        .ltrim(key(service), 0, MAX_HEALTHY_RELEASES - 1)
        .exec();
    },
  };
}
