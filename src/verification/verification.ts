/**
 * A Verification: the analysis of one deployment — its marker, state, steps so far and verdict.
 */
import type { Judgement } from '../analysis/judge/judge-interval.js';
import type { JudgeState } from '../analysis/judge/judge-state.js';
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { DeploymentMarker } from '../ingest/deployment-marker-schema.js';

/** Every state a verification can be in, in lifecycle order. */
export const VERIFICATION_STATUSES = [
  'pending',
  'analyzing',
  'promote',
  'rollback',
  'inconclusive',
  'aborted',
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
export type VerdictOutcome = 'promote' | 'rollback' | 'inconclusive' | 'aborted';

/** True when the status is final. */
export function isDecided(status: VerificationStatus): status is VerdictOutcome {
  return status !== 'pending' && status !== 'analyzing';
}

/** The final decision, recorded exactly once. */
export interface Verdict {
  readonly outcome: VerdictOutcome;
  /** ISO-8601. */
  readonly decidedAt: string;
  /** 1-based interval after which it was decided (0 when aborted before the first step). */
  readonly decidedAtInterval: number;
  readonly score: number | null;
  readonly khis: readonly KhiResult[];
  readonly reasons: readonly string[];
  /** The evidence bundle as sealed with the verdict (absent for verdicts recorded before bundles). */
  readonly artifacts?: BundleSeal;
}

/** What the verdict records of its evidence bundle (store/artifacts/bundle-manifest.ts). */
export interface BundleSeal {
  /** SHA-256 of `manifest.json`'s bytes; null when the manifest itself could not be stored. */
  readonly manifestSha256: string | null;
  readonly files: number;
  readonly bytes: number;
  /** False when some evidence could not be stored (disk full, store down): see `problems`. */
  readonly complete: boolean;
  readonly problems: readonly string[];
}

export interface Verification {
  /** The deployment id (also the marker's `id`). */
  readonly id: string;
  /** The marker as accepted, with `id` and `startedAt` filled in. */
  readonly marker: DeploymentMarker & { readonly id: string; readonly startedAt: string };
  /** SHA-256 of the marker as posted (canonical JSON): same id + same hash = an idempotent retry. */
  readonly markerSha256: string;
  readonly ruleSetSha256: string;
  /** The rule set's timing, so clients can show progress (`intervalsJudged` of `maxIntervals`). */
  readonly plan?: {
    readonly intervalSeconds: number;
    readonly minIntervals: number;
    readonly maxIntervals: number;
  };
  readonly status: VerificationStatus;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Intervals judged so far. */
  readonly intervalsJudged: number;
  /** Steps in a row whose backend queries all failed. */
  readonly failedSteps: number;
  /** The latest interval's judgement (null before the first step). */
  readonly lastJudgement: Judgement | null;
  readonly verdict: Verdict | null;
}

/** The judge's state is stored beside the record (it can be large) and read only by steps. */
export type StoredJudgeState = JudgeState;
