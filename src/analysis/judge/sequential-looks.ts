/**
 * Bookkeeping of looks for the group-sequential design: one z per interval per hypothesis,
 * positional (index = interval − 1), and the repeated p-values read from them.
 */
import type { Direction } from '../rule-set.js';
import { repeatedPValue, type GroupSequentialDesign } from '../sequential/alpha-spending.js';
import { normalIsf } from '../statistics/normal-distribution.js';

/** |z| beyond this carries no more information and keeps the numbers finite in JSON. */
const MAX_ABS_Z = 40;

/** History with `z` recorded for `interval` (1-based), padding skipped looks with null. */
export function recordLook(
  history: readonly (number | null)[],
  interval: number,
  z: number | null,
): (number | null)[] {
  const padded = history.slice(0, interval - 1);
  while (padded.length < interval - 1) padded.push(null);
  padded.push(z);
  return padded;
}

/** The z of a one-sided p-value (large = strong evidence), clamped to stay finite. */
export function zFromOneSidedPValue(p: number): number {
  return Math.max(-MAX_ABS_Z, Math.min(MAX_ABS_Z, normalIsf(p)));
}

/** Repeated p-value of a one-sided history. */
export function lookPValue(history: readonly (number | null)[], design: GroupSequentialDesign): number {
  return history.length === 0 ? 1 : repeatedPValue(history, design);
}

/** Repeated p-value for a KHI's direction; `either` runs both sides at half the level each. */
export function directionLookPValue(
  histories: { readonly increase: readonly (number | null)[]; readonly decrease: readonly (number | null)[] },
  direction: Direction,
  design: GroupSequentialDesign,
): number {
  if (direction === 'increase') return lookPValue(histories.increase, design);
  if (direction === 'decrease') return lookPValue(histories.decrease, design);
  return Math.min(
    1,
    2 * Math.min(lookPValue(histories.increase, design), lookPValue(histories.decrease, design)),
  );
}
