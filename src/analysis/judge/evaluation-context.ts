import type { AnalysisPlan } from '../rule-set.js';
import type { GroupSequentialDesign } from '../sequential/alpha-spending.js';

/** What every KHI evaluation needs to know about the step and the rule set. */
export interface EvaluationContext {
  /** 1-based interval being judged. */
  readonly interval: number;
  readonly plan: AnalysisPlan;
  /** The group-sequential design (one look per interval up to maxIntervals). */
  readonly design: GroupSequentialDesign;
  /** alpha divided by the number of hypotheses in the rule set: the Bonferroni share, for power statements. */
  readonly localAlpha: number;
  /**
   * Level of the "regression ruled out" bound at each look: cautionAlpha shared over the
   * maxIntervals looks (Bonferroni), so a regression of `detect` size is promoted at some look
   * with probability at most cautionAlpha.
   */
  readonly ruleOutAlpha: number;
}
