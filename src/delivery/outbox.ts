/**
 * The outbox: messages to deliver (verdict webhooks), written in the same atomic step as the
 * verdict they announce, then delivered at least once by whichever daemon claims them, with
 * retries, surviving restarts. Receivers make delivery exactly-once per idempotency key.
 * Redis in the daemon (redis-outbox.ts), memory in component tests.
 */

/** One message as enqueued. */
export interface OutboxMessage {
  /** Unique per message (`<deployment>.verdict.<notifier>`, `<deployment>.incident.<notifier>`, `<deployment>.kill-switch.<provider>.<flag>`); also its idempotency key. */
  readonly id: string;
  /** The notifier (verdict, progress, incident) or flag provider (kill-switch) it goes to. */
  readonly notifier: string;
  readonly event: 'verdict' | 'progress' | 'incident' | 'kill-switch';
  readonly deploymentId: string;
  /** The body, exactly as it will be (signed and) sent. */
  readonly body: string;
  /** Kill switches: the request fixed at decision time (verdicts go to their notifier's URL). */
  readonly request?: { readonly method: string; readonly url: string };
  readonly createdAt: string;
}

/** A message as the outbox keeps it. */
export interface StoredMessage extends OutboxMessage {
  /** Delivery attempts started so far. */
  readonly attempts: number;
  readonly lastError?: string;
  /** When it went to the dead letters (after its last attempt failed). */
  readonly deadAt?: string;
}

export interface Outbox {
  /**
   * Adds messages due at `nowMs` (a message already there, or dead, is left alone). Verdicts are
   * enqueued by the store's `decide` instead, atomically with the verdict.
   */
  enqueue(messages: readonly OutboxMessage[], nowMs: number): Promise<void>;
  /**
   * Up to `limit` messages due at `nowMs`, each leased for `leaseMs` (another daemon claims it
   * again only if this one neither completes nor reschedules it in time, e.g. it crashed) and its
   * attempts counted.
   */
  claim(nowMs: number, limit: number, leaseMs: number): Promise<StoredMessage[]>;
  /** Delivered: gone from the outbox. */
  complete(id: string): Promise<void>;
  /** Failed, to be tried again at `dueMs`. */
  retry(id: string, dueMs: number, error: string): Promise<void>;
  /** Failed for the last time: moved to the dead letters. */
  bury(id: string, error: string, nowMs: number): Promise<void>;
  /** Dead letters, oldest first. */
  dead(limit: number): Promise<StoredMessage[]>;
  /** Moves a dead letter back to the outbox, due now with its attempts reset; false if unknown. */
  redeliver(id: string, nowMs: number): Promise<boolean>;
  /** Messages waiting (due or leased) and dead. */
  counts(): Promise<{ pending: number; dead: number }>;
}

/** In memory, for component tests; `enqueue` is what a store's `decide` calls. */
export function createMemoryOutbox(): Outbox & {
  enqueueNow(messages: readonly OutboxMessage[], nowMs: number): void;
} {
  const pending = new Map<string, { message: StoredMessage; dueMs: number }>();
  const buried = new Map<string, StoredMessage>();
  const enqueueNow = (messages: readonly OutboxMessage[], nowMs: number): void => {
    for (const message of messages)
      if (!pending.has(message.id) && !buried.has(message.id))
        pending.set(message.id, { message: { ...message, attempts: 0 }, dueMs: nowMs });
  };
  return {
    enqueueNow,
    enqueue(messages, nowMs) {
      enqueueNow(messages, nowMs);
      return Promise.resolve();
    },
    claim(nowMs, limit, leaseMs) {
      const due = [...pending.values()]
        .filter((entry) => entry.dueMs <= nowMs)
        .sort((a, b) => a.dueMs - b.dueMs)
        .slice(0, limit);
      return Promise.resolve(
        due.map((entry) => {
          entry.dueMs = nowMs + leaseMs;
          entry.message = { ...entry.message, attempts: entry.message.attempts + 1 };
          return entry.message;
        }),
      );
    },
    complete(id) {
      pending.delete(id);
      buried.delete(id);
      return Promise.resolve();
    },
    retry(id, dueMs, error) {
      const entry = pending.get(id);
      if (entry !== undefined) {
        entry.dueMs = dueMs;
        entry.message = { ...entry.message, lastError: error };
      }
      return Promise.resolve();
    },
    bury(id, error, nowMs) {
      const entry = pending.get(id);
      if (entry !== undefined) {
        pending.delete(id);
        buried.set(id, { ...entry.message, lastError: error, deadAt: new Date(nowMs).toISOString() });
      }
      return Promise.resolve();
    },
    dead(limit) {
      return Promise.resolve([...buried.values()].slice(0, limit));
    },
    redeliver(id, nowMs) {
      const message = buried.get(id);
      if (message === undefined) return Promise.resolve(false);
      buried.delete(id);
      const { deadAt: _, ...rest } = message;
      pending.set(id, { message: { ...rest, attempts: 0 }, dueMs: nowMs });
      return Promise.resolve(true);
    },
    counts() {
      return Promise.resolve({ pending: pending.size, dead: buried.size });
    },
  };
}
