/**
 * `list` filters, checked once and applied the same way by both stores.
 */
import type { Verification } from '../verification/verification.js';
import { VERIFICATION_STATUSES } from '../verification/verification.js';
import { decodeCursor, timeMs, timePrefix } from './verification-order.js';
import type { VerificationFilter } from './verification-store.js';
import { StoreError } from './store-error.js';

export const MAX_LIST_LIMIT = 500;

/** A filter after checking: `after` is the order key the page starts after, `sincePrefix` the lowest one. */
export interface CheckedFilter {
  readonly filter: VerificationFilter;
  readonly limit: number;
  readonly after?: string;
  readonly sincePrefix?: string;
}

/** Checks a filter; throws INVALID_INPUT (limit, since, status) or INVALID_CURSOR. */
export function checkFilter(filter: VerificationFilter): CheckedFilter {
  const { limit, since, status, cursor } = filter;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StoreError(
      'INVALID_INPUT',
      `list: limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`,
    );
  }
  if (status !== undefined && !VERIFICATION_STATUSES.includes(status)) {
    throw new StoreError('INVALID_INPUT', `list: unknown status "${String(status)}"`);
  }
  return {
    filter,
    limit,
    ...(cursor !== undefined && { after: decodeCursor(cursor) }),
    ...(since !== undefined && { sincePrefix: timePrefix(timeMs(since, 'list: since')) }),
  };
}

/** True when the verification passes every filter field (the cursor is applied separately). */
export function matchesFilter(verification: Verification, checked: CheckedFilter): boolean {
  const { service, environment, status } = checked.filter;
  if (service !== undefined && verification.marker.service !== service) return false;
  if (environment !== undefined && verification.marker.environment !== environment) return false;
  if (status !== undefined && verification.status !== status) return false;
  return (
    checked.sincePrefix === undefined || Date.parse(verification.createdAt) >= Number(checked.sincePrefix)
  );
}
