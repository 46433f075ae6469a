/**
 * Multiple comparisons across KHIs: every hypothesis of every KHI (its direction and its SLO
 * bounds) forms one family, fixed by the rule set, whose sequentially valid p-values are adjusted
 * by Holm (family-wise error ≤ alpha; default) or Benjamini-Hochberg (false discovery rate). Holm
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
  const pValues: number[] = [];
  const owners: number[] = [];
  evaluations.forEach((evaluation, index) => {
    if ('classification' in evaluation) return;
    for (const hypothesis of evaluation.hypotheses) {
      pValues.push(hypothesis.sequentialPValue);
      owners.push(index);
    }
  });
  const padding = hypothesisCount(ruleSet) - pValues.length;
  const family = pValues.concat(new Array<number>(Math.max(0, padding)).fill(1));
  const adjusted =
    family.length === 0
      ? []
      : ruleSet.analysis.multipleComparisons === 'holm'
        ? holmAdjust(family)
        : benjaminiHochbergAdjust(family);
  const byEvaluation: number[][] = evaluations.map(() => []);
  owners.forEach((owner, i) => byEvaluation[owner]?.push(adjusted[i] as number));
  return byEvaluation;
}

/** Number of hypotheses the rule set tests (the size of the multiple-comparison family). */
export function hypothesisCount(ruleSet: RuleSet): number {
  return ruleSet.khis.reduce((sum, khi) => sum + hypothesisSidesOf(khi).length, 0);
}
