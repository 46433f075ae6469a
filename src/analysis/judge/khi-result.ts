/**
 * What the judge says about one KHI after one interval: a closed set of classifications, the
 * numbers behind them, and a sentence a person can read.
 */
import type { ResolvedTestName } from '../rule-set.js';

/**
 * - `pass`: enough data, no significant change in the bad direction.
 * - `high` / `low`: a significant change upward / downward (a failure when that direction is bad).
 * - `nodata`: canary or baseline had no usable data.
 * - `inconclusive`: data, but not yet `minSamples`; no failure seen so far.
 * - `error`: the KHI could not be judged (bad data or a test that threw); never a pass.
 */
export type Classification = 'pass' | 'high' | 'low' | 'nodata' | 'inconclusive' | 'error';

export type KayentaLabel = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';

/** Point estimates and intervals describing how the canary differs from the baseline. */
export interface Effect {
  readonly baseline?: number;
  readonly canary?: number;
  /** Canary over baseline: rate ratio for ratios, median ratio for distributions. */
  readonly ratio?: number;
  /** Canary minus baseline: rates, or for values the mean difference (Hodges-Lehmann shift in a verdict). */
  readonly difference?: number;
  /** How `difference` and its interval were estimated, for values. */
  readonly differenceMethod?: 'mean' | 'hodges-lehmann';
  readonly lower?: number;
  readonly upper?: number;
  readonly confidence?: number;
  readonly baselineSamples?: number;
  readonly canarySamples?: number;
}

export interface KhiResult {
  readonly name: string;
  readonly classification: Classification;
  /** True when this KHI's failure vetoes promotion and triggers rollback. */
  readonly critical: boolean;
  /** True when the classification counts against the release (a change in the bad direction). */
  readonly failed: boolean;
  readonly test: ResolvedTestName;
  /** How the fixed-horizon p-value was computed (`exact`, `asymptotic`, ...). */
  readonly method?: string;
  /** The fixed-horizon test statistic on all samples so far (see docs/rules.md per test). */
  readonly statistic?: number;
  /** The fixed-horizon two-sided p-value on all samples so far, unadjusted. */
  readonly pValue?: number;
  /** The sequentially valid p-value, adjusted across KHIs: the number the decision uses. */
  readonly adjustedPValue?: number;
  readonly effect: Effect;
  readonly weight: number;
  readonly group: string;
  readonly reason: string;
  readonly kayenta?: { readonly label: KayentaLabel; readonly critical: boolean };
  /**
   * Artifacts behind this result (paths inside the verification's artifacts, e.g. a failed
   * journey's screenshot and trace). Added by the daemon; the analysis core never sets it.
   */
  readonly evidence?: readonly string[];
}
