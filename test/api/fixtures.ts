/**
 * Judge outputs for API tests: a KHI result, a judgement and verdicts as the analysis core makes them.
 */
import type { Judgement } from '../../src/analysis/judge/judge-interval.js';
import type { KhiResult } from '../../src/analysis/judge/khi-result.js';
import type { Verdict, VerdictOutcome } from '../../src/verification/verification.js';

export const ERROR_RATE_RESULT: KhiResult = {
  name: 'error-rate',
  classification: 'pass',
  critical: true,
  failed: false,
  test: 'poisson',
  pValue: 0.62,
  adjustedPValue: 1,
  effect: { baseline: 0.01, canary: 0.011, ratio: 1.1, baselineSamples: 5000, canarySamples: 4900 },
  weight: 2,
  group: 'errors',
  reason: 'error rate 1.10% vs 1.00%: no significant increase',
};

export function judgement(
  interval: number,
  outcome: Judgement['decision']['outcome'] = 'continue',
): Judgement {
  return {
    interval,
    khis: [ERROR_RATE_RESULT],
    score: 96,
    decision: { outcome, reasons: [`after interval ${interval}`] },
  };
}

export function verdict(outcome: VerdictOutcome, decidedAtInterval = 3): Verdict {
  return {
    outcome,
    decidedAt: '2026-11-28T02:30:00.000Z',
    decidedAtInterval,
    score: 96,
    khis: [ERROR_RATE_RESULT],
    reasons: [`${outcome} after ${decidedAtInterval} intervals`],
  };
}
