import { describe, expect, it } from 'vitest';
import {
  countAtMost,
  countBelow,
  countPairsBelow,
  lowerBound,
} from '../../../src/analysis/statistics/pair-count.js';
import { sortedCopy } from '../../../src/analysis/statistics/rank-sum.js';

function uniforms(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

/** Σ #{y < x − shift} over xs[bottom, top) by brute force, or −1 with a tie. */
function bruteForce(xs: Float64Array, ys: Float64Array, shift: number, bottom: number, top: number): number {
  let count = 0;
  for (let i = bottom; i < top; i++) {
    const x = (xs[i] as number) - shift;
    for (const y of ys) {
      if (y === x) return -1;
      if (y < x) count++;
    }
  }
  return count;
}

function count(xs: Float64Array, ys: Float64Array, shift: number): number {
  const bottom = countBelow(xs, shift, ys[0] as number);
  const top = countAtMost(xs, shift, ys[ys.length - 1] as number);
  const from = bottom < top ? lowerBound(ys, (xs[bottom] as number) - shift) : 0;
  const counted = countPairsBelow(xs, ys, shift, bottom, top, from);
  return counted < 0 ? -1 : counted;
}

describe('countPairsBelow', () => {
  const random = uniforms(11);
  const cases: [string, number, number, () => number][] = [
    ['one lane', 40, 500, () => random()],
    ['four lanes', 700, 650, () => Math.exp(random())],
    ['four lanes, few distinct values', 300, 300, () => Math.floor(random() * 40) / 4],
    ['unequal sizes', 2000, 90, () => random() * random()],
  ];

  it.each(cases)('%s: equals the brute-force count, or reports a tie', (_, n, m, draw) => {
    const xs = sortedCopy(Array.from({ length: n }, draw));
    const ys = sortedCopy(Array.from({ length: m }, draw));
    for (const shift of [0, 0.013, -0.2, (xs[3] as number) - (ys[5] as number)]) {
      const bottom = countBelow(xs, shift, ys[0] as number);
      const top = countAtMost(xs, shift, ys[m - 1] as number);
      expect(count(xs, ys, shift), `shift ${shift}`).toBe(bruteForce(xs, ys, shift, bottom, top));
    }
  });
});
