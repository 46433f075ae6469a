import type { AnalysisPlan } from '../rule-set.js';
import type { GroupSequentialDesign } from '../sequential/alpha-spending.js';

/** What every KHI evaluation needs to know about the step and the rule set. */
export interface EvaluationContext {
  /** 1-based interval being judged. */
  readonly interval: number;
  readonly plan: AnalysisPlan;
  /** The group-sequential design (one look per interval up to maxIntervals). */
  readonly design: GroupSequentialDesign;
  /**
   * Each KHI's (weighted) Bonferroni share of alpha per hypothesis, for power statements:
   * alpha · alphaWeight / Σ over the family's hypotheses of their KHI's alphaWeight.
   */
  readonly alphaShare: Readonly<Record<string, number>>;
  /**
   * Level of the "regression ruled out" bound at each look: cautionAlpha shared over the
   * maxIntervals looks (Bonferroni), so a regression of `detect` size is promoted at some look
   * with probability at most cautionAlpha.
   */
  readonly ruleOutAlpha: number;
}
