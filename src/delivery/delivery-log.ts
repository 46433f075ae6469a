/**
 * The delivery log: every attempt to deliver a verification's messages (webhooks, GitHub
 * statuses, kill switches) and how it ended, kept with the verification for the people who ask
 * "did the deploy tool hear it, and were the flags turned off?". Redis in the daemon (one list per
 * verification, the last 500 entries), memory in tests.
 */
import type { Redis } from 'ioredis';

export interface DeliveryLogEntry {
  readonly at: string;
  readonly messageId: string;
  readonly event: string;
  /** The notifier or flag provider. */
  readonly target: string;
  readonly outcome: 'delivered' | 'retry' | 'dead';
  readonly attempt: number;
  /** Why an attempt failed (`HTTP 503`, a timeout). */
  readonly error?: string;
}

export interface DeliveryLog {
  append(deploymentId: string, entry: DeliveryLogEntry): Promise<void>;
  /** Oldest first. */
  list(deploymentId: string): Promise<DeliveryLogEntry[]>;
}

export const DELIVERY_LOG_LIMIT = 500;

export function createMemoryDeliveryLog(): DeliveryLog {
  const logs = new Map<string, DeliveryLogEntry[]>();
  return {
    append(deploymentId, entry) {
      logs.set(deploymentId, [...(logs.get(deploymentId) ?? []), entry].slice(-DELIVERY_LOG_LIMIT));
      return Promise.resolve();
    },
    list(deploymentId) {
      return Promise.resolve([...(logs.get(deploymentId) ?? [])]);
    },
  };
}

export function createRedisDeliveryLog(redis: Redis, prefix: string): DeliveryLog {
  const key = (deploymentId: string) => `${prefix}delivery-log:${deploymentId}`;
  return {
    async append(deploymentId, entry) {
      await redis
        .multi()
        .rpush(key(deploymentId), JSON.stringify(entry))
        .ltrim(key(deploymentId), -DELIVERY_LOG_LIMIT, -1)
        .exec();
    },
    async list(deploymentId) {
      return (await redis.lrange(key(deploymentId), 0, -1)).flatMap((text) => {
        try {
          return [JSON.parse(text) as DeliveryLogEntry];
        } catch {
          return [];
        }
      });
    },
  };
}
