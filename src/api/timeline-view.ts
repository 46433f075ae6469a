/**
 * The timeline's answer from the store's compact entries, in one pass: filter, count per bucket
 * and verdict, collect the services and environments seen, and cut the page. Pure, so the
 * aggregation is tested without a store and costs the same on either one.
 */
import type { TimelineEntry } from '../store/timeline-entry.js';
import { VERIFICATION_STATUSES, type VerificationStatus } from '../verification/verification.js';
import { ApiError } from './api-errors.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Ranges up to this long are counted per hour (at most 168 buckets), longer ones per day. */
export const HOURLY_UP_TO_MS = 7 * DAY_MS;
/** The longest range one request may cover (at most 400 daily buckets). */
export const MAX_RANGE_MS = 400 * DAY_MS;
/** The range when the request names none: the last seven days. */
export const DEFAULT_RANGE_MS = 7 * DAY_MS;
export const DEFAULT_TIMELINE_LIMIT = 200;
export const MAX_TIMELINE_LIMIT = 1000;
const CURSOR_VERSION = 't1';

/** The timeline request after checking. */
export interface TimelineRequest {
  readonly fromMs: number;
  readonly toMs: number;
  readonly service?: string;
  readonly environment?: string;
  readonly verdict?: VerificationStatus;
  readonly limit: number;
  /** Items start after this entry (newest-first order). */
  readonly after?: { readonly startedAtMs: number; readonly id: string };
}

export type StatusCounts = Record<VerificationStatus, number>;

/** One bucket of the timeline's histogram. */
export interface TimelineBucket {
  readonly startMs: number;
  readonly counts: StatusCounts;
}

/** One deployment, as listed. */
export interface TimelineItem {
  readonly id: string;
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly strategy: string;
  readonly startedAt: string;
  readonly decidedAt: string | null;
  readonly status: VerificationStatus;
  readonly score: number | null;
  readonly reason: string | null;
}

/** The timeline's answer. */
export interface Timeline {
  readonly from: string;
  readonly to: string;
  /** Deployments in the range that pass the filters. */
  readonly total: number;
  readonly bucketSeconds: number;
  readonly buckets: TimelineBucket[];
  readonly items: TimelineItem[];
  readonly nextCursor: string | null;
  /** Services and environments with deployments in the range (filters ignored): for pickers. */
  readonly facets: { readonly services: string[]; readonly environments: string[] };
}

/** What the query string may hold (strings as sent; `limit` already an integer). */
export interface TimelineQuery {
  readonly from?: string;
  readonly to?: string;
  readonly service?: string;
  readonly environment?: string;
  readonly verdict?: VerificationStatus;
  readonly limit?: number;
  readonly cursor?: string;
}

/** Checks a query against `nowMs`; throws a 400 ApiError naming the field. */
export function checkTimelineQuery(query: TimelineQuery, nowMs: number): TimelineRequest {
  const toMs = query.to === undefined ? nowMs : parseTime(query.to, 'to');
  const fromMs = query.from === undefined ? toMs - DEFAULT_RANGE_MS : parseTime(query.from, 'from');
  if (fromMs > toMs) throw invalid('from', `is after to (${new Date(toMs).toISOString()})`);
  if (toMs - fromMs > MAX_RANGE_MS)
    throw invalid('from', `is more than ${MAX_RANGE_MS / DAY_MS} days before to`);
  const limit = query.limit ?? DEFAULT_TIMELINE_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_TIMELINE_LIMIT)
    throw invalid('limit', `must be an integer from 1 to ${MAX_TIMELINE_LIMIT}`);
  if (query.verdict !== undefined && !VERIFICATION_STATUSES.includes(query.verdict))
    throw invalid('verdict', `must be one of ${VERIFICATION_STATUSES.join(', ')}`);
  return {
    fromMs: Math.max(0, fromMs),
    toMs,
    limit,
    ...(query.service !== undefined && { service: query.service }),
    ...(query.environment !== undefined && { environment: query.environment }),
    ...(query.verdict !== undefined && { verdict: query.verdict }),
    ...(query.cursor !== undefined && { after: decodeTimelineCursor(query.cursor) }),
  };
}

/** The answer for entries newest first (as `listTimeline` returns them). */
export function buildTimeline(entries: readonly TimelineEntry[], request: TimelineRequest): Timeline {
  const { fromMs, toMs, service, environment, verdict, limit, after } = request;
  const bucketMs = toMs - fromMs <= HOURLY_UP_TO_MS ? HOUR_MS : DAY_MS;
  const firstBucketMs = Math.floor(fromMs / bucketMs) * bucketMs;
  const buckets: TimelineBucket[] = [];
  for (let startMs = firstBucketMs; startMs <= toMs; startMs += bucketMs)
    buckets.push({ startMs, counts: zeroCounts() });
  const services = new Set<string>();
  const environments = new Set<string>();
  const items: TimelineItem[] = [];
  let total = 0;
  let hasMore = false;
  for (const entry of entries) {
    if (entry.startedAtMs < fromMs || entry.startedAtMs > toMs) continue;
    services.add(entry.service);
    environments.add(entry.environment);
    if (service !== undefined && entry.service !== service) continue;
    if (environment !== undefined && entry.environment !== environment) continue;
    if (verdict !== undefined && entry.status !== verdict) continue;
    total += 1;
    const bucket = buckets[Math.floor((entry.startedAtMs - firstBucketMs) / bucketMs)];
    if (bucket !== undefined) bucket.counts[entry.status] += 1;
    if (after !== undefined && !isAfter(entry, after)) continue;
    if (items.length < limit) items.push(toItem(entry));
    else hasMore = true;
  }
  const last = items[items.length - 1];
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    total,
    bucketSeconds: bucketMs / 1000,
    buckets,
    items,
    nextCursor:
      hasMore && last !== undefined ? encodeTimelineCursor(Date.parse(last.startedAt), last.id) : null,
    facets: { services: [...services].sort(), environments: [...environments].sort() },
  };
}

/** The cursor pointing just after the entry (startedAtMs, id). */
export function encodeTimelineCursor(startedAtMs: number, id: string): string {
  return Buffer.from(`${CURSOR_VERSION}:${startedAtMs}:${id}`, 'utf8').toString('base64url');
}

function decodeTimelineCursor(cursor: string): { startedAtMs: number; id: string } {
  const text = /^[A-Za-z0-9_-]{1,1024}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const match = /^t1:(\d{1,15}):(.+)$/s.exec(text);
  if (match === null)
    throw new ApiError('INVALID_CURSOR', undefined, [
      { path: 'cursor', message: 'is not a cursor this server issued' },
    ]);
  return { startedAtMs: Number(match[1]), id: match[2]! };
}

/** True when `entry` comes after the cursor's entry in newest-first order. */
function isAfter(entry: TimelineEntry, after: { startedAtMs: number; id: string }): boolean {
  return (
    entry.startedAtMs < after.startedAtMs || (entry.startedAtMs === after.startedAtMs && entry.id < after.id)
  );
}

function toItem(entry: TimelineEntry): TimelineItem {
  return {
    id: entry.id,
    service: entry.service,
    environment: entry.environment,
    version: entry.version,
    strategy: entry.strategy,
    startedAt: new Date(entry.startedAtMs).toISOString(),
    decidedAt: entry.decidedAtMs === null ? null : new Date(entry.decidedAtMs).toISOString(),
    status: entry.status,
    score: entry.score,
    reason: entry.reason,
  };
}

function zeroCounts(): StatusCounts {
  return { pending: 0, analyzing: 0, promote: 0, rollback: 0, inconclusive: 0, aborted: 0 };
}

/** ISO-8601 or integer ms since the epoch. */
function parseTime(text: string, field: string): number {
  const ms = /^\d{1,15}$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}/.test(text)
      ? Date.parse(text)
      : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0)
    throw invalid(field, 'must be an ISO-8601 time or milliseconds since 1970');
  return Math.floor(ms);
}

function invalid(field: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', `invalid query string: ${field} ${message}`, [
    { path: field, message },
  ]);
}
