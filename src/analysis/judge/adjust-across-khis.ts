/**
 * Multiple comparisons across KHIs: every hypothesis of every KHI (its direction and its SLO
 * bounds) forms one family, fixed by the rule set, whose sequentially valid p-values are adjusted
 * by Holm (family-wise error ≤ alpha; default) or Benjamini-Hochberg (false discovery rate), each
 * weighted by the KHI's `alphaWeight` (every hypothesis of a KHI carries its weight). Holm
 * on always-valid p-values keeps its guarantee at every look because each p-value is valid at any
 * stopping time. A KHI that could not be evaluated contributes p = 1, so the family never shrinks.
 */
import type { RuleSet } from '../rule-set.js';
import { benjaminiHochbergAdjust, holmAdjust } from '../statistics/multiple-comparisons.js';
import { hypothesisSidesOf } from './evaluate-khi.js';
import type { KhiEvaluation } from './khi-evaluation.js';
import type { KhiResult } from './khi-result.js';

/** Adjusted p-values per evaluation, aligned with its hypotheses (empty for errored KHIs). */
export function adjustAcrossKhis(
  evaluations: readonly (KhiEvaluation | KhiResult)[],
  ruleSet: RuleSet,
): readonly (readonly number[])[] {
  // Every hypothesis of the rule set, in rule order; those without an evaluation keep p = 1.
  const family: number[] = [];
  const weights: number[] = [];
  const owners: number[] = [];
  ruleSet.khis.forEach((rule, index) => {
    const evaluation = evaluations[index];
    const tested = evaluation !== undefined && !('classification' in evaluation) ? evaluation : undefined;
    hypothesisSidesOf(rule).forEach((_, side) => {
      family.push(tested?.hypotheses[side]?.sequentialPValue ?? 1);
      weights.push(rule.alphaWeight);
      owners.push(tested ? index : -1);
    });
  });
  const adjusted =
    family.length === 0
      ? []
      : ruleSet.analysis.multipleComparisons === 'holm'
        ? holmAdjust(family, weights)
        : benjaminiHochbergAdjust(family, weights);
  const byEvaluation: number[][] = evaluations.map(() => []);
  owners.forEach((owner, i) => byEvaluation[owner]?.push(adjusted[i] as number));
  return byEvaluation;
}

/** Number of hypotheses the rule set tests (the size of the multiple-comparison family). */
export function hypothesisCount(ruleSet: RuleSet): number {
  return ruleSet.khis.reduce((sum, khi) => sum + hypothesisSidesOf(khi).length, 0);
}

/** Per KHI, alpha · its weight share of the family: the level one of its hypotheses gets first. */
export function alphaShares(ruleSet: RuleSet): Record<string, number> {
  const totalWeight = ruleSet.khis.reduce(
    (sum, khi) => sum + hypothesisSidesOf(khi).length * khi.alphaWeight,
    0,
  );
  return Object.fromEntries(
    ruleSet.khis.map((khi) => [
      khi.name,
      totalWeight > 0 ? (ruleSet.analysis.alpha * khi.alphaWeight) / totalWeight : ruleSet.analysis.alpha,
    ]),
  );
}
