/**
 * The timeline's aggregation, pure: filters, buckets per hour or day, facets and paging.
 */
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  HOUR_MS,
  buildTimeline,
  checkTimelineQuery,
  type TimelineRequest,
} from '../../src/api/timeline-view.js';
import type { TimelineEntry } from '../../src/store/timeline-entry.js';
import type { VerificationStatus } from '../../src/verification/verification.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');

function entry(id: string, minutes: number, status: VerificationStatus, extra: Partial<TimelineEntry> = {}) {
  return {
    id,
    service: 'shop',
    environment: 'production',
    version: 'v1',
    strategy: 'canary',
    startedAtMs: T0 + minutes * 60_000,
    status,
    decidedAtMs: null,
    score: null,
    reason: null,
    ...extra,
  } satisfies TimelineEntry;
}

const newestFirst = (entries: TimelineEntry[]) =>
  [...entries].sort((a, b) => b.startedAtMs - a.startedAtMs || (a.id < b.id ? 1 : -1));

const request = (overrides: Partial<TimelineRequest> = {}): TimelineRequest => ({
  fromMs: T0,
  toMs: T0 + 3 * HOUR_MS - 1,
  limit: 200,
  ...overrides,
});

describe('buildTimeline', () => {
  const entries = newestFirst([
    entry('a', 5, 'promote'),
    entry('b', 65, 'rollback', { reason: 'error-rate rose', score: 40, decidedAtMs: T0 + 70 * 60_000 }),
    entry('c', 70, 'analyzing', { service: 'cart' }),
    entry('d', 130, 'rollback', { environment: 'staging' }),
  ]);

  it('counts every deployment per hour and state, and lists them newest first', () => {
    const timeline = buildTimeline(entries, request());
    expect(timeline.total).toBe(4);
    expect(timeline.bucketSeconds).toBe(3600);
    expect(timeline.buckets.map((bucket) => bucket.startMs)).toEqual([T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
    expect(timeline.buckets.map((bucket) => bucket.counts)).toEqual([
      { pending: 0, analyzing: 0, promote: 1, rollback: 0, inconclusive: 0, aborted: 0 },
      { pending: 0, analyzing: 1, promote: 0, rollback: 1, inconclusive: 0, aborted: 0 },
      { pending: 0, analyzing: 0, promote: 0, rollback: 1, inconclusive: 0, aborted: 0 },
    ]);
    expect(timeline.items.map((item) => item.id)).toEqual(['d', 'c', 'b', 'a']);
    expect(timeline.items[2]).toEqual({
      id: 'b',
      service: 'shop',
      environment: 'production',
      version: 'v1',
      strategy: 'canary',
      startedAt: '2026-03-01T01:05:00.000Z',
      decidedAt: '2026-03-01T01:10:00.000Z',
      status: 'rollback',
      score: 40,
      reason: 'error-rate rose',
    });
    expect(timeline.nextCursor).toBeNull();
    expect(timeline.facets).toEqual({ services: ['cart', 'shop'], environments: ['production', 'staging'] });
  });

  it('applies service, environment and verdict filters to the counts and the items alike', () => {
    const timeline = buildTimeline(
      entries,
      request({ service: 'shop', environment: 'production', verdict: 'rollback' }),
    );
    expect(timeline.total).toBe(1);
    expect(timeline.items.map((item) => item.id)).toEqual(['b']);
    expect(timeline.buckets.reduce((sum, bucket) => sum + bucket.counts.rollback, 0)).toBe(1);
    expect(timeline.facets.services).toEqual(['cart', 'shop']);
  });

  it('counts per day over ranges longer than a week', () => {
    const timeline = buildTimeline(entries, request({ toMs: T0 + 30 * DAY_MS }));
    expect(timeline.bucketSeconds).toBe(86_400);
    expect(timeline.buckets).toHaveLength(31);
    expect(timeline.buckets[0]?.counts.rollback).toBe(2);
  });

  it('pages with a cursor until every item was listed once, counting all of them on each page', () => {
    const many = newestFirst(
      Array.from({ length: 7 }, (_, index) => entry(`dep-${index}`, index % 3, 'promote')),
    );
    const pages: string[][] = [];
    let after: TimelineRequest['after'];
    for (;;) {
      const page = buildTimeline(many, request({ limit: 3, ...(after && { after }) }));
      expect(page.total).toBe(7);
      pages.push(page.items.map((item) => item.id));
      const cursor = page.nextCursor;
      if (cursor === null) break;
      after = checkTimelineQuery({ cursor }, T0).after;
    }
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(many.map((one) => one.id));
  });
});

describe('checkTimelineQuery', () => {
  it('defaults to the seven days before now and 200 items', () => {
    expect(checkTimelineQuery({}, T0)).toEqual({ fromMs: T0 - 7 * DAY_MS, toMs: T0, limit: 200 });
  });

  it('takes ISO-8601 times and milliseconds', () => {
    const checked = checkTimelineQuery({ from: '2026-02-28T00:00:00Z', to: String(T0) }, 0);
    expect([checked.fromMs, checked.toMs]).toEqual([T0 - DAY_MS, T0]);
  });

  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-45' }, 'to'],
    [{ from: String(T0 + 1), to: String(T0) }, 'from'],
    [{ from: String(T0 - 401 * DAY_MS), to: String(T0) }, 'from'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
  ])('refuses %j naming %s', (query, field) => {
    let caught: unknown;
    try {
      checkTimelineQuery(query, T0);
    } catch (error) {
      caught = error;
    }
    expect((caught as { statusCode: number }).statusCode).toBe(400);
    expect((caught as { details: { path: string }[] }).details[0]?.path).toBe(field);
  });
});
