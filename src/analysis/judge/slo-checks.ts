/**
 * SLO checks: is the canary confidently beyond an absolute bound? Each bound is one more
 * hypothesis in the rule set's family, tested at every look through the group-sequential design
 * so repeated looks do not inflate false alarms. Ratios: exact one-sided binomial test of the
 * canary's rate against the bound. Distributions and gauges: the exact order-statistic (sign)
 * test that the canary's `quantile` lies beyond the bound.
 */
import type { CountObservation } from '../observations.js';
import type { KhiRule, Slo } from '../rule-set.js';
import type { GroupSequentialDesign } from '../sequential/alpha-spending.js';
import { binomialTestPValue } from '../statistics/binomial-test.js';
import type { SequentialKhiState } from './judge-state.js';
import type { Hypothesis } from './khi-evaluation.js';
import { lookPValue, recordLook, zFromOneSidedPValue } from './sequential-looks.js';

type SloHistory = SequentialKhiState['sloZHistory'];

/** Records this look's SLO evidence for a ratio KHI's canary counts. */
export function recordRateSloLook(
  slo: Slo | undefined,
  history: SloHistory,
  interval: number,
  canary: CountObservation,
): SloHistory {
  const n = canary.total;
  const k = canary.events;
  const test = (bound: number | undefined, alternative: 'greater' | 'less') =>
    bound === undefined || n === 0 ? null : zFromOneSidedPValue(binomialTestPValue(k, n, bound, alternative));
  return {
    max: recordLook(history.max, interval, test(slo?.max, 'greater')),
    min: recordLook(history.min, interval, test(slo?.min, 'less')),
  };
}

/** Records this look's SLO evidence for a distribution or gauge KHI's canary values. */
export function recordQuantileSloLook(
  slo: Slo | undefined,
  history: SloHistory,
  interval: number,
  canary: readonly number[],
): SloHistory {
  const n = canary.length;
  const quantile = slo?.quantile ?? 0.5;
  // quantile_q > max  ⇔  P(X > max) > 1 − q ; quantile_q < min  ⇔  P(X < min) > q.
  const max = slo?.max;
  const min = slo?.min;
  const above =
    max === undefined || n === 0
      ? null
      : zFromOneSidedPValue(
          binomialTestPValue(
            count(canary, (v) => v > max),
            n,
            1 - quantile,
            'greater',
          ),
        );
  const below =
    min === undefined || n === 0
      ? null
      : zFromOneSidedPValue(
          binomialTestPValue(
            count(canary, (v) => v < min),
            n,
            quantile,
            'greater',
          ),
        );
  return { max: recordLook(history.max, interval, above), min: recordLook(history.min, interval, below) };
}

/** The SLO hypotheses of a KHI; `observed` is the canary's rate or quantile estimate. */
export function sloHypotheses(
  rule: KhiRule,
  history: SloHistory,
  design: GroupSequentialDesign,
  observed: number | undefined,
): Hypothesis[] {
  const hypotheses: Hypothesis[] = [];
  const { max, min } = rule.slo ?? {};
  if (max !== undefined) {
    hypotheses.push({
      side: 'slo-max',
      sequentialPValue: lookPValue(history.max, design),
      practicallySignificant: observed !== undefined && observed > max,
    });
  }
  if (min !== undefined) {
    hypotheses.push({
      side: 'slo-min',
      sequentialPValue: lookPValue(history.min, design),
      practicallySignificant: observed !== undefined && observed < min,
    });
  }
  return hypotheses;
}

function count(values: readonly number[], predicate: (value: number) => boolean): number {
  let n = 0;
  for (const value of values) if (predicate(value)) n++;
  return n;
}
