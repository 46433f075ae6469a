import { describe, expect, it } from 'vitest';
import {
  rankSumSorted,
  shiftedRankSums,
  sortedCopy,
  tieTermSorted,
  type RankSum,
} from '../../../src/analysis/statistics/rank-sum.js';

/** The textbook midrank merge of sorted xs − shift and ys, the reference for the fast paths. */
function midrankMerge(xs: Float64Array, ys: Float64Array, shift = 0): RankSum {
  const x = Array.from(xs, (v) => v - shift);
  let i = 0;
  let j = 0;
  let position = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < x.length || j < ys.length) {
    const v = Math.min(x[i] ?? Infinity, ys[j] ?? Infinity);
    let cx = 0;
    let cy = 0;
    while (i < x.length && x[i] === v) {
      i++;
      cx++;
    }
    while (j < ys.length && ys[j] === v) {
      j++;
      cy++;
    }
    const t = cx + cy;
    rankSumX += cx * (position + (t + 1) / 2);
    if (t > 1) tieTerm += t * t * t - t;
    position += t;
  }
  return { rankSumX, tieTerm, hasTies: tieTerm > 0 };
}

function uniforms(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

const random = uniforms(7);
const kinds: Record<string, () => number> = {
  continuous: () => Math.exp(2 * random()),
  'small integers': () => Math.floor(random() * 10),
  'signed zeros': () => (random() < 0.5 ? (random() < 0.5 ? 0 : -0) : random() - 0.5),
  'near 1e9 (shifts round)': () => 1e9 + random() * 1e-6,
  'wide range': () => (random() - 0.5) * Math.exp(40 * random() - 20),
};

/** Sample pairs of every kind and of sizes that use one lane, four lanes, and the overlap trims. */
function cases(): { name: string; xs: Float64Array; ys: Float64Array }[] {
  const out: { name: string; xs: Float64Array; ys: Float64Array }[] = [];
  const names = Object.keys(kinds);
  for (const [a, kindX] of names.entries()) {
    for (const [n, m] of [
      [1, 1],
      [5, 300],
      [70, 70],
      [600, 450],
    ] as const) {
      const kindY = names[(a + n) % names.length] as string;
      const x = kinds[kindX] as () => number;
      const y = kinds[kindY] as () => number;
      out.push({
        name: `${kindX} ${n} vs ${kindY} ${m}`,
        xs: sortedCopy(Array.from({ length: n }, x)),
        ys: sortedCopy(Array.from({ length: m }, y)),
      });
      out.push({
        name: `${kindX} ${n} vs ${kindX} ${m}`,
        xs: sortedCopy(Array.from({ length: n }, x)),
        ys: sortedCopy(Array.from({ length: m }, x)),
      });
    }
  }
  return out;
}

describe('rankSumSorted and shiftedRankSums equal the midrank merge bit for bit', () => {
  it.each(cases())('$name', ({ xs, ys }) => {
    expect(rankSumSorted(xs, ys)).toEqual(midrankMerge(xs, ys));
    const rankSums = shiftedRankSums(xs, ys);
    const n = xs.length;
    const m = ys.length;
    const shifts = [
      0,
      (xs[0] as number) - (ys[m - 1] as number), // the Hodges-Lehmann bracket: one tie at each end
      (xs[n - 1] as number) - (ys[0] as number),
      (xs[n >> 1] as number) - (ys[m >> 1] as number), // a tie in the middle
      0.37,
      -1e12, // so large that rounding merges distinct values of xs
      1e-300,
    ];
    for (const shift of shifts)
      expect(rankSums(shift), `shift ${shift}`).toEqual(midrankMerge(xs, ys, shift));
  });
});

describe('tieTermSorted', () => {
  it('sums t³ − t over runs of equal values', () => {
    expect(tieTermSorted(Float64Array.from([1, 2, 3]))).toBe(0);
    expect(tieTermSorted(Float64Array.from([1, 1, 2, 3, 3, 3]))).toBe(6 + 24);
    expect(tieTermSorted(Float64Array.from([-0, 0, 0]))).toBe(24);
    expect(tieTermSorted(Float64Array.from([1e20, 1e20 + 65536]), 1e25)).toBe(6);
  });
});
