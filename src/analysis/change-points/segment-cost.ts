/**
 * Costs of one segment for the change-point search: twice the negative Gaussian log-likelihood of
 * the segment with its own mean (and variance), dropping terms that every segmentation shares.
 * Source: Killick, Fearnhead & Eckley (2012), "Optimal detection of changepoints with a linear
 * computational cost", JASA 107(500), §2 and §4 (normal mean and mean/variance costs), as in the
 * R package changepoint (Killick & Eckley 2014, J. Stat. Softw. 58(3)), where the mean cost assumes
 * unit variance: callers scale the values (or the penalty) by the noise variance.
 */

/** `mean`: a change in mean, known variance. `mean-variance`: a change in mean and/or variance. */
export type SegmentCostKind = 'mean' | 'mean-variance';

export const SEGMENT_COST_KINDS: readonly SegmentCostKind[] = ['mean', 'mean-variance'];

/** Cost of values[start, end), 0 ≤ start < end ≤ n. */
export type SegmentCost = (start: number, end: number) => number;

/**
 * Prefix-sum costs in O(1) per segment, on values centred by their median (which changes no
 * segmentation, only rounding):
 * - `mean`: C = Σ(y − ȳ)² (the residual sum of squares, clamped at 0 against rounding);
 * - `mean-variance`: C = m·log(Σ(y − ȳ)²/m + varianceOffset). The offset keeps a flat segment's
 *   cost finite; being added rather than used as a floor it keeps C subadditive
 *   (C(a,c) ≥ C(a,b) + C(b,c), by concavity of log), which PELT's pruning needs with K = 0.
 */
export function createSegmentCost(
  values: readonly number[],
  kind: SegmentCostKind,
  centre: number,
  varianceOffset: number,
): SegmentCost {
  const n = values.length;
  const sums = new Float64Array(n + 1);
  const squares = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const y = (values[i] as number) - centre;
    sums[i + 1] = (sums[i] as number) + y;
    squares[i + 1] = (squares[i] as number) + y * y;
  }
  const residual = (start: number, end: number): number => {
    const total = (sums[end] as number) - (sums[start] as number);
    return Math.max(
      (squares[end] as number) - (squares[start] as number) - (total * total) / (end - start),
      0,
    );
  };
  if (kind === 'mean') return residual;
  return (start, end) => {
    const length = end - start;
    return length * Math.log(residual(start, end) / length + varianceOffset);
  };
}
