/**
 * A KHI after its test ran but before the decision across KHIs: the numbers, and the hypotheses
 * ("the canary got worse", "the canary breaks its SLO") with their sequentially valid p-values,
 * which the judge then adjusts together across every KHI of the rule set.
 */
import type { KhiRule, ResolvedTestName } from '../rule-set.js';
import type { KhiState } from './judge-state.js';
import type { Effect, KayentaLabel } from './khi-result.js';

export type HypothesisSide = 'increase' | 'decrease' | 'either' | 'slo-max' | 'slo-min';

export interface Hypothesis {
  readonly side: HypothesisSide;
  /** Valid at every look: P(ever ≤ a | healthy) ≤ a. */
  readonly sequentialPValue: number;
  /** The observed change lies beyond the tolerance on this side (or beyond the SLO bound). */
  readonly practicallySignificant: boolean;
}

export interface KhiEvaluation {
  readonly rule: KhiRule;
  readonly state: KhiState;
  /** `tested`: the test ran; `nodata`: a group has no usable data; `error`: bad data. */
  readonly status: 'tested' | 'nodata' | 'error';
  /** Both groups reached `minSamples`. */
  readonly enoughSamples: boolean;
  /** Always the same number per KHI for a rule set, so the multiple-comparison family is fixed. */
  readonly hypotheses: readonly Hypothesis[];
  readonly test: ResolvedTestName;
  readonly method?: string;
  readonly statistic?: number;
  readonly pValue?: number;
  readonly effect: Effect;
  /** The numbers in words, e.g. "canary 1.1% (55/5000) vs baseline 0.5% (24/5000)". */
  readonly summary: string;
  /**
   * Fixed-horizon one-sided p-value that the canary is worse than the baseline beyond the
   * tolerance, on all data so far (unadjusted): a caution signal that holds promotion.
   */
  readonly cautionPValue?: number;
  /**
   * Whether the data rule out a regression of `detect.relative` (the upper confidence bound at
   * 1 − cautionAlpha lies below it), with the bound for the reason. Undefined: not assessed.
   */
  readonly regressionRuledOut?: { readonly ruledOut: boolean; readonly upperRelative: number | null };
  /** What the data could have detected, e.g. "could detect ≥ ×1.9 at 80% power". */
  readonly detectability?: string;
  /** Kayenta-compatible KHIs are classified by Kayenta's rules, not by the hypotheses. */
  readonly kayenta?: { readonly label: KayentaLabel; readonly critical: boolean; readonly reason: string };
}
