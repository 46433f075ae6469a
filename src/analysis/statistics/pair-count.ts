/**
 * Σᵢ #{j : yⱼ < xᵢ − d} over sorted samples, the count at the heart of the rank sum (rank-sum.ts),
 * by a merge in O(n + m) that runs four parts of its path at once, branch-free, so that the
 * processor overlaps them. Source: Odeh, Green, Mwassi, Shmueli & Birk (2012), "Merge path:
 * parallel merging made simple", IPDPSW.
 *
 * The loops are written for V8 (Node 20). Each is alone in its function with nothing after it but a
 * `return`, and has no data-dependent branch: code that first runs after a long loop has no type
 * feedback when the loop is compiled on the fly, and V8 keeps reusing that compiled loop,
 * deoptimising at that code on every call. They read no module constant and no variable a closure
 * captures: both live on the heap and are reloaded, with checks, at every use. `| 0` and Math.imul
 * keep the integers in 32 bits without overflow checks (indices and counts stay below 2³¹).
 */

/** Each tie between the samples subtracts this from a count, making it negative (counts are below 2⁵¹). */
const TIE = 2 ** 52;
/** Below this many values of x the count runs in one lane. */
const MIN_LANE_VALUES = 64;

/**
 * Σ over i in [bottom, top) of #{j : ys[j] < xs[i] − shift}, or a negative number if some
 * xs[i] − shift equals some ys[j]. Needs ys[0] ≤ xs[bottom] − shift and xs[top − 1] − shift ≤ the
 * last y (so that no merge reads outside ys), `from` = the number of ys below xs[bottom] − shift,
 * and n + m < 2²⁷ (so that the integers fit in 32 bits).
 */
export function countPairsBelow(
  xs: Float64Array,
  ys: Float64Array,
  shift: number,
  bottom: number,
  top: number,
  from: number,
): number {
  return top - bottom < MIN_LANE_VALUES
    ? laneCount(xs, ys, shift, bottom, top, from)
    : pairsBelow(xs, ys, shift, bottom, top);
}

/**
 * `countPairsBelow` in four lanes: the merge is cut into four equal parts of its path, merged
 * interleaved; a lane that has counted its last x repeats that step without effect until all are
 * done.
 */
function pairsBelow(xs: Float64Array, ys: Float64Array, shift: number, bottom: number, top: number): number {
  // The merge walks xs[bottom, top) and the ys from the first not below xs[bottom] − shift to the
  // last below xs[top − 1] − shift: `total` steps, a quarter per lane.
  const first = lowerBound(ys, (xs[bottom] as number) - shift);
  const total = top - bottom + lowerBound(ys, (xs[top - 1] as number) - shift) - first;
  const d1 = Math.floor(total / 4);
  const d2 = Math.floor(total / 2);
  const d3 = Math.floor((3 * total) / 4);
  const x1 = mergePathSplit(xs, ys, shift, bottom, top, first, d1);
  const x2 = mergePathSplit(xs, ys, shift, bottom, top, first, d2);
  const x3 = mergePathSplit(xs, ys, shift, bottom, top, first, d3);
  const e0 = bottom + x1;
  const e1 = bottom + x2;
  const e2 = bottom + x3;
  const e3 = top;
  let i0 = bottom;
  let i1 = e0;
  let i2 = e1;
  let i3 = e2;
  let j0 = first;
  let j1 = first + d1 - x1;
  let j2 = first + d2 - x2;
  let j3 = first + d3 - x3;
  const steps = Math.max(d1, d2 - d1, d3 - d2, total - d3);
  const tie = TIE;
  let count = 0;
  for (let step = 0; step < steps; step = (step + 1) | 0) {
    // a = 1 while the lane runs; a finished lane looks at its last x again, whose ys are all
    // behind it, so it takes no step.
    const a0 = +(i0 < e0);
    const a1 = +(i1 < e1);
    const a2 = +(i2 < e2);
    const a3 = +(i3 < e3);
    const x0 = (xs[(i0 - 1 + a0) | 0] as number) - shift;
    const x1 = (xs[(i1 - 1 + a1) | 0] as number) - shift;
    const x2 = (xs[(i2 - 1 + a2) | 0] as number) - shift;
    const x3 = (xs[(i3 - 1 + a3) | 0] as number) - shift;
    const y0 = ys[j0] as number;
    const y1 = ys[j1] as number;
    const y2 = ys[j2] as number;
    const y3 = ys[j3] as number;
    // b = 1: the y is below the x, step to the next y; c = 1: the x has j ys below it, count them.
    const b0 = +(y0 < x0);
    const b1 = +(y1 < x1);
    const b2 = +(y2 < x2);
    const b3 = +(y3 < x3);
    const c0 = (a0 - b0) | 0;
    const c1 = (a1 - b1) | 0;
    const c2 = (a2 - b2) | 0;
    const c3 = (a3 - b3) | 0;
    j0 = (j0 + b0) | 0;
    j1 = (j1 + b1) | 0;
    j2 = (j2 + b2) | 0;
    j3 = (j3 + b3) | 0;
    i0 = (i0 + c0) | 0;
    i1 = (i1 + c1) | 0;
    i2 = (i2 + c2) | 0;
    i3 = (i3 + c3) | 0;
    // A counted x ties with its y unless it is below it (tested without `===`, whose NaN handling
    // costs a branch).
    const ties =
      (c0 - (c0 & +(x0 < y0)) + c1 - (c1 & +(x1 < y1)) + c2 - (c2 & +(x2 < y2)) + c3 - (c3 & +(x3 < y3))) | 0;
    const counted = (Math.imul(c0, j0) + Math.imul(c1, j1) + Math.imul(c2, j2) + Math.imul(c3, j3)) | 0;
    count += counted - tie * ties;
  }
  return count;
}

/**
 * How many of xs[bottom, top) − shift are among the first `steps` values of their merge with the
 * ys from ys[first] on (a y goes first only when it is below the x): the binary search on a
 * diagonal of the merge path (Odeh et al.).
 */
function mergePathSplit(
  xs: Float64Array,
  ys: Float64Array,
  shift: number,
  bottom: number,
  top: number,
  first: number,
  steps: number,
): number {
  let lo = Math.max(0, steps - (ys.length - first));
  let hi = Math.min(steps, top - bottom);
  while (lo < hi) {
    const taken = (lo + hi) >>> 1;
    // Is x number `taken` merged before y number steps − taken − 1? Then more xs are taken.
    if ((xs[bottom + taken] as number) - shift <= (ys[first + steps - taken - 1] as number)) lo = taken + 1;
    else hi = taken;
  }
  return lo;
}

/** `countPairsBelow` in one lane, over xs[from, to) starting at ys[j]. */
function laneCount(
  xs: Float64Array,
  ys: Float64Array,
  shift: number,
  from: number,
  to: number,
  j: number,
): number {
  const tie = TIE;
  let count = 0;
  for (let i = from; i < to;) {
    const x = (xs[i] as number) - shift;
    const y = ys[j] as number;
    const b = +(y < x);
    const c = (1 - b) | 0;
    j = (j + b) | 0;
    i = (i + c) | 0;
    count += Math.imul(c, j) - tie * (c - (c & +(x < y)));
  }
  return count;
}

/** Number of i with xs[i] − shift < bound (xs sorted, so xs − shift is too). */
export function countBelow(xs: Float64Array, shift: number, bound: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) - shift < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of i with xs[i] − shift ≤ bound. */
export function countAtMost(xs: Float64Array, shift: number, bound: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) - shift > bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Number of ys below v (ys sorted). */
export function lowerBound(ys: Float64Array, v: number): number {
  let lo = 0;
  let hi = ys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ys[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
