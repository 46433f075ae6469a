/**
 * The verification store in memory, for component tests. Same semantics as the Redis store:
 * records are kept encoded exactly as in Redis (what goes in comes back the same way), the same
 * compare-and-set rules apply, and `waitForDecision` is woken by `decide`.
 */
import type { OutboxMessage } from '../delivery/outbox.js';
import type { JudgeState } from '../analysis/judge/judge-state.js';
import {
  VERIFICATION_STATUSES,
  isDecided,
  type Verdict,
  type Verification,
  type VerificationStatus,
} from '../verification/verification.js';
import { DecisionWaiters } from './decision-waiters.js';
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
} from './verification-codec.js';
import { checkFilter, matchesFilter } from './verification-filter.js';
import { compareTimelineNewestFirst, timelineEntryOf } from './timeline-entry.js';
import { checkTimelineRange } from './timeline-range.js';
import { compareNewestFirst, encodeCursor } from './verification-order.js';
import type { StepEvidence, StepUpdate, VerificationStore } from './verification-store.js';

export interface MemoryVerificationStoreOptions {
  /** Evidence entries kept per verification, the newest (default DEFAULT_EVIDENCE_LIMIT). */
  readonly evidenceLimit?: number;
  /** Time source for `updatedAt`. */
  readonly clock?: () => Date;
  /** Where `decide` enqueues a verdict's messages (a memory outbox). */
  readonly outbox?: { enqueueNow(messages: readonly OutboxMessage[], nowMs: number): void };
}

export interface MemoryVerificationStore extends VerificationStore {
  /** Fails pending `waitForDecision` calls with STORE_CLOSED. */
  close(): Promise<void>;
}

interface Entry {
  readonly fields: Record<string, string>;
  readonly orderKey: string;
  judgeState: string;
  evidence: string[];
}

/** Runs a synchronous operation as a promise, so a throw becomes a rejection (as with Redis). */
function settle<T>(operation: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(operation()));
}

/** Creates an empty in-memory verification store. */
export function createMemoryVerificationStore(
  options: MemoryVerificationStoreOptions = {},
): MemoryVerificationStore {
  const evidenceLimit = checkEvidenceLimit(options.evidenceLimit ?? DEFAULT_EVIDENCE_LIMIT);
  const clock = options.clock ?? (() => new Date());
  const entries = new Map<string, Entry>();
  const waiters = new DecisionWaiters();

  const read = (id: string): Verification | undefined => {
    const entry = entries.get(id);
    return entry === undefined ? undefined : decodeVerification(id, entry.fields);
  };
  /** The entry to write to and its status; throws VERIFICATION_NOT_FOUND. */
  const writable = (operation: string, id: string): { entry: Entry; status: VerificationStatus } => {
    const entry = entries.get(id);
    if (entry === undefined)
      throw new StoreError('VERIFICATION_NOT_FOUND', `${operation}(${id}): no such verification`);
    const status = entry.fields['status'] as VerificationStatus;
    if (!VERIFICATION_STATUSES.includes(status)) {
      throw new StoreError('CORRUPT_RECORD', `${operation}(${id}): unknown stored status "${status}"`);
    }
    return { entry, status };
  };
  const newestFirst = (): [string, Entry][] =>
    [...entries].sort(([, a], [, b]) => compareNewestFirst(a.orderKey, b.orderKey));

  return {
    create: (verification: Verification, judgeState: JudgeState) =>
      settle(() => {
        const encoded = encodeCreate(verification, judgeState);
        const existing = read(verification.id);
        if (existing !== undefined) return { created: false, verification: existing };
        entries.set(verification.id, {
          fields: { ...encoded.fields },
          orderKey: encoded.orderKey,
          judgeState: encoded.judgeState,
          evidence: [],
        });
        return { created: true, verification: decodeVerification(verification.id, encoded.fields) };
      }),

    get: (id: string) => settle(() => read(id)),

    list: (filter) =>
      settle(() => {
        const checked = checkFilter(filter);
        const items: Verification[] = [];
        for (const [id, entry] of newestFirst()) {
          if (checked.after !== undefined && entry.orderKey >= checked.after) continue;
          const verification = read(id);
          if (verification === undefined || !matchesFilter(verification, checked)) continue;
          if (items.length === checked.limit) {
            const last = items[items.length - 1];
            const lastKey = last === undefined ? undefined : entries.get(last.id)?.orderKey;
            return lastKey === undefined ? { items } : { items, nextCursor: encodeCursor(lastKey) };
          }
          items.push(verification);
        }
        return { items };
      }),

    getJudgeState: (id: string) =>
      settle(() => {
        const entry = entries.get(id);
        return entry === undefined ? undefined : decodeJudgeState(id, entry.judgeState);
      }),

    saveStep: (id: string, update: StepUpdate) =>
      settle(() => {
        const step = encodeStep(id, update);
        const { entry, status } = writable('saveStep', id);
        if (isDecided(status)) return false;
        const judged = entry.fields['intervalsJudged'] ?? '';
        if (!/^\d+$/.test(judged))
          throw new StoreError('CORRUPT_RECORD', `saveStep(${id}): stored intervalsJudged is not an integer`);
        if (judged !== step.expected) return false;
        Object.assign(entry.fields, {
          status: 'analyzing',
          intervalsJudged: step.intervalsJudged,
          failedSteps: step.failedSteps,
          lastJudgement: step.lastJudgement,
          updatedAt: clock().toISOString(),
        });
        entry.judgeState = step.judgeState;
        return true;
      }),

    decide: (id: string, verdict: Verdict, messages: readonly OutboxMessage[] = []) =>
      settle(() => {
        const text = encodeVerdict(id, verdict);
        const { entry, status } = writable('decide', id);
        if (isDecided(status)) return false;
        const now = clock();
        Object.assign(entry.fields, {
          status: verdict.outcome,
          verdict: text,
          updatedAt: now.toISOString(),
        });
        options.outbox?.enqueueNow(messages, now.getTime());
        waiters.notify(id);
        return true;
      }),

    appendEvidence: (id: string, evidence: StepEvidence) =>
      settle(() => {
        const text = encodeEvidence(id, evidence);
        const { entry } = writable('appendEvidence', id);
        entry.evidence = [...entry.evidence, text].slice(-evidenceLimit);
      }),

    listEvidence: (id: string) =>
      settle(() => (entries.get(id)?.evidence ?? []).map((text) => decodeEvidence(id, text))),

    waitForDecision: (id: string, timeoutMs: number) =>
      waiters.waitForDecision(id, timeoutMs, () => settle(() => read(id))),

    countByStatus: () =>
      settle(() => {
        const counts = Object.fromEntries(VERIFICATION_STATUSES.map((status) => [status, 0])) as Record<
          VerificationStatus,
          number
        >;
        for (const id of entries.keys()) counts[writable('countByStatus', id).status] += 1;
        return counts;
      }),

    listActive: () =>
      settle(() =>
        newestFirst()
          .reverse()
          .filter(([, entry]) => !isDecided(entry.fields['status'] as VerificationStatus))
          .map(([id]) => id),
      ),

    listTimeline: (range) =>
      settle(() => {
        const { fromMs, toMs } = checkTimelineRange(range);
        return [...entries.keys()]
          .map((id) => timelineEntryOf(read(id)!))
          .filter((entry) => entry.startedAtMs >= fromMs && entry.startedAtMs <= toMs)
          .sort(compareTimelineNewestFirst);
      }),

    close: () =>
      settle(() => {
        waiters.close();
      }),
  };
}
