/** The sample median, as NumPy's `np.median` computes it (mean of the two middle values when even). */

/** Median of finite values; NaN for none. */
export function medianOf(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  // The native sort, not statistics/numeric-sort's radix sort: that one recursed without end on
  // 30 copies each of 1 and 1 + 2⁻⁵² (values differing only in their lowest bits).
  const sorted = Float64Array.from(values).sort();
  const middle = n >> 1;
  const upper = sorted[middle] as number;
  return n % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}
