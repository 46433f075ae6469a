/**
 * Preprocess: the KHI's NaN strategy, then optional IQR outlier removal, on one group's values.
 */
import type { KhiRule } from '../rule-set.js';
import { handleMissingValues } from '../statistics/missing-values.js';
import { removeOutliersIqr } from '../statistics/outliers.js';

export interface PreparedValues {
  readonly values: readonly number[];
  readonly missing: number;
  readonly outliers: number;
}

/** Applies `nanStrategy` and `outliers` of the rule to raw observations. */
export function prepareValues(rule: KhiRule, raw: readonly (number | null)[]): PreparedValues {
  const strategy =
    rule.nanStrategy === 'replace'
      ? { kind: 'replace' as const, replacement: rule.nanReplacement }
      : { kind: 'remove' as const };
  const cleaned = handleMissingValues(raw, strategy);
  const missing = cleaned.removed + cleaned.replaced;
  if (rule.outliers.strategy === 'keep' || cleaned.values.length === 0) {
    return { values: cleaned.values, missing, outliers: 0 };
  }
  const filtered = removeOutliersIqr(cleaned.values, rule.outliers.factor);
  return { values: filtered.kept, missing, outliers: filtered.removed };
}
