/**
 * The three judges of the detection benchmark, each reduced to a verdict and the interval it came
 * at: Vigil (replayIntervals, exactly as the daemon), the Kayenta-compatible judge with Spinnaker's
 * canary-stage decision, and Wald's SPRT oracle that knows the true model.
 */
import { replayIntervals } from '../../src/analysis/judge/replay.js';
import { initialJudgeState, judgeInterval } from '../../src/analysis/judge/judge-interval.js';
import type { RuleSet } from '../../src/analysis/rule-set.js';
import type { SteppedInterval } from '../../src/simulation/stepped-canary-simulator.js';
import type { OracleModel } from './scenarios.js';

export type Verdict = 'promote' | 'rollback' | 'inconclusive';

export interface AnalysisOutcome {
  readonly verdict: Verdict;
  /** 1-based interval of the verdict (the last interval for inconclusive). */
  readonly interval: number;
}

/** Vigil: the same replay the daemon runs, one look per interval. */
export function judgeWithVigil(ruleSet: RuleSet, intervals: readonly SteppedInterval[]): AnalysisOutcome {
  const result = replayIntervals(
    ruleSet,
    intervals.map((interval) => interval.vigil),
  );
  return { verdict: result.verdict, interval: result.decidedAtInterval };
}

/**
 * Kayenta as a Spinnaker canary stage runs it: at each interval a cumulative canary analysis of the
 * per-step series so far; the stage fails as soon as a score is below marginal, and at the end
 * succeeds when the last score is at least pass. A last score between marginal and pass is counted
 * as inconclusive here (Spinnaker fails the stage, but it is not a verdict of the judge).
 */
export function judgeWithKayenta(ruleSet: RuleSet, intervals: readonly SteppedInterval[]): AnalysisOutcome {
  let state = initialJudgeState(ruleSet);
  const { pass, marginal } = ruleSet.scoring;
  let score: number | null = null;
  for (const [index, interval] of intervals.entries()) {
    const step = judgeInterval(ruleSet, state, interval.steps);
    state = step.state;
    score = step.judgement.score;
    if (score !== null && score < marginal) return { verdict: 'rollback', interval: index + 1 };
  }
  return {
    verdict: score !== null && score >= pass ? 'promote' : 'inconclusive',
    interval: intervals.length,
  };
}

/**
 * Wald's SPRT on the regressed KHI with the true baseline and canary models, error rates α = β =
 * `alpha`, looked at once per interval like the other judges: rollback when log LR ≥ log((1−β)/α),
 * promote when ≤ log(β/(1−α)). Errors: Bernoulli(p_baseline) vs Bernoulli(p_canary) on canary
 * requests; latency: N(μ_baseline, σ²) vs N(μ_canary, σ²) on canary log-latencies (exact values).
 */
export function judgeWithOracle(
  model: OracleModel,
  alpha: number,
  intervals: readonly SteppedInterval[],
): AnalysisOutcome {
  const upper = Math.log((1 - alpha) / alpha);
  const lower = Math.log(alpha / (1 - alpha));
  let logLikelihoodRatio = 0;
  for (const [index, interval] of intervals.entries()) {
    const canary = interval.truth.canary;
    logLikelihoodRatio += intervalLogLikelihoodRatio(
      model,
      canary.requests,
      canary.errors,
      canary.logLatencySum,
    );
    if (logLikelihoodRatio >= upper) return { verdict: 'rollback', interval: index + 1 };
    if (logLikelihoodRatio <= lower) return { verdict: 'promote', interval: index + 1 };
  }
  return { verdict: 'inconclusive', interval: intervals.length };
}

function intervalLogLikelihoodRatio(
  model: OracleModel,
  requests: number,
  errors: number,
  logLatencySum: number,
): number {
  if (model.khi === 'errors') {
    const { baselineRate: p0, canaryRate: p1 } = model;
    // With p0 = 0 a single canary error is impossible under the null: log LR = +∞.
    const errorTerm = errors === 0 ? 0 : errors * (Math.log(p1) - Math.log(p0));
    return errorTerm + (requests - errors) * (Math.log1p(-p1) - Math.log1p(-p0));
  }
  const { baselineLogMean: m0, canaryLogMean: m1, sigma } = model;
  return ((m1 - m0) / (sigma * sigma)) * (logLatencySum - (requests * (m0 + m1)) / 2);
}
