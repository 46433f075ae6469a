/**
 * The verdict's judgement describes Mann-Whitney KHIs by the Hodges-Lehmann shift and its
 * confidence interval (R's wilcox.test conf.int), the estimate that matches the test; per-look
 * judgements use the cheaper mean difference.
 */
import type { RuleSet } from '../rule-set.js';
import { hodgesLehmannShiftSorted } from '../statistics/hodges-lehmann.js';
import type { JudgeState } from './judge-state.js';
import type { KhiResult } from './khi-result.js';
import { prepareSample } from './prepare-values.js';

const CONFIDENCE = 0.95;

/** KHI results with Hodges-Lehmann shifts for Mann-Whitney KHIs that have data. */
export function withShiftEstimates(
  ruleSet: RuleSet,
  state: JudgeState,
  results: readonly KhiResult[],
): KhiResult[] {
  return results.map((result) => {
    const rule = ruleSet.khis.find((khi) => khi.name === result.name);
    const khiState = state.khis[result.name];
    if (rule?.test !== 'mann-whitney' || khiState === undefined || result.classification === 'error')
      return result;
    // The same prepared and sorted samples the look's tests used (prepareSample keeps them).
    const canary = prepareSample(rule, khiState.canary.values).sorted;
    const baseline = prepareSample(rule, khiState.baseline.values).sorted;
    if (canary.length === 0 || baseline.length === 0) return result;
    try {
      const shift = hodgesLehmannShiftSorted(canary, baseline, { confidenceLevel: CONFIDENCE });
      return {
        ...result,
        effect: {
          ...result.effect,
          difference: shift.estimate,
          lower: shift.lower,
          upper: shift.upper,
          confidence: shift.confidenceLevel,
          differenceMethod: 'hodges-lehmann',
        },
      };
    } catch {
      // All values tied: no shift to estimate; the mean difference stays.
      return result;
    }
  });
}
