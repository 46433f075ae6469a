/**
 * `listTimeline` ranges, checked the same way by both stores.
 */
import { StoreError } from './store-error.js';
import type { TimelineRange } from './verification-store.js';

/** Checks a range: whole milliseconds, not before 1970, `fromMs` ≤ `toMs`; throws INVALID_INPUT. */
export function checkTimelineRange(range: TimelineRange): TimelineRange {
  const { fromMs, toMs } = range;
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || fromMs < 0 || fromMs > toMs) {
    throw new StoreError(
      'INVALID_INPUT',
      `listTimeline: the range must be whole ms with 0 ≤ fromMs ≤ toMs, got ${fromMs}..${toMs}`,
    );
  }
  return range;
}
