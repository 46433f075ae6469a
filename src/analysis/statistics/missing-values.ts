/**
 * Handling of missing observations (null or NaN) before a comparison, as Kayenta's `nanStrategy`.
 * Source: Kayenta `kayenta-judge` preprocessing (strategies `remove` and `replace`).
 */
import { StatisticsError } from './statistics-error.js';

/** `remove` drops missing values; `replace` substitutes `replacement` (default 0). */
export type MissingValueStrategy =
  { readonly kind: 'remove' } | { readonly kind: 'replace'; readonly replacement?: number };

/** Clean values plus how many were removed or replaced. */
export interface MissingValueResult {
  readonly values: readonly number[];
  readonly removed: number;
  readonly replaced: number;
}

const OPERATION = 'handleMissingValues';

function isMissing(value: number | null | undefined): boolean {
  return value === null || value === undefined || Number.isNaN(value);
}

/** Applies the strategy to null/undefined/NaN entries; ±Infinity is not missing and is rejected. */
export function handleMissingValues(
  values: readonly (number | null | undefined)[],
  strategy: MissingValueStrategy,
): MissingValueResult {
  if (!isArray(values)) throw new StatisticsError('INVALID_SAMPLE', `${OPERATION}: values must be an array`);
  const replacement = strategy.kind === 'replace' ? (strategy.replacement ?? 0) : 0;
  if (strategy.kind !== 'remove' && strategy.kind !== 'replace') {
    throw new StatisticsError('INVALID_OPTION', `${OPERATION}: strategy.kind must be remove or replace`);
  }
  if (!Number.isFinite(replacement)) {
    throw new StatisticsError(
      'INVALID_OPTION',
      `${OPERATION}: strategy.replacement must be finite, got ${String(replacement)}`,
    );
  }
  // Usually nothing is missing: then the values are the result, without a copy.
  if (allFinite(values)) return { values: values as readonly number[], removed: 0, replaced: 0 };
  const out: number[] = [];
  let missing = 0;
  values.forEach((value, i) => {
    if (isMissing(value)) {
      missing++;
      if (strategy.kind === 'replace') out.push(replacement);
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StatisticsError(
        'INVALID_SAMPLE',
        `${OPERATION}: values[${i}] is not a finite number (${String(value)})`,
      );
    }
    out.push(value);
  });
  return strategy.kind === 'remove'
    ? { values: out, removed: missing, replaced: 0 }
    : { values: out, removed: 0, replaced: missing };
}

/** Whether every entry is a finite number (one loop alone in its function, for V8's sake). */
function allFinite(values: readonly (number | null | undefined)[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  }
  return true;
}

/** Array check that does not widen the element type to `any`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}
