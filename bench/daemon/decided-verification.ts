/**
 * The verification the verdict-endpoint benchmark reads: decided `rollback` after 3 intervals,
 * with a result for each of the 12 KHIs of the benchmark rule set (a realistic body, ~5 KB).
 */
import { initialJudgeState } from '../../src/analysis/judge/judge-interval.js';
import type { KhiResult } from '../../src/analysis/judge/khi-result.js';
import type { LoadedRuleSet } from '../../src/config/load-rule-set.js';
import type { VerificationStore } from '../../src/store/verification-store.js';
import type { Verification } from '../../src/verification/verification.js';

export const DECIDED_DEPLOYMENT_ID = 'bench-verdict-1';

/** Creates the verification in `store` and records its verdict. */
export async function storeDecidedVerification(
  store: VerificationStore,
  loaded: LoadedRuleSet,
  nowMs: number,
): Promise<void> {
  const startedAt = new Date(nowMs - 10 * 60_000).toISOString();
  const verification: Verification = {
    id: DECIDED_DEPLOYMENT_ID,
    marker: {
      id: DECIDED_DEPLOYMENT_ID,
      service: 'demo-shop',
      environment: 'bench',
      version: 'v2',
      baselineVersion: 'v1',
      strategy: 'canary',
      ruleSet: loaded.ruleSet.name,
      startedAt,
      canary: { labels: { version: 'v2' } },
      baseline: { labels: { version: 'v1' } },
    },
    markerSha256: '0'.repeat(64),
    ruleSetSha256: loaded.sha256,
    plan: { intervalSeconds: 30, minIntervals: 10, maxIntervals: 10 },
    status: 'pending',
    createdAt: startedAt,
    updatedAt: startedAt,
    intervalsJudged: 0,
    failedSteps: 0,
    lastJudgement: null,
    verdict: null,
  };
  await store.create(verification, initialJudgeState(loaded.ruleSet));
  const khis: KhiResult[] = loaded.ruleSet.khis.map((khi, i) => ({
    name: khi.name,
    classification: i === 0 ? 'high' : 'pass',
    critical: khi.critical,
    failed: i === 0,
    test: khi.kind === 'ratio' ? 'poisson' : 'mann-whitney',
    method: 'asymptotic',
    statistic: 1.2345 + i,
    pValue: i === 0 ? 0.00012 : 0.4 + i / 100,
    adjustedPValue: i === 0 ? 0.0009 : 0.9,
    effect: {
      baseline: 0.0102,
      canary: i === 0 ? 0.151 : 0.0105,
      ratio: 1.03,
      difference: 0.0003,
      lower: -0.001,
      upper: 0.002,
      confidence: 0.99,
      baselineSamples: 24_000,
      canarySamples: 23_800,
    },
    weight: 1,
    group: khi.group,
    reason:
      i === 0
        ? 'canary error rate 15.1% vs baseline 1.02%: significantly higher (p = 0.0009)'
        : 'no significant change (p = 0.9)',
  }));
  await store.decide(DECIDED_DEPLOYMENT_ID, {
    outcome: 'rollback',
    decidedAt: new Date(nowMs).toISOString(),
    decidedAtInterval: 3,
    score: 41.7,
    khis,
    reasons: ['critical KHI error-rate failed: canary error rate 15.1% vs baseline 1.02%'],
  });
}
