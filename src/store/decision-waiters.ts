/**
 * `waitForDecision` for both stores: callers waiting for a verdict, woken when one is recorded
 * (the memory store's `decide`, or a Redis pub/sub message), re-reading the record when woken or
 * when their time is up. A waiter registers before it reads, so a verdict recorded between the
 * read and the wait still wakes it; a spurious wake-up just reads again.
 */
import { performance } from 'node:perf_hooks';
import { isDecided, type Verification } from '../verification/verification.js';
import { StoreError } from './store-error.js';

interface Waiter {
  readonly wake: () => void;
  readonly fail: (error: Error) => void;
}

/** The callers currently waiting, by verification id. */
export class DecisionWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();
  private closed = false;

  /** Wakes everyone waiting for `id` (a verdict was recorded). */
  notify(id: string): void {
    for (const waiter of this.waiting.get(id) ?? []) waiter.wake();
  }

  /** Wakes everyone (e.g. after a pub/sub reconnect, when messages may have been missed). */
  notifyAll(): void {
    for (const waiters of this.waiting.values()) for (const waiter of waiters) waiter.wake();
  }

  /** Fails every waiter with STORE_CLOSED and refuses new ones. */
  close(): void {
    this.closed = true;
    const error = new StoreError('STORE_CLOSED', 'waitForDecision: the store was closed');
    for (const waiters of this.waiting.values()) for (const waiter of waiters) waiter.fail(error);
    this.waiting.clear();
  }

  /** Number of callers waiting (for tests and metrics). */
  get size(): number {
    let count = 0;
    for (const waiters of this.waiting.values()) count += waiters.size;
    return count;
  }

  /**
   * Resolves with the verification once decided, or with its current state after `timeoutMs`
   * (undefined for an unknown id). `read` fetches the record; `ready` makes sure wake-ups arrive.
   */
  async waitForDecision(
    id: string,
    timeoutMs: number,
    read: () => Promise<Verification | undefined>,
    ready: () => Promise<void> = () => Promise.resolve(),
  ): Promise<Verification | undefined> {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new StoreError(
        'INVALID_INPUT',
        `waitForDecision(${id}): timeoutMs must be a non-negative number, got ${timeoutMs}`,
      );
    }
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const signal = this.register(id);
      try {
        await ready();
        const current = await read();
        const remainingMs = deadline - performance.now();
        if (current === undefined || isDecided(current.status) || remainingMs <= 0) return current;
        const woken = await signal.until(remainingMs);
        if (!woken) return await read();
      } finally {
        signal.cancel();
      }
    }
  }

  private register(id: string): { until: (ms: number) => Promise<boolean>; cancel: () => void } {
    if (this.closed) throw new StoreError('STORE_CLOSED', `waitForDecision(${id}): the store is closed`);
    let settle: ((woken: boolean) => void) | undefined;
    let reject: ((error: Error) => void) | undefined;
    let isWoken = false;
    let failure: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    const waiter: Waiter = {
      wake: () => {
        isWoken = true;
        settle?.(true);
      },
      fail: (error) => {
        failure = error;
        reject?.(error);
      },
    };
    const set = this.waiting.get(id) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiting.set(id, set);
    return {
      until: (ms) =>
        new Promise<boolean>((resolve, rejectPromise) => {
          if (failure !== undefined) return rejectPromise(failure);
          if (isWoken) return resolve(true);
          settle = resolve;
          reject = rejectPromise;
          timer = setTimeout(() => resolve(false), ms);
        }),
      cancel: () => {
        clearTimeout(timer);
        set.delete(waiter);
        if (set.size === 0 && this.waiting.get(id) === set) this.waiting.delete(id);
      },
    };
  }
}
