/**
 * Rank sum of the first sample in the pooled sample, with midranks for ties, in O(n log n).
 * Source: the midrank convention of SciPy `rankdata(method='average')` and R's `rank`.
 */

/** Rank sum of `x` in x ∪ y plus the tie term Σ(t³ − t) over tie groups of the pooled sample. */
export interface RankSum {
  readonly rankSumX: number;
  readonly tieTerm: number;
  readonly hasTies: boolean;
}

/** Sorted copy as a Float64Array (numeric sort, fast for 10⁵ values). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Rank sum of sorted `xs` among sorted `xs` ∪ `ys`, by merging the two sorted arrays. */
export function rankSumSorted(xs: Float64Array, ys: Float64Array): RankSum {
  let i = 0;
  let j = 0;
  let position = 0; // number of pooled values already ranked
  let rankSumX = 0;
  let tieTerm = 0;
  const nx = xs.length;
  const ny = ys.length;
  while (i < nx || j < ny) {
    const xv = i < nx ? (xs[i] as number) : Number.POSITIVE_INFINITY;
    const yv = j < ny ? (ys[j] as number) : Number.POSITIVE_INFINITY;
    const v = i < nx && (j >= ny || xv <= yv) ? xv : yv;
    let cx = 0;
    while (i < nx && xs[i] === v) {
      i++;
      cx++;
    }
    let cy = 0;
    while (j < ny && ys[j] === v) {
      j++;
      cy++;
    }
    const t = cx + cy;
    const midrank = position + (t + 1) / 2;
    rankSumX += cx * midrank;
    if (t > 1) tieTerm += t * t * t - t;
    position += t;
  }
  return { rankSumX, tieTerm, hasTies: tieTerm > 0 };
}
