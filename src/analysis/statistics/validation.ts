/**
 * Input checks shared by the statistics functions; each throws a `StatisticsError` naming the
 * operation and the argument so a bad KHI becomes evidence with a reason, not a crash.
 */
import { StatisticsError } from './statistics-error.js';

/** Throws INVALID_SAMPLE unless `values` is non-empty (at least `minLength`) and all finite. */
export function assertSample(
  operation: string,
  name: string,
  values: readonly number[],
  minLength = 1,
): void {
  if (!isArray(values)) {
    throw new StatisticsError('INVALID_SAMPLE', `${operation}: ${name} must be an array of numbers`);
  }
  if (values.length < minLength) {
    throw new StatisticsError(
      'INVALID_SAMPLE',
      `${operation}: ${name} needs at least ${minLength} value(s), got ${values.length}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new StatisticsError(
        'INVALID_SAMPLE',
        `${operation}: ${name}[${i}] is not a finite number (${String(v)})`,
      );
    }
  }
}

/** Throws INVALID_COUNT unless `value` is a non-negative safe integer. */
export function assertCount(operation: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StatisticsError(
      'INVALID_COUNT',
      `${operation}: ${name} must be a non-negative integer, got ${String(value)}`,
    );
  }
}

/** Throws INVALID_COUNT unless `value` is a finite number > 0 (an exposure or a total). */
export function assertPositive(operation: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new StatisticsError(
      'INVALID_COUNT',
      `${operation}: ${name} must be a finite number > 0, got ${String(value)}`,
    );
  }
}

/** Throws INVALID_PROBABILITY unless `lower < value < upper` (open interval, default (0, 1)). */
export function assertOpenUnit(operation: string, name: string, value: number, lower = 0, upper = 1): void {
  if (typeof value !== 'number' || !(value > lower && value < upper)) {
    throw new StatisticsError(
      'INVALID_PROBABILITY',
      `${operation}: ${name} must be in (${lower}, ${upper}), got ${String(value)}`,
    );
  }
}

/** Throws INVALID_OPTION unless `value` is one of `allowed`; narrows the type. */
export function assertOneOf<T extends string>(
  operation: string,
  name: string,
  value: string,
  allowed: readonly T[],
): asserts value is T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new StatisticsError(
      'INVALID_OPTION',
      `${operation}: ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`,
    );
  }
}

/** Array check that does not widen the element type to `any`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}
