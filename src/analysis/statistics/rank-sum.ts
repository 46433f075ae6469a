/**
 * Rank sum of the first sample in the pooled sample, with midranks for ties, in O(n + m) from
 * sorted samples.
 * Source: the midrank convention of SciPy `rankdata(method='average')` and R's `rank`.
 *
 * The rank sum of x is n(n+1)/2 + Σᵢ #{j : yⱼ < xᵢ} + ½·(number of equal (x, y) pairs), and the
 * tie term is that of x plus that of y plus, for each value in both samples, (cx + cy)³ − cx³ − cy³.
 * These are sums of integers, exact in doubles, so they give bit for bit what the midrank merge
 * gives, several times faster: the count Σᵢ #{j : yⱼ < xᵢ} is a branch-free merge (pair-count.ts),
 * and tie groups are looked at only when the count meets a tie between the samples. The loops
 * follow the V8 rules given in pair-count.ts.
 */
import { sortedFloat64 } from './numeric-sort.js';
import { countAtMost, countBelow, countPairsBelow, lowerBound } from './pair-count.js';

/** Rank sum of `x` in x ∪ y plus the tie term Σ(t³ − t) over tie groups of the pooled sample. */
export interface RankSum {
  readonly rankSumX: number;
  readonly tieTerm: number;
  readonly hasTies: boolean;
}

/** Integers up to this are exact in doubles. */
const EXACT = Number.MAX_SAFE_INTEGER;

/** Sorted copy as a Float64Array (numeric order, as `Float64Array.prototype.sort`). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return sortedFloat64(values);
}

/** Rank sum of sorted `xs` among sorted `xs` ∪ `ys`. */
export function rankSumSorted(xs: Float64Array, ys: Float64Array): RankSum {
  return rankSumOfShifted(xs, ys, 0, tieTermSorted(xs), tieTermSorted(ys));
}

/**
 * Rank sums of `xs − d` among (xs − d) ∪ ys for many shifts d (the Hodges-Lehmann root search),
 * each in O(n + m): the tie terms of xs and ys are computed once, and that of xs − d only when
 * rounding could have merged two distinct values of xs.
 */
export function shiftedRankSums(xs: Float64Array, ys: Float64Array): (d: number) => RankSum {
  const tieTermX = tieTermSorted(xs);
  const tieTermY = tieTermSorted(ys);
  const gap = smallestGap(xs);
  const first = xs[0] as number;
  const last = xs[xs.length - 1] as number;
  return (d) => {
    // fl(a − d) = fl(b − d) for a < b needs b − a ≤ ulp(a − d) ≤ 2⁻⁵²·|a − d|; 2⁻⁴⁸ leaves room for
    // the rounding of `gap` and of the bound itself.
    const largest = Math.max(Math.abs(first - d), Math.abs(last - d));
    const tieTermShifted = gap > largest * 2 ** -48 ? tieTermX : tieTermSorted(xs, d);
    return rankSumOfShifted(xs, ys, d, tieTermShifted, tieTermY);
  };
}

/** Σ(t³ − t) over runs of equal values of sorted `xs − shift`. */
export function tieTermSorted(xs: Float64Array, shift = 0): number {
  return equalNeighbours(xs, shift) === 0 ? 0 : runTieTerm(xs, shift);
}

/** Number of i with xs[i] − shift = xs[i − 1] − shift. */
function equalNeighbours(xs: Float64Array, shift: number): number {
  let equal = 0;
  for (let i = 1; i < xs.length; i++) equal += +((xs[i] as number) - shift === (xs[i - 1] as number) - shift);
  return equal;
}

function runTieTerm(xs: Float64Array, shift: number): number {
  let tieTerm = 0;
  let run = 1;
  let previous = (xs[0] as number) - shift;
  // One step past the end (NaN equals nothing) closes the last run inside the loop.
  for (let i = 1; i <= xs.length; i++) {
    const v = i < xs.length ? (xs[i] as number) - shift : Number.NaN;
    if (v === previous) {
      run++;
      continue;
    }
    if (run > 1) tieTerm += run * run * run - run;
    run = 1;
    previous = v;
  }
  return tieTerm;
}

/** Smallest positive difference between neighbours of sorted `xs` (Infinity if none). */
function smallestGap(xs: Float64Array): number {
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < xs.length; i++) {
    const difference = (xs[i] as number) - (xs[i - 1] as number);
    if (difference > 0 && difference < gap) gap = difference;
  }
  return gap;
}

/** Rank sum of xs − shift given the tie terms of xs − shift and of ys. */
function rankSumOfShifted(
  xs: Float64Array,
  ys: Float64Array,
  shift: number,
  tieTermX: number,
  tieTermY: number,
): RankSum {
  const n = xs.length;
  const m = ys.length;
  const withinSamples = tieTermX + tieTermY;
  // Beyond 2⁵³ the sums round, so their order matters: keep the midrank merge's order there.
  if (withinSamples > EXACT || (n + m) * (n + m) > EXACT) return mergeRankSum(xs, ys, shift);
  // Only xs − shift within [first y, last y] need counting: those below count no y, those above
  // count all m, and neither can tie with a y.
  const bottom = countBelow(xs, shift, ys[0] as number);
  const top = countAtMost(xs, shift, ys[m - 1] as number);
  const from = bottom < top ? lowerBound(ys, (xs[bottom] as number) - shift) : 0;
  let below = countPairsBelow(xs, ys, shift, bottom, top, from);
  let equalPairs = 0;
  let tieTerm = withinSamples;
  if (below < 0) {
    // Ties across the samples: merge the overlap, tie groups and all.
    const overlap = { below: 0, equalPairs: 0, crossTieTerm: 0 };
    mergeOverlap(xs, ys, shift, bottom, top, from, overlap);
    below = overlap.below;
    equalPairs = overlap.equalPairs;
    tieTerm += overlap.crossTieTerm;
    if (tieTerm > EXACT) return mergeRankSum(xs, ys, shift);
  }
  const rankSumX = (n * (n + 1)) / 2 + (n - top) * m + below + equalPairs / 2;
  return { rankSumX, tieTerm, hasTies: tieTerm > 0 };
}

/**
 * The merge of xs[bottom, top) − shift with ys from ys[from] on, by tie groups: Σ #{y < x}, the
 * number of equal (x, y) pairs, and Σ over values in both samples of (cx + cy)³ − cx³ − cy³ (what
 * the pooled tie groups add to the tie terms of the two samples).
 */
function mergeOverlap(
  xs: Float64Array,
  ys: Float64Array,
  shift: number,
  bottom: number,
  top: number,
  from: number,
  overlap: { below: number; equalPairs: number; crossTieTerm: number },
): void {
  let j = from;
  const m = ys.length;
  for (let i = bottom; i < top;) {
    const v = (xs[i] as number) - shift;
    while ((ys[j] as number) < v) j++;
    let cx = 0;
    while (i < top && (xs[i] as number) - shift === v) {
      i++;
      cx++;
    }
    let cy = 0;
    while (j + cy < m && ys[j + cy] === v) cy++;
    overlap.below += cx * j;
    overlap.equalPairs += cx * cy;
    const t = cx + cy;
    overlap.crossTieTerm += t * t * t - cx * cx * cx - cy * cy * cy;
  }
}

/** The midrank merge of sorted xs − shift and ys, for sums too large to be exact in doubles. */
function mergeRankSum(xs: Float64Array, ys: Float64Array, shift: number): RankSum {
  const sums = { rankSumX: 0, tieTerm: 0 };
  mergeRanks(xs, ys, shift, sums);
  return { ...sums, hasTies: sums.tieTerm > 0 };
}

function mergeRanks(
  xs: Float64Array,
  ys: Float64Array,
  shift: number,
  sums: { rankSumX: number; tieTerm: number },
): void {
  let i = 0;
  let j = 0;
  let position = 0; // number of pooled values already ranked
  const nx = xs.length;
  const ny = ys.length;
  while (i < nx || j < ny) {
    const xv = i < nx ? (xs[i] as number) - shift : Number.POSITIVE_INFINITY;
    const yv = j < ny ? (ys[j] as number) : Number.POSITIVE_INFINITY;
    const v = i < nx && (j >= ny || xv <= yv) ? xv : yv;
    let cx = 0;
    while (i < nx && (xs[i] as number) - shift === v) {
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
    sums.rankSumX += cx * midrank;
    if (t > 1) sums.tieTerm += t * t * t - t;
    position += t;
  }
}
