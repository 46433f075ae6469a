/**
 * The order verifications are listed in, newest first: by creation time (ms), then by id (byte
 * order, descending) so equal times still page deterministically. The same order key is the
 * member of the Redis indexes and the position an opaque `list` cursor points at.
 */
import { StoreError } from './store-error.js';

/** Fixed width, so order keys sort lexicographically by time (good until year 5138). */
const TIME_DIGITS = 14;
const MAX_TIME_MS = 10 ** TIME_DIGITS - 1;
const CURSOR_VERSION = 'v1';

/** Milliseconds since the epoch of an ISO-8601 time; throws INVALID_INPUT when unusable. */
export function timeMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
    throw new StoreError('INVALID_INPUT', `${what}: "${iso}" is not an ISO-8601 time after 1970`);
  }
  return ms;
}

/** The fixed-width time prefix of order keys created at `ms` or later. */
export function timePrefix(ms: number): string {
  return String(ms).padStart(TIME_DIGITS, '0');
}

/** `<14-digit createdAt ms>:<id>`; sorts like (createdAt, id). */
export function orderKey(createdAt: string, id: string): string {
  return `${timePrefix(timeMs(createdAt, `createdAt of ${id}`))}:${id}`;
}

/** Newest first: compares order keys descending (byte order, as Redis compares members). */
export function compareNewestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** The opaque cursor pointing just after `key`. */
export function encodeCursor(key: string): string {
  return Buffer.from(`${CURSOR_VERSION}:${key}`, 'utf8').toString('base64url');
}

/** The order key a cursor points after; throws INVALID_CURSOR for anything this store did not issue. */
export function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,1024}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const prefix = `${CURSOR_VERSION}:`;
  const key = text.startsWith(prefix) ? text.slice(prefix.length) : '';
  if (!new RegExp(`^\\d{${TIME_DIGITS}}:.+$`, 's').test(key)) {
    throw new StoreError(
      'INVALID_CURSOR',
      `list: cursor "${cursor.slice(0, 64)}" was not issued by this store`,
    );
  }
  return key;
}
