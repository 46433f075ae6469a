/**
 * The retention sweep: gathers each bundle's size, verdict and pin, asks retention-plan.ts what
 * to delete, deletes it. Every daemon sweeps its artifacts folder on a timer; daemons sharing one
 * folder compute the same plan from the same facts, so sweeping twice deletes nothing extra.
 */
import type { Logger } from 'pino';
import type { VerificationStore } from '../verification-store.js';
import type { ArtifactStore } from './artifact-store.js';
import type { BundlePins } from './bundle-pins.js';
import { planEviction, type BundleFacts, type Eviction, type RetentionPolicy } from './retention-plan.js';

export interface SweepReport {
  readonly bundles: number;
  readonly bytes: number;
  readonly evicted: readonly Eviction[];
  readonly overQuotaBytes: number;
}

export interface RetentionSweepDeps {
  readonly artifacts: ArtifactStore;
  readonly store: Pick<VerificationStore, 'get'>;
  readonly pins: BundlePins;
  readonly policy: RetentionPolicy;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onSwept?: (report: SweepReport) => void;
}

export async function sweepBundles(deps: RetentionSweepDeps): Promise<SweepReport> {
  const [usage, pinned] = await Promise.all([deps.artifacts.bundles(), deps.pins.pinnedIds()]);
  const facts: BundleFacts[] = [];
  for (const bundle of usage) {
    const verdict = (await deps.store.get(bundle.verificationId))?.verdict ?? null;
    facts.push({
      verificationId: bundle.verificationId,
      bytes: bundle.bytes,
      pinned: pinned.has(bundle.verificationId),
      ...(verdict !== null && { verdict: { outcome: verdict.outcome, decidedAt: verdict.decidedAt } }),
    });
  }
  const plan = planEviction(facts, deps.policy, deps.now());
  const evicted: Eviction[] = [];
  for (const eviction of plan.evict) {
    // Pinned since the facts were read? A legal hold wins over the plan.
    if ((await deps.pins.get(eviction.verificationId)) !== undefined) continue;
    try {
      await deps.artifacts.remove(eviction.verificationId);
      evicted.push(eviction);
      deps.logger.info(eviction, 'evidence bundle deleted by retention');
    } catch (error) {
      deps.logger.warn({ err: error, ...eviction }, 'evidence bundle not deleted; next sweep retries');
    }
  }
  if (plan.overQuotaBytes > 0)
    deps.logger.warn(
      { overQuotaBytes: plan.overQuotaBytes, quotaBytes: deps.policy.quotaBytes },
      'artifacts over quota: only pinned, running, rolled-back or inconclusive bundles remain',
    );
  const report: SweepReport = {
    bundles: usage.length - evicted.length,
    bytes:
      usage.reduce((sum, bundle) => sum + bundle.bytes, 0) - evicted.reduce((sum, e) => sum + e.bytes, 0),
    evicted,
    overQuotaBytes: plan.overQuotaBytes,
  };
  deps.onSwept?.(report);
  return report;
}
