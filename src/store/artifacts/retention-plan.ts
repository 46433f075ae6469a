/**
 * Which evidence bundles to delete, and why. Pure: the sweeper (retention-sweeper.ts) gathers the
 * facts and deletes. Rules, in order:
 * - a pinned bundle (legal hold) is never deleted, nor one whose verification is still running or
 *   unknown to the store (evidence whose verdict we cannot see is not ours to judge stale);
 * - a decided bundle older than its verdict's retention is deleted (`expired`);
 * - while the rest is over the disk quota, the oldest unpinned promoted bundles go first, then
 *   aborted ones (`quota`). Rolled-back and inconclusive bundles are what incident responders need:
 *   the quota never deletes them before their retention ends; the sweep reports the shortfall.
 */
import type { VerdictOutcome } from '../../verification/verification.js';

export interface RetentionPolicy {
  /** Days a bundle is kept after its verdict, by outcome. */
  readonly retentionDays: Readonly<Record<VerdictOutcome, number>>;
  /** Bytes all bundles may take together; no quota when absent. */
  readonly quotaBytes?: number;
}

export interface BundleFacts {
  readonly verificationId: string;
  readonly bytes: number;
  readonly pinned: boolean;
  /** Absent while analysing, or when the verification is unknown. */
  readonly verdict?: { readonly outcome: VerdictOutcome; readonly decidedAt: string };
}

export interface Eviction {
  readonly verificationId: string;
  readonly reason: 'expired' | 'quota';
  readonly bytes: number;
}

export interface EvictionPlan {
  readonly evict: readonly Eviction[];
  /** Bytes still over the quota after the plan (0 when within it or without a quota). */
  readonly overQuotaBytes: number;
}

const DAY_MS = 86_400_000;
/** The quota deletes these, in this order; never rolled-back or inconclusive bundles. */
const QUOTA_ORDER: readonly VerdictOutcome[] = ['promote', 'aborted'];

/** When the bundle may be deleted (ISO-8601), or null while it must be kept whatever its age. */
export function bundleExpiry(
  facts: Pick<BundleFacts, 'pinned' | 'verdict'>,
  policy: RetentionPolicy,
): string | null {
  if (facts.pinned || facts.verdict === undefined) return null;
  const decidedMs = Date.parse(facts.verdict.decidedAt);
  if (!Number.isFinite(decidedMs)) return null;
  return new Date(decidedMs + policy.retentionDays[facts.verdict.outcome] * DAY_MS).toISOString();
}

export function planEviction(
  bundles: readonly BundleFacts[],
  policy: RetentionPolicy,
  nowMs: number,
): EvictionPlan {
  const evict: Eviction[] = [];
  const kept: BundleFacts[] = [];
  for (const bundle of bundles) {
    const expiry = bundleExpiry(bundle, policy);
    if (expiry !== null && Date.parse(expiry) <= nowMs)
      evict.push({ verificationId: bundle.verificationId, reason: 'expired', bytes: bundle.bytes });
    else kept.push(bundle);
  }
  if (policy.quotaBytes === undefined) return { evict, overQuotaBytes: 0 };
  let used = kept.reduce((sum, bundle) => sum + bundle.bytes, 0);
  for (const outcome of QUOTA_ORDER) {
    const candidates = kept
      .filter((bundle) => !bundle.pinned && bundle.verdict?.outcome === outcome)
      .sort((a, b) => Date.parse(a.verdict?.decidedAt ?? '') - Date.parse(b.verdict?.decidedAt ?? ''));
    for (const bundle of candidates) {
      if (used <= policy.quotaBytes) break;
      evict.push({ verificationId: bundle.verificationId, reason: 'quota', bytes: bundle.bytes });
      used -= bundle.bytes;
    }
  }
  return { evict, overQuotaBytes: Math.max(0, used - policy.quotaBytes) };
}
