/**
 * Multiplicity-adjusted p-values.
 * Sources: S. Holm (1979), "A simple sequentially rejective multiple test procedure"; Benjamini &
 * Hochberg (1995), as SciPy 1.17 `scipy.stats.false_discovery_control(ps, method='bh')`.
 */
import { StatisticsError } from './statistics-error.js';

const OPERATION = 'adjustPValues';

function assertPValues(operation: string, pValues: readonly number[]): void {
  if (!isArray(pValues)) {
    throw new StatisticsError('INVALID_PROBABILITY', `${operation}: pValues must be an array`);
  }
  pValues.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new StatisticsError(
        'INVALID_PROBABILITY',
        `${operation}: pValues[${i}] must be in [0, 1], got ${String(p)}`,
      );
    }
  });
}

/** Holm step-down adjusted p-values, in input order; monotone in the p-values and capped at 1. */
export function holmAdjust(pValues: readonly number[]): readonly number[] {
  assertPValues(`${OPERATION}(holm)`, pValues);
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => (pValues[i] as number) - (pValues[j] as number));
  const adjusted = new Array<number>(m).fill(0);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = running;
  });
  return adjusted;
}

/** Benjamini-Hochberg adjusted p-values (q-values), in input order; monotone and capped at 1. */
export function benjaminiHochbergAdjust(pValues: readonly number[]): readonly number[] {
  assertPValues(`${OPERATION}(bh)`, pValues);
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => (pValues[i] as number) - (pValues[j] as number));
  const adjusted = new Array<number>(m).fill(0);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank] as number;
    running = Math.min(running, (pValues[index] as number) * (m / (rank + 1)));
    adjusted[index] = running;
  }
  return adjusted;
}

/** Array check that does not widen the element type to `any`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}
