/**
 * When every KHI of a rule set uses `test: kayenta`, the score follows Kayenta's
 * WeightedSumScorer so Kayenta users get the numbers they know. Group weights are the sums of
 * the KHIs' weights per group, as percentages.
 */
import { scoreKayenta } from '../kayenta/score-kayenta.js';
import type { RuleSet } from '../rule-set.js';
import type { KhiResult } from './khi-result.js';
import type { Score } from './score.js';

/** True when the whole rule set is judged Kayenta's way. */
export function usesKayentaScoring(ruleSet: RuleSet): boolean {
  return ruleSet.khis.length > 0 && ruleSet.khis.every((khi) => khi.test === 'kayenta');
}

/** Kayenta's summary score of the results. */
export function scoreKayentaKhis(ruleSet: RuleSet, results: readonly KhiResult[]): Score {
  const weights: Record<string, number> = {};
  for (const khi of ruleSet.khis) weights[khi.group] = (weights[khi.group] ?? 0) + khi.weight;
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  for (const group of Object.keys(weights)) weights[group] = (100 * (weights[group] as number)) / total;
  const result = scoreKayenta(
    results.map((r) => ({
      name: r.name,
      groups: [r.group],
      label: r.kayenta?.label ?? 'Error',
      critical: r.kayenta?.critical ?? false,
      kayentaReason: null,
    })),
    weights,
    ruleSet.scoring,
  );
  const withData = results.filter(
    (r) => r.classification !== 'nodata' && r.classification !== 'error',
  ).length;
  return { value: result.summaryScore, weightWithData: results.length > 0 ? withData / results.length : 0 };
}
