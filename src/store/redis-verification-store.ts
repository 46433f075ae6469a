/**
 * The verification store on Redis. Every key starts with `keyPrefix` (for Redis Cluster, give the
 * prefix a hash tag such as `{vigil}:` so the scripts' keys share a slot):
 *
 * - `verification:<id>`  hash: the record (fields in verification-codec.ts; JSON for nested parts)
 * - `judge-state:<id>`   string: the judge's state as JSON, read only by steps
 * - `evidence:<id>`      list: one JSON entry per step, oldest first, capped at `evidenceLimit` (newest kept)
 * - `index:all`, `index:status:<status>`, `index:service:<service>`,
 *   `index:environment:<environment>`, `index:service-environment:<service>:<environment>`
 *                         sorted sets, all scores 0, members `<14-digit createdAt ms>:<id>` so that
 *                         lexicographic order is (createdAt, id); service and environment are
 *                         URI-encoded. The status indexes double as the per-status counters and the
 *                         active list (pending + analyzing).
 * - `index:timeline`     sorted set, score the marker's startedAt (ms), member the verification's
 *                        timeline entry (store/timeline-entry.ts), which the record's `timeline`
 *                        field repeats so the scripts can swap it. Records written before it
 *                        existed are added on the first `listTimeline` (`timeline:backfilled`
 *                        marks that done).
 * - channel `decided`    pub/sub: the id of each verification as its verdict is recorded.
 *
 * Writes are Lua scripts (redis-verification-scripts.ts): create is idempotent by id, a step is a
 * compare-and-set on `intervalsJudged` that refuses decided records, and only the first verdict is
 * recorded. Nothing expires: retention is left to the operator.
 */
import type { OutboxMessage } from '../delivery/outbox.js';
import { outboxKeys } from '../delivery/redis-outbox.js';
import type { Redis } from 'ioredis';
import type { JudgeState } from '../analysis/judge/judge-state.js';
import {
  VERIFICATION_STATUSES,
  type Verdict,
  type Verification,
  type VerificationStatus,
} from '../verification/verification.js';
import { DecisionWaiters } from './decision-waiters.js';
import { createDecisionListener } from './redis-decision-listener.js';
import {
  appendEvidenceScript,
  backfillTimelineScript,
  createScript,
  decideScript,
  saveStepScript,
} from './redis-verification-scripts.js';
import { StoreError } from './store-error.js';
import {
  DEFAULT_EVIDENCE_LIMIT,
  checkEvidenceLimit,
  decodeEvidence,
  decodeJudgeState,
  decodeVerification,
  encodeCreate,
  encodeEvidence,
  encodeStep,
  encodeVerdict,
  type RecordFields,
} from './verification-codec.js';
import {
  compareTimelineNewestFirst,
  decodeTimelineEntry,
  encodeTimelineEntry,
  timelineEntryOf,
  type TimelineEntry,
} from './timeline-entry.js';
import { checkTimelineRange } from './timeline-range.js';
import { checkFilter, matchesFilter, type CheckedFilter } from './verification-filter.js';
import { encodeCursor, orderKey } from './verification-order.js';
import type { StepEvidence, StepUpdate, VerificationPage, VerificationStore } from './verification-store.js';

export interface RedisVerificationStoreOptions {
  /** Connection for commands; owned by the caller (not closed by `close`). Do not set ioredis' own `keyPrefix` on it. */
  readonly redis: Redis;
  /** Prefix of every key and channel, e.g. `vigil:`. */
  readonly keyPrefix: string;
  /**
   * Connection for pub/sub (`waitForDecision`): a connection owned by the caller, or a factory
   * whose connection the store owns. Default: `redis.duplicate()`, opened on first wait.
   */
  readonly subscriber?: Redis | (() => Redis);
  /** Evidence entries kept per verification, the newest (default DEFAULT_EVIDENCE_LIMIT). */
  readonly evidenceLimit?: number;
  /** Time source for `updatedAt`. */
  readonly clock?: () => Date;
}

export interface RedisVerificationStore extends VerificationStore {
  /** Stops listening for decisions (failing pending waits with STORE_CLOSED) and closes connections the store owns. */
  close(): Promise<void>;
}

/** Index members fetched per round trip while a `list` skips records its index cannot filter out. */
const LIST_BATCH = 100;
/** Records checked per round trip while old records are added to the timeline. */
const BACKFILL_BATCH = 500;

/** Creates the Redis verification store. */
export function createRedisVerificationStore(options: RedisVerificationStoreOptions): RedisVerificationStore {
  const { redis, keyPrefix: prefix } = options;
  const evidenceLimit = String(checkEvidenceLimit(options.evidenceLimit ?? DEFAULT_EVIDENCE_LIMIT));
  const clock = options.clock ?? (() => new Date());
  const keys = {
    record: (id: string) => `${prefix}verification:${id}`,
    judgeState: (id: string) => `${prefix}judge-state:${id}`,
    evidence: (id: string) => `${prefix}evidence:${id}`,
    all: `${prefix}index:all`,
    status: (status: VerificationStatus) => `${prefix}index:status:${status}`,
    service: (service: string) => `${prefix}index:service:${encodeURIComponent(service)}`,
    environment: (environment: string) => `${prefix}index:environment:${encodeURIComponent(environment)}`,
    serviceEnvironment: (service: string, environment: string) =>
      `${prefix}index:service-environment:${encodeURIComponent(service)}:${encodeURIComponent(environment)}`,
    decidedChannel: `${prefix}decided`,
    timeline: `${prefix}index:timeline`,
    timelineBackfilled: `${prefix}timeline:backfilled`,
  };
  const outbox = outboxKeys(prefix);
  const waiters = new DecisionWaiters();
  const listener = createDecisionListener(redis, options.subscriber, keys.decidedChannel, waiters);

  /** Runs a Redis call, turning its failures into StoreErrors named after `operation`. */
  const attempt = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes('WRONGTYPE')) {
        throw new StoreError('CORRUPT_RECORD', `${operation}: a key holds a foreign value (${message})`, {
          cause: error,
        });
      }
      throw new StoreError('STORE_UNAVAILABLE', `${operation}: Redis failed: ${message}`, { cause: error });
    }
  };
  const reply = (operation: string, id: string, word: unknown): string => {
    if (word === 'NOT_FOUND')
      throw new StoreError('VERIFICATION_NOT_FOUND', `${operation}(${id}): no such verification`);
    if (word === 'CORRUPT')
      throw new StoreError('CORRUPT_RECORD', `${operation}(${id}): the stored record is not valid`);
    if (typeof word !== 'string')
      throw new StoreError('STORE_UNAVAILABLE', `${operation}(${id}): unexpected reply from Redis`);
    return word;
  };
  const read = (id: string): Promise<Verification | undefined> =>
    attempt(`get(${id})`, async () => {
      const fields = await redis.hgetall(keys.record(id));
      return Object.keys(fields).length === 0 ? undefined : decodeVerification(id, fields);
    });
  /** Order keys in `index`, newest first, after `after` and not before `sincePrefix`. */
  const pageOfIndex = (index: string, checked: CheckedFilter, after: string | undefined, count: number) =>
    redis.zrevrangebylex(
      index,
      after === undefined ? '+' : `(${after}`,
      checked.sincePrefix === undefined ? '-' : `[${checked.sincePrefix}`,
      'LIMIT',
      0,
      count,
    );
  const readMany = async (members: readonly string[]): Promise<(Verification | undefined)[]> => {
    const pipeline = redis.pipeline();
    const ids = members.map((member) => member.slice(member.indexOf(':') + 1));
    for (const id of ids) pipeline.hgetall(keys.record(id));
    const results = (await pipeline.exec()) ?? [];
    return ids.map((id, index) => {
      const [error, fields] = results[index] ?? [new Error('no reply'), undefined];
      if (error) throw error;
      // A member whose record is gone (deleted by hand) is skipped: the index is only a pointer.
      return isEmpty(fields) ? undefined : decodeVerification(id, fields as RecordFields);
    });
  };
  /** The timeline entry of `verification` in the state being written, as (score, member) script arguments. */
  const timelineArgs = (entry: TimelineEntry): [string, string] => [
    String(entry.startedAtMs),
    encodeTimelineEntry(entry),
  ];
  /**
   * Adds the timeline entries of records written before the timeline existed, once per Redis
   * (idempotent, so daemons racing here are harmless); a failed run is retried on the next call.
   */
  let backfill: Promise<void> | undefined;
  const backfillTimeline = async (): Promise<void> => {
    if ((await redis.exists(keys.timelineBackfilled)) === 1) return;
    for (let start = 0; ; start += BACKFILL_BATCH) {
      const members = await redis.zrange(keys.all, String(start), String(start + BACKFILL_BATCH - 1));
      const pipeline = redis.pipeline();
      for (const member of members)
        pipeline.hexists(keys.record(member.slice(member.indexOf(':') + 1)), 'timeline');
      const present = (await pipeline.exec()) ?? [];
      const missing = members.filter((_member, index) => present[index]?.[1] === 0);
      for (const verification of await readMany(missing)) {
        if (verification === undefined) continue;
        await backfillTimelineScript.run(
          redis,
          [keys.record(verification.id), keys.timeline],
          [...timelineArgs(timelineEntryOf(verification)), verification.status],
        );
      }
      if (members.length < BACKFILL_BATCH) break;
    }
    await redis.set(keys.timelineBackfilled, new Date().toISOString());
  };
  /** The index to scan, and whether every member of it matches the filter (no records skipped). */
  const chooseIndex = ({ filter }: CheckedFilter): { key: string; isExact: boolean } => {
    const { service, environment, status } = filter;
    const only = (key: string, fields: number) => ({
      key,
      isExact: [service, environment, status].filter((value) => value !== undefined).length === fields,
    });
    // The active statuses are few; decided ones grow without bound, so prefer service/environment.
    if (status === 'pending' || status === 'analyzing') return only(keys.status(status), 1);
    if (service !== undefined && environment !== undefined)
      return only(keys.serviceEnvironment(service, environment), 2);
    if (service !== undefined) return only(keys.service(service), 1);
    if (environment !== undefined) return only(keys.environment(environment), 1);
    return status === undefined ? only(keys.all, 0) : only(keys.status(status), 1);
  };

  return {
    create: async (verification: Verification, judgeState: JudgeState) => {
      const { id } = verification;
      const encoded = encodeCreate(verification, judgeState);
      const { service, environment } = verification.marker;
      const result = await attempt(`create(${id})`, () =>
        createScript.run(
          redis,
          [
            keys.record(id),
            keys.judgeState(id),
            keys.timeline,
            keys.all,
            keys.status(verification.status),
            keys.service(service),
            keys.environment(environment),
            keys.serviceEnvironment(service, environment),
          ],
          [
            encoded.orderKey,
            encoded.judgeState,
            ...timelineArgs(timelineEntryOf(verification)),
            ...Object.entries(encoded.fields).flat(),
          ],
        ),
      );
      if (!Array.isArray(result))
        throw new StoreError('STORE_UNAVAILABLE', `create(${id}): unexpected reply from Redis`);
      if (result[0] === 1) return { created: true, verification: decodeVerification(id, encoded.fields) };
      return { created: false, verification: decodeVerification(id, pairsToFields(result[1])) };
    },

    get: read,

    list: async (filter) => {
      const checked = checkFilter(filter);
      const index = chooseIndex(checked);
      const items: Verification[] = [];
      const batch = index.isExact ? checked.limit + 1 : Math.max(LIST_BATCH, checked.limit + 1);
      let after = checked.after;
      return attempt('list', async (): Promise<VerificationPage> => {
        for (;;) {
          const members = await pageOfIndex(index.key, checked, after, batch);
          const verifications = await readMany(members);
          for (const verification of verifications) {
            if (verification === undefined || !matchesFilter(verification, checked)) continue;
            if (items.length === checked.limit) {
              const last = items[items.length - 1];
              return last === undefined
                ? { items }
                : { items, nextCursor: encodeCursor(orderKey(last.createdAt, last.id)) };
            }
            items.push(verification);
          }
          after = members[members.length - 1];
          if (after === undefined || members.length < batch) return { items };
        }
      });
    },

    getJudgeState: (id: string) =>
      attempt(`getJudgeState(${id})`, async () => {
        const text = await redis.get(keys.judgeState(id));
        return text === null ? undefined : decodeJudgeState(id, text);
      }),

    saveStep: async (id: string, update: StepUpdate) => {
      const step = encodeStep(id, update);
      const current = await read(id);
      if (current === undefined)
        throw new StoreError('VERIFICATION_NOT_FOUND', `saveStep(${id}): no such verification`);
      const word = await attempt(`saveStep(${id})`, () =>
        saveStepScript.run(
          redis,
          [
            keys.record(id),
            keys.judgeState(id),
            keys.status('pending'),
            keys.status('analyzing'),
            keys.timeline,
          ],
          [
            step.expected,
            step.intervalsJudged,
            step.failedSteps,
            step.lastJudgement,
            clock().toISOString(),
            step.judgeState,
            orderKey(current.createdAt, id),
            ...timelineArgs(timelineEntryOf(current, 'analyzing', null)),
          ],
        ),
      );
      return reply('saveStep', id, word) === 'SAVED';
    },

    decide: async (id: string, verdict: Verdict, messages: readonly OutboxMessage[] = []) => {
      const text = encodeVerdict(id, verdict);
      const current = await read(id);
      if (current === undefined)
        throw new StoreError('VERIFICATION_NOT_FOUND', `decide(${id}): no such verification`);
      const now = clock();
      const word = await attempt(`decide(${id})`, () =>
        decideScript.run(
          redis,
          [
            keys.record(id),
            keys.status('pending'),
            keys.status('analyzing'),
            keys.status(verdict.outcome),
            outbox.due,
            outbox.messages,
            outbox.attempts,
            keys.timeline,
          ],
          [
            verdict.outcome,
            text,
            now.toISOString(),
            orderKey(current.createdAt, id),
            keys.decidedChannel,
            id,
            String(now.getTime()),
            ...timelineArgs(timelineEntryOf(current, verdict.outcome, verdict)),
            ...messages.flatMap((message) => [message.id, JSON.stringify(message)]),
          ],
        ),
      );
      return reply('decide', id, word) === 'DECIDED';
    },

    appendEvidence: async (id: string, evidence: StepEvidence) => {
      const text = encodeEvidence(id, evidence);
      const word = await attempt(`appendEvidence(${id})`, () =>
        appendEvidenceScript.run(redis, [keys.record(id), keys.evidence(id)], [text, evidenceLimit]),
      );
      reply('appendEvidence', id, word);
    },

    listEvidence: (id: string) =>
      attempt(`listEvidence(${id})`, async () => {
        const texts = await redis.lrange(keys.evidence(id), 0, -1);
        return texts.map((text) => decodeEvidence(id, text));
      }),

    waitForDecision: (id: string, timeoutMs: number) =>
      waiters.waitForDecision(id, timeoutMs, () => read(id), listener.ready),

    countByStatus: () =>
      attempt('countByStatus', async () => {
        const pipeline = redis.pipeline();
        for (const status of VERIFICATION_STATUSES) pipeline.zcard(keys.status(status));
        const results = (await pipeline.exec()) ?? [];
        const counts = VERIFICATION_STATUSES.map((status, index) => {
          const [error, count] = results[index] ?? [new Error('no reply'), undefined];
          if (error) throw error;
          if (typeof count !== 'number')
            throw new StoreError('STORE_UNAVAILABLE', 'countByStatus: unexpected reply from Redis');
          return [status, count] as const;
        });
        return Object.fromEntries(counts) as Record<VerificationStatus, number>;
      }),

    listActive: () =>
      attempt('listActive', async () => {
        const [pending, analyzing] = await Promise.all([
          redis.zrange(keys.status('pending'), '0', '-1'),
          redis.zrange(keys.status('analyzing'), '0', '-1'),
        ]);
        return [...pending, ...analyzing].sort().map((member) => member.slice(member.indexOf(':') + 1));
      }),

    listTimeline: (range) =>
      attempt('listTimeline', async () => {
        const { fromMs, toMs } = checkTimelineRange(range);
        backfill ??= backfillTimeline().catch((error: unknown) => {
          backfill = undefined;
          throw error;
        });
        await backfill;
        const members = await redis.zrevrangebyscore(keys.timeline, toMs, fromMs);
        return members.map(decodeTimelineEntry).sort(compareTimelineNewestFirst);
      }),

    close: async () => {
      waiters.close();
      await listener.close();
    },
  };
}

function isEmpty(fields: unknown): boolean {
  return typeof fields !== 'object' || fields === null || Object.keys(fields).length === 0;
}

/** HGETALL as returned from Lua (`[field, value, ...]`) to a field map. */
function pairsToFields(pairs: unknown): RecordFields {
  const fields: Record<string, string> = {};
  if (!Array.isArray(pairs)) return fields;
  for (let index = 0; index + 1 < pairs.length; index += 2) {
    const [field, value] = [pairs[index] as unknown, pairs[index + 1] as unknown];
    if (typeof field === 'string' && typeof value === 'string') fields[field] = value;
  }
  return fields;
}
