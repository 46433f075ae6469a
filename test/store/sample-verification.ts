/** Sample verifications, judge states and verdicts for the verification-store tests. */
import { initialJudgeState, judgeInterval, type Judgement } from '../../src/analysis/judge/judge-interval.js';
import type { JudgeState } from '../../src/analysis/judge/judge-state.js';
import type { RuleSet } from '../../src/analysis/rule-set.js';
import { compileRuleSet } from '../../src/config/compile-rule-set.js';
import type { StepUpdate } from '../../src/store/verification-store.js';
import type { Verdict, VerdictOutcome, Verification } from '../../src/verification/verification.js';

export const ruleSet: RuleSet = compileRuleSet(
  {
    name: 'web-service',
    analysis: { interval: '60s', minIntervals: 2, maxIntervals: 5, alpha: 0.01 },
    scoring: { pass: 95, marginal: 75 },
    khis: [
      { name: 'error-rate', kind: 'ratio', direction: 'increase', critical: true, minSamples: 10 },
      { name: 'latency', kind: 'distribution', direction: 'increase', minSamples: 5 },
    ],
  },
  'sample-verification.ts',
);

/** A pending verification created at `createdAt` (default 2026-01-01T00:00:00Z). */
export function sampleVerification(options: {
  id: string;
  service?: string;
  environment?: string;
  createdAt?: string;
  markerSha256?: string;
}): Verification {
  const createdAt = options.createdAt ?? '2026-01-01T00:00:00.000Z';
  return {
    id: options.id,
    marker: {
      id: options.id,
      service: options.service ?? 'checkout',
      environment: options.environment ?? 'production',
      version: 'v2.0.1',
      baselineVersion: 'v2.0.0',
      strategy: 'canary',
      ruleSet: 'web-service',
      startedAt: createdAt,
      canary: { labels: { version: 'v2.0.1', track: 'canary' }, url: 'http://canary.internal:8080' },
      baseline: { labels: { version: 'v2.0.0', track: 'baseline' } },
      commit: '4f2a9c1',
      metadata: { pipeline: 'deploy-42', attempt: 1, 'unicode ✓': 'é' },
    },
    markerSha256: options.markerSha256 ?? 'a'.repeat(64),
    ruleSetSha256: 'b'.repeat(64),
    status: 'pending',
    createdAt,
    updatedAt: createdAt,
    intervalsJudged: 0,
    failedSteps: 0,
    lastJudgement: null,
    verdict: null,
  };
}

export function sampleJudgeState(): JudgeState {
  return initialJudgeState(ruleSet);
}

/** The judge's real output for one interval of healthy data after `state`. */
export function judgeOneInterval(state: JudgeState): { state: JudgeState; judgement: Judgement } {
  return judgeInterval(ruleSet, state, {
    khis: {
      'error-rate': { baseline: { events: 1, total: 1000 }, canary: { events: 1, total: 1000 } },
      latency: {
        baseline: { values: [0.1, 0.12, 0.11, 0.13, 0.1, 0.09] },
        canary: { values: [0.1, 0.11, 0.12, 0.1, 0.1, 0.14] },
      },
    },
  });
}

/** The step update recording the next interval after `state`. */
export function sampleStep(state: JudgeState, failedSteps = 0): StepUpdate {
  const next = judgeOneInterval(state);
  return {
    expectedIntervalsJudged: state.intervalsJudged,
    intervalsJudged: next.state.intervalsJudged,
    failedSteps,
    judgeState: next.state,
    lastJudgement: next.judgement,
  };
}

export function sampleVerdict(outcome: VerdictOutcome, reason = `decided ${outcome}`): Verdict {
  return {
    outcome,
    decidedAt: '2026-01-01T00:05:00.000Z',
    decidedAtInterval: outcome === 'aborted' ? 0 : 3,
    score: outcome === 'promote' ? 100 : null,
    khis: judgeOneInterval(sampleJudgeState()).judgement.khis,
    reasons: [reason],
  };
}

/** `base` plus `minutes` minutes, as ISO-8601. */
export function minutesAfter(base: string, minutes: number): string {
  return new Date(Date.parse(base) + minutes * 60_000).toISOString();
}
