/**
 * Reads a trace backend's JSON answer field by field. Every read knows the field's path, so a
 * malformed answer becomes an error naming the backend, the field and what was expected
 * (`jaeger: data[0].spans[3].startTime must be a number of microseconds`) instead of a crash
 * deep in the summaries or a silently wrong number.
 *
 * Shared by the Jaeger and Tempo adapters.
 */

/** A trace backend could not be asked, or answered something Vigil cannot use. */
export class TraceBackendError extends Error {
  override readonly name = 'TraceBackendError';
}

export type JsonObject = Readonly<Record<string, unknown>>;

/** Path of a field of the object at `path`. */
export function fieldPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Path of an item of the array at `path`. */
export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Field readers that throw a TraceBackendError naming `backend` and the field. */
export class JsonFields {
  constructor(private readonly backend: string) {}

  fail(path: string, expectation: string): never {
    throw new TraceBackendError(`${this.backend}: ${path} must be ${expectation}`);
  }

  object(value: unknown, path: string, expectation = 'an object'): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, expectation);
    return value as JsonObject;
  }

  array(value: unknown, path: string, expectation = 'an array'): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(path, expectation);
    return value;
  }

  /** An array that JSON encoders leave out or write as null when it is empty. */
  optionalArray(value: unknown, path: string, expectation = 'an array'): readonly unknown[] {
    return value === undefined || value === null ? [] : this.array(value, path, expectation);
  }

  string(value: unknown, path: string, expectation = 'a string'): string {
    if (typeof value !== 'string') this.fail(path, expectation);
    return value;
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  /** A finite number at least `min`. */
  number(value: unknown, path: string, expectation = 'a number', min = -Infinity): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) this.fail(path, expectation);
    return value;
  }

  /** A hexadecimal id of at most `digits` digits (leading zeros may be left out), left-padded. */
  hexId(value: unknown, path: string, digits: number): string {
    const id = this.string(value, path, `a hex id of up to ${digits} digits`);
    if (!new RegExp(`^[0-9a-fA-F]{1,${digits}}$`).test(id) || /^0+$/.test(id))
      this.fail(path, `a hex id of up to ${digits} digits, not all zero`);
    return id.toLowerCase().padStart(digits, '0');
  }
}
