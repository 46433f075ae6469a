/** Time limits on promises that may never settle (a hung page, a wedged browser). */
import type { RunSettlement } from './journey-outcome.js';

/** Runs `run`, giving up after `timeoutMs`; the probe's promise is always handled. */
export async function settleWithin(run: () => Promise<void>, timeoutMs: number): Promise<RunSettlement> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<RunSettlement>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timed-out' }), Math.max(0, timeoutMs));
  });
  const running = Promise.resolve()
    .then(run)
    .then(
      (): RunSettlement => ({ kind: 'resolved' }),
      (error: unknown): RunSettlement => ({ kind: 'threw', error }),
    );
  const settlement = await Promise.race([running, timedOut]);
  clearTimeout(timer);
  return settlement;
}

/** `promise`'s value, or undefined if it rejects or takes longer than `timeoutMs`. */
export async function bounded<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const value = await Promise.race([promise.catch(() => undefined), expired]);
  clearTimeout(timer);
  return value;
}
