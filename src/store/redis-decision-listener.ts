/**
 * The pub/sub side of `waitForDecision`: subscribes once, on first use, to the decision channel
 * and wakes the waiters of each id published; after a reconnect (messages may have been missed)
 * it wakes everyone to re-read.
 */
import type { Redis } from 'ioredis';
import type { DecisionWaiters } from './decision-waiters.js';
import { StoreError } from './store-error.js';

/** Listens for decisions for `waitForDecision`; `ready` resolves once subscribed. */
export interface DecisionListener {
  readonly ready: () => Promise<void>;
  /** Unsubscribes; quits the connection if the listener opened it. */
  readonly close: () => Promise<void>;
}

/** Creates the listener; nothing connects until the first `ready()`. */
export function createDecisionListener(
  redis: Redis,
  subscriber: Redis | (() => Redis) | undefined,
  channel: string,
  waiters: DecisionWaiters,
): DecisionListener {
  let connection: { redis: Redis; owned: boolean } | undefined;
  let subscribed: Promise<void> | undefined;
  const onMessage = (from: string, id: string) => {
    if (from === channel) waiters.notify(id);
  };
  const onReady = () => waiters.notifyAll();
  const onError = () => {
    // ioredis reconnects by itself; meanwhile waiters fall back to reading at their timeout.
  };
  const subscribe = async (): Promise<void> => {
    if (connection === undefined) {
      connection =
        subscriber === undefined
          ? { redis: redis.duplicate(), owned: true }
          : typeof subscriber === 'function'
            ? { redis: subscriber(), owned: true }
            : { redis: subscriber, owned: false };
      connection.redis.on('message', onMessage).on('ready', onReady).on('error', onError);
    }
    try {
      await connection.redis.subscribe(channel);
    } catch (cause) {
      subscribed = undefined;
      throw new StoreError('STORE_UNAVAILABLE', `waitForDecision: cannot subscribe to ${channel}`, { cause });
    }
  };
  return {
    ready: () => (subscribed ??= subscribe()),
    close: async () => {
      const current = connection;
      connection = undefined;
      subscribed = undefined;
      if (current === undefined) return;
      current.redis.off('message', onMessage).off('ready', onReady);
      if (current.owned) {
        await current.redis.quit().catch(() => current.redis.disconnect());
      } else {
        await current.redis.unsubscribe(channel);
      }
      current.redis.off('error', onError);
    },
  };
}
