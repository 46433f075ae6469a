/**
 * Port: where verifications live. Redis in production (store/redis-verification-store.ts), memory
 * in component tests (store/memory-verification-store.ts); one contract test suite runs against
 * both (test/store/verification-store-contract.ts).
 */
import type { OutboxMessage } from '../delivery/outbox.js';
import type { JudgeState } from '../analysis/judge/judge-state.js';
import type { Judgement } from '../analysis/judge/judge-interval.js';
import type { Verdict, Verification, VerificationStatus } from '../verification/verification.js';
import type { TimelineEntry } from './timeline-entry.js';

export interface VerificationFilter {
  readonly service?: string;
  readonly environment?: string;
  readonly status?: VerificationStatus;
  /** ISO-8601: only verifications created at or after this time. */
  readonly since?: string;
  /** 1–500. */
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface VerificationPage {
  readonly items: readonly Verification[];
  /** Present when there are more items. */
  readonly nextCursor?: string;
}

/** One step's results, written only if nobody else wrote this step first. */
export interface StepUpdate {
  /** `intervalsJudged` the writer read; the write fails if it changed meanwhile. */
  readonly expectedIntervalsJudged: number;
  readonly intervalsJudged: number;
  readonly failedSteps: number;
  readonly judgeState: JudgeState;
  readonly lastJudgement: Judgement | null;
}

/** Evidence of one step: resolved queries, raw backend answers, observations, statistics. */
export interface StepEvidence {
  readonly interval: number;
  readonly recordedAt: string;
  readonly [key: string]: unknown;
}

export interface VerificationStore {
  /**
   * Creates the verification unless one with its id exists; returns the stored one either way
   * (`created` tells which). Callers compare `markerSha256` to tell a retry from a conflict.
   */
  create(
    verification: Verification,
    judgeState: JudgeState,
  ): Promise<{ created: boolean; verification: Verification }>;
  get(id: string): Promise<Verification | undefined>;
  /** Newest first. */
  list(filter: VerificationFilter): Promise<VerificationPage>;
  getJudgeState(id: string): Promise<JudgeState | undefined>;
  /**
   * Compare-and-set on `intervalsJudged`; false when another worker recorded this step, or it is
   * decided. Moves `pending` to `analyzing`. Unknown id: StoreError VERIFICATION_NOT_FOUND.
   */
  saveStep(id: string, update: StepUpdate): Promise<boolean>;
  /**
   * Records the verdict unless one is recorded already (exactly once); false if it lost the race.
   * Unknown id: StoreError VERIFICATION_NOT_FOUND (nothing is created).
   */
  decide(id: string, verdict: Verdict, messages?: readonly OutboxMessage[]): Promise<boolean>;
  appendEvidence(id: string, evidence: StepEvidence): Promise<void>;
  listEvidence(id: string): Promise<readonly StepEvidence[]>;
  /** Resolves with the verification once decided, or with its current state after `timeoutMs`. */
  waitForDecision(id: string, timeoutMs: number): Promise<Verification | undefined>;
  /** Counts by status, for the daemon's metrics. */
  countByStatus(): Promise<Readonly<Record<VerificationStatus, number>>>;
  /** Ids not decided yet (pending or analyzing), oldest first: what a restarted daemon resumes. */
  listActive(): Promise<readonly string[]>;
  /**
   * Every verification whose marker started in [fromMs, toMs] (ms, inclusive), as compact timeline
   * entries, newest first (startedAt, then id, descending). Reads no whole records; cost grows with
   * the entries in the range, so callers bound it.
   */
  listTimeline(range: TimelineRange): Promise<readonly TimelineEntry[]>;
}

/** A closed time range of marker start times, ms since the epoch. */
export interface TimelineRange {
  readonly fromMs: number;
  readonly toMs: number;
}
