/**
 * Preprocess: the KHI's NaN strategy, then optional IQR outlier removal, on one group's values.
 */
import type { KhiRule } from '../rule-set.js';
import { handleMissingValues } from '../statistics/missing-values.js';
import { sortedFloat64 } from '../statistics/numeric-sort.js';
import { removeOutliersIqr } from '../statistics/outliers.js';

export interface PreparedValues {
  readonly values: readonly number[];
  readonly missing: number;
  readonly outliers: number;
}

/** Prepared values and the same values sorted ascending, for the rank tests and percentiles. */
export interface PreparedSample extends PreparedValues {
  readonly sorted: Float64Array;
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

const samples = new WeakMap<readonly (number | null)[], { rule: KhiRule; sample: PreparedSample }>();

/**
 * `prepareValues` plus the sorted values. The result depends only on the arguments; it is kept
 * per raw array (weakly, so it goes with the judge state that holds the array) because one judge
 * step asks twice for the same groups: for the look's tests and for the verdict's shift estimate.
 */
export function prepareSample(rule: KhiRule, raw: readonly (number | null)[]): PreparedSample {
  const cached = samples.get(raw);
  if (cached !== undefined && cached.rule === rule) return cached.sample;
  const prepared = prepareValues(rule, raw);
  const sample = { ...prepared, sorted: sortedFloat64(prepared.values) };
  samples.set(raw, { rule, sample });
  return sample;
}
