/**
 * Ratio KHIs (events out of a total) are tested as counts, never as a series of ratios.
 * `poisson` runs the exact conditional test of two Poisson rates (ratio 1) on the accumulated
 * counts at every look, and `fisher` Fisher's exact test on the accumulated 2×2 table, both through
 * the group-sequential design (their one-sided p-values become the looks' z); `msprt` runs the
 * always-valid rate mSPRT on each interval's counts, for analyses without a fixed number of looks.
 * Measured with bench/detection: the group-sequential `poisson` detects ×2 errors at a 0.1% rate
 * far more often than the mSPRT at the same false-rollback budget, because the design knows it
 * looks at most maxIntervals times (docs/benchmarks.md).
 */
import type { CountObservation, KhiObservations } from '../observations.js';
import { isCountObservation } from '../observations.js';
import type { KhiRule } from '../rule-set.js';
import {
  initialRateMsprtState,
  rateMsprtPValue,
  updateRateMsprt,
  type IntervalCounts,
} from '../sequential/rate-msprt.js';
import { fisherExact } from '../statistics/fisher.js';
import { clopperPearson } from '../statistics/binomial-test.js';
import { binomialCdf, binomialPmf, binomialSf } from '../statistics/binomial-distribution.js';
import { compareRates } from '../statistics/rate-comparison.js';
import { detectableRateRatio } from './detectable-change.js';
import type { EvaluationContext } from './evaluation-context.js';
import { formatRate, formatValue } from './format-numbers.js';
import type { KhiState, SequentialKhiState } from './judge-state.js';
import type { Hypothesis, KhiEvaluation } from './khi-evaluation.js';
import type { Effect } from './khi-result.js';
import { directionLookPValue, recordLook, zFromOneSidedPValue } from './sequential-looks.js';
import { recordRateSloLook, sloHypotheses } from './slo-checks.js';

const EFFECT_CONFIDENCE = 0.95;

/** Evaluates a ratio KHI after this interval was accumulated into `state`. */
export function evaluateRatio(
  rule: KhiRule,
  state: KhiState,
  observations: KhiObservations | undefined,
  context: EvaluationContext,
): KhiEvaluation {
  const canary = state.canary.counts;
  const baseline = state.baseline.counts;
  const testable = canary.total > 0 && baseline.total > 0;
  const sequential = recordLookEvidence(
    rule,
    state.sequential,
    observations,
    context.interval,
    testable ? { canary, baseline } : undefined,
  );
  const { effect, pValue: conditionalPValue } = rateEffect(canary, baseline);
  const canaryRate = canary.total > 0 ? canary.events / canary.total : undefined;
  const hypotheses = [
    directionHypothesis(rule, sequential, context, effect),
    ...sloHypotheses(rule, sequential.sloZHistory, context.design, canaryRate),
  ];
  const base = { rule, state: { ...state, sequential }, test: rule.test, effect, hypotheses };
  if (!testable) {
    const missing = canary.total === 0 ? 'canary' : 'baseline';
    return { ...base, status: 'nodata', enoughSamples: false, summary: `no ${missing} requests yet` };
  }
  const pooledRate = (canary.events + baseline.events) / (canary.total + baseline.total);
  const detectable = detectableRateRatio(
    pooledRate,
    canary.total,
    baseline.total,
    context.alphaShare[rule.name] ?? context.plan.alpha,
    context.plan.power,
  );
  return {
    ...base,
    status: 'tested',
    enoughSamples: Math.min(canary.total, baseline.total) >= rule.minSamples,
    ...fixedHorizonTest(rule, canary, baseline, conditionalPValue),
    cautionPValue: beyondTolerance(rule, effect) ? cautionPValue(rule, canary, baseline) : 1,
    regressionRuledOut: rateRegressionRuledOut(rule, canary, baseline, context.ruleOutAlpha),
    summary: `canary ${describeCounts(canary)} vs baseline ${describeCounts(baseline)}`,
    detectability:
      detectable === undefined
        ? `no events in either group yet (0 of ${canary.total + baseline.total} requests)`
        : describeDetectable(detectable, rule, context.plan.power),
  };
}

function recordLookEvidence(
  rule: KhiRule,
  previous: SequentialKhiState,
  observations: KhiObservations | undefined,
  interval: number,
  accumulated: { canary: CountObservation; baseline: CountObservation } | undefined,
): SequentialKhiState {
  const sloZHistory = recordRateSloLook(
    rule.slo,
    previous.sloZHistory,
    interval,
    accumulated?.canary ?? { events: 0, total: 0 },
  );
  if (rule.test === 'msprt') {
    const initial =
      previous.rateMsprt ??
      // Tested against "no change" (ratio 1); the tolerance is the practical-significance gate.
      // Testing against 1 + tolerance instead costs most of the power on sparse errors.
      initialRateMsprtState({ direction: rule.direction, relativeTolerance: 0 });
    const increment = intervalCounts(observations);
    return { ...previous, sloZHistory, rateMsprt: increment ? updateRateMsprt(initial, increment) : initial };
  }
  // Only the side(s) the direction judges are read back; the other stays null (not computed).
  const needed = (alternative: 'greater' | 'less') =>
    rule.direction === 'either' || (alternative === 'greater') === (rule.direction === 'increase');
  const oneSided = (alternative: 'greater' | 'less') =>
    accumulated && needed(alternative)
      ? zFromOneSidedPValue(oneSidedPValue(rule, accumulated, alternative))
      : null;
  return {
    ...previous,
    sloZHistory,
    zHistory: {
      increase: recordLook(previous.zHistory.increase, interval, oneSided('greater')),
      decrease: recordLook(previous.zHistory.decrease, interval, oneSided('less')),
    },
  };
}

/**
 * One-sided p-value (rate ratio 1) on the accumulated counts: Fisher's exact test, or for `poisson`
 * the conditional binomial's mid-p (Lancaster, "Significance tests in discrete distributions",
 * JASA 56, 1961): half the probability of the observed count is counted, which removes most of the
 * exact test's conservatism on a few dozen events. Mid-p does not guarantee the level by itself;
 * the A/A simulation (test/analysis/judge/healthy-release-simulation.test.ts) and bench/detection
 * measure the whole design's false-rollback rate, which stays below alpha.
 */
function oneSidedPValue(
  rule: KhiRule,
  { canary, baseline }: { canary: CountObservation; baseline: CountObservation },
  alternative: 'greater' | 'less',
): number {
  if (rule.test === 'fisher') return fisherExact(table(canary, baseline), { alternative }).pValue;
  // Prometheus' increase() extrapolates to fractional counts; the binomial needs whole ones.
  const k = Math.round(canary.events);
  const n = k + Math.round(baseline.events);
  if (n === 0) return 1;
  const share = canary.total / (canary.total + baseline.total);
  const half = 0.5 * binomialPmf(k, n, share);
  return alternative === 'greater' ? binomialSf(k, n, share) + half : binomialCdf(k - 1, n, share) + half;
}

function directionHypothesis(
  rule: KhiRule,
  sequential: SequentialKhiState,
  context: EvaluationContext,
  effect: Effect,
): Hypothesis {
  const sequentialPValue =
    rule.test === 'msprt' && sequential.rateMsprt
      ? rateMsprtPValue(sequential.rateMsprt)
      : directionLookPValue(sequential.zHistory, rule.direction, context.design);
  return { side: rule.direction, sequentialPValue, practicallySignificant: beyondTolerance(rule, effect) };
}

/** The observed change exceeds both tolerances in a bad direction. */
function beyondTolerance(rule: KhiRule, effect: Effect): boolean {
  const { canary, baseline } = effect;
  if (canary === undefined || baseline === undefined) return false;
  const { relative, absolute } = rule.tolerance;
  const worseUp = canary - baseline > absolute && canary > baseline * (1 + relative);
  const worseDown = baseline - canary > absolute && canary < baseline * (1 - relative);
  if (rule.direction === 'increase') return worseUp;
  if (rule.direction === 'decrease') return worseDown;
  return worseUp || worseDown;
}

/** Fixed-horizon one-sided p-value that the canary is worse beyond the relative tolerance. */
function cautionPValue(rule: KhiRule, canary: CountObservation, baseline: CountObservation): number {
  const side = (alternative: 'greater' | 'less'): number => {
    if (rule.test === 'fisher') return fisherExact(table(canary, baseline), { alternative }).pValue;
    const nullRatio =
      alternative === 'greater' ? 1 + rule.tolerance.relative : Math.max(1e-9, 1 - rule.tolerance.relative);
    return compareRates(
      { events: canary.events, exposure: canary.total },
      { events: baseline.events, exposure: baseline.total },
      { nullRatio, alternative },
    ).pValue;
  };
  if (rule.direction === 'increase') return side('greater');
  if (rule.direction === 'decrease') return side('less');
  return Math.min(side('greater'), side('less'));
}

/**
 * Do the data rule out a regression of `detect.relative`? The upper (lower, for decreases)
 * confidence bound of the rate ratio at 1 − ruleOutAlpha must stay inside it — or, with an absolute
 * tolerance, the canary's rate bound must stay within that tolerance of the baseline's rate, so a
 * service without errors can promote.
 */
function rateRegressionRuledOut(
  rule: KhiRule,
  canary: CountObservation,
  baseline: CountObservation,
  cautionAlpha: number,
): { ruledOut: boolean; upperRelative: number | null } {
  const confidenceLevel = 1 - 2 * cautionAlpha;
  const ratio = compareRates(
    { events: canary.events, exposure: canary.total },
    { events: baseline.events, exposure: baseline.total },
    { confidenceLevel },
  );
  const rate = clopperPearson(canary.events, canary.total, confidenceLevel, 'two-sided');
  const baselineRate = baseline.events / baseline.total;
  const { relative: detect } = rule.detect;
  const { absolute } = rule.tolerance;
  const upOk = ratio.upper < 1 + detect || (absolute > 0 && rate.upper - baselineRate <= absolute);
  const downOk = ratio.lower > 1 - detect || (absolute > 0 && baselineRate - rate.lower <= absolute);
  const ruledOut =
    rule.direction === 'increase' ? upOk : rule.direction === 'decrease' ? downOk : upOk && downOk;
  const bound = rule.direction === 'decrease' ? ratio.lower : ratio.upper;
  return { ruledOut, upperRelative: Number.isFinite(bound) ? bound - 1 : null };
}

function intervalCounts(observations: KhiObservations | undefined): IntervalCounts | undefined {
  const { canary, baseline } = observations ?? {};
  if (!canary || !baseline || !isCountObservation(canary) || !isCountObservation(baseline)) return undefined;
  return {
    canaryEvents: canary.events,
    canaryTotal: canary.total,
    baselineEvents: baseline.events,
    baselineTotal: baseline.total,
  };
}

/** The fixed-horizon test; the exact conditional p-value was already computed with the effect. */
function fixedHorizonTest(
  rule: KhiRule,
  canary: CountObservation,
  baseline: CountObservation,
  conditionalPValue: number,
) {
  if (rule.test === 'fisher') {
    const result = fisherExact(table(canary, baseline));
    return { method: 'exact', statistic: result.statistic, pValue: result.pValue };
  }
  return { method: 'exact-conditional', statistic: canary.events, pValue: conditionalPValue };
}

function table(canary: CountObservation, baseline: CountObservation) {
  return [
    [canary.events, canary.total - canary.events],
    [baseline.events, baseline.total - baseline.events],
  ] as const;
}

/** Rates, rate ratio and its interval, and the two-sided exact conditional p-value (ratio 1). */
function rateEffect(
  canary: CountObservation,
  baseline: CountObservation,
): { effect: Effect; pValue: number } {
  const samples = { canarySamples: canary.total, baselineSamples: baseline.total };
  if (canary.total === 0 || baseline.total === 0) return { effect: samples, pValue: 1 };
  const canaryRate = canary.events / canary.total;
  const baselineRate = baseline.events / baseline.total;
  const comparison = compareRates(
    { events: canary.events, exposure: canary.total },
    { events: baseline.events, exposure: baseline.total },
    { confidenceLevel: EFFECT_CONFIDENCE },
  );
  const effect: Effect = {
    ...samples,
    canary: canaryRate,
    baseline: baselineRate,
    difference: canaryRate - baselineRate,
    ...(Number.isFinite(comparison.rateRatio) && { ratio: comparison.rateRatio }),
    ...(Number.isFinite(comparison.lower) && { lower: comparison.lower }),
    ...(Number.isFinite(comparison.upper) && { upper: comparison.upper }),
    confidence: EFFECT_CONFIDENCE,
  };
  return { effect, pValue: comparison.pValue };
}

function describeCounts(counts: CountObservation): string {
  return counts.total > 0
    ? `${formatRate(counts.events / counts.total)} (${counts.events}/${counts.total})`
    : 'no requests';
}

function describeDetectable(ratio: number, rule: KhiRule, power: number): string {
  const text = `these samples could detect about ×${formatValue(ratio)} at ${Math.round(power * 100)}% power`;
  return ratio - 1 > rule.tolerance.relative
    ? `${text}, not yet the ${Math.round(rule.tolerance.relative * 100)}% tolerance`
    : text;
}
