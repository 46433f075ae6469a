/** How far from a change point (or an alert) a deployment may start and still be blamed. */
import { CorrelationInputError } from './correlation-input-error.js';

/**
 * `beforeMs`: how long before the change a deployment may have started; `afterMs`: how long after
 * it, allowed only for clock skew between the deploy tool and the metrics (and penalised).
 */
export interface BlameWindow {
  readonly beforeMs: number;
  readonly afterMs: number;
}

/** 30 minutes before, 2 minutes after. */
export const DEFAULT_BLAME_WINDOW: BlameWindow = Object.freeze({
  beforeMs: 30 * 60_000,
  afterMs: 2 * 60_000,
});

/** The window, defaulted; throws a `CorrelationInputError` naming `window.beforeMs`/`afterMs` if invalid. */
export function resolveBlameWindow(window: BlameWindow | undefined, operation: string): BlameWindow {
  if (window === undefined) return DEFAULT_BLAME_WINDOW;
  if (typeof window !== 'object' || window === null) {
    throw new CorrelationInputError('window', `${operation}: window must be an object { beforeMs, afterMs }`);
  }
  for (const key of ['beforeMs', 'afterMs'] as const) {
    const value = window[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new CorrelationInputError(
        `window.${key}`,
        `${operation}: window.${key} must be a finite number of ms ≥ 0, got ${String(value)}`,
      );
    }
  }
  return { beforeMs: window.beforeMs, afterMs: window.afterMs };
}
