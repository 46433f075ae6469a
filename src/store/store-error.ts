/**
 * The one error the verification store throws. `code` is stable (the API and workers switch on it);
 * the message names the operation and its input; `cause` keeps the Redis or parse error.
 */

/**
 * - `VERIFICATION_NOT_FOUND`: a write (step, verdict, evidence) for an id that does not exist.
 * - `CORRUPT_RECORD`: a stored value that is not what this store wrote (foreign, edited, or from an
 *   incompatible version); nothing is changed.
 * - `INVALID_INPUT`: the caller passed something the store would not be able to read back.
 * - `INVALID_CURSOR`: a `list` cursor that this store did not issue.
 * - `STORE_UNAVAILABLE`: the backend failed (connection lost, timeout); transient, worth a retry.
 * - `STORE_CLOSED`: the store was closed while the operation waited.
 */
export type StoreErrorCode =
  | 'VERIFICATION_NOT_FOUND'
  | 'CORRUPT_RECORD'
  | 'INVALID_INPUT'
  | 'INVALID_CURSOR'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CLOSED';

/** A verification-store failure with a stable `code`. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }

  /** True when retrying the same operation later may succeed. */
  get isTransient(): boolean {
    return this.code === 'STORE_UNAVAILABLE';
  }
}
