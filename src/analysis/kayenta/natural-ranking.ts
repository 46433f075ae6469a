/**
 * Ranks with ties averaged and NaN ranked above every number, as Apache Commons Math's
 * `NaturalRanking(NaNStrategy.MAXIMAL, TiesStrategy.AVERAGE)`, which Kayenta uses for the
 * Wilcoxon statistic and the common-language effect size.
 *
 * Source: spinnaker/spinnaker kayenta/kayenta-mannwhitney/.../MannWhitney.scala and
 * kayenta/kayenta-judge/.../stats/EffectSizes.scala (commit f8b98eba).
 */

/** 1-based ranks of `values` in input order; tied values share the average of their ranks. */
export function averageRanks(values: readonly number[]): number[] {
  const n = values.length;
  const order = values.map((_, i) => i);
  const key = (i: number): number => {
    const v = values[i] ?? Number.NaN;
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const isNan = (i: number): boolean => Number.isNaN(values[i] ?? Number.NaN);
  order.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    // NaN (MAXIMAL) sorts after +Infinity and ties only with other NaNs.
    const na = isNan(a);
    const nb = isNan(b);
    if (na !== nb) return na ? 1 : -1;
    return a - b;
  });
  const ranks = new Array<number>(n).fill(0);
  let start = 0;
  while (start < n) {
    let end = start;
    const first = order[start] ?? 0;
    while (end + 1 < n) {
      const next = order[end + 1] ?? 0;
      const same = isNan(first) ? isNan(next) : !isNan(next) && key(next) === key(first);
      if (!same) break;
      end++;
    }
    const rank = (start + 1 + end + 1) / 2;
    for (let k = start; k <= end; k++) ranks[order[k] ?? 0] = rank;
    start = end + 1;
  }
  return ranks;
}
