import { describe, expect, it } from 'vitest';
import { sortedFloat64 } from '../../../src/analysis/statistics/numeric-sort.js';

/** Deterministic uniform numbers in [0, 1) (Park-Miller). */
function uniforms(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

/** Same values, same order, −0 and +0 told apart. */
function expectSameOrder(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const differing = Array.from(actual).findIndex((v, i) => !Object.is(v, expected[i]));
  expect(differing).toBe(-1);
}

function expectLikeNativeSort(values: number[]): void {
  expectSameOrder(sortedFloat64(values), Float64Array.from(values).sort());
}

describe('sortedFloat64 sorts exactly as Float64Array.prototype.sort', () => {
  const random = uniforms(42);
  const samples: Record<string, (n: number) => number[]> = {
    lognormal: (n) => Array.from({ length: n }, () => Math.exp(Math.sqrt(-2 * Math.log(random())) - 2)),
    uniform: (n) => Array.from({ length: n }, () => random()),
    'few distinct values': (n) => Array.from({ length: n }, () => Math.floor(random() * 5)),
    'signed zeros and negatives': (n) =>
      Array.from({ length: n }, () => {
        const r = random();
        if (r < 0.2) return r < 0.1 ? 0 : -0;
        return (random() - 0.5) * Math.exp(30 * random() - 15);
      }),
    'infinities and extremes': (n) =>
      Array.from({ length: n }, (_, i) =>
        i % 7 === 0
          ? [Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE][
              i % 6
            ]!
          : random() - 0.5,
      ),
    'a narrow range (differences in the low word only)': (n) =>
      Array.from({ length: n }, () => 1e9 + random() * 1e-6),
    'heavy tail': (n) => Array.from({ length: n }, () => Math.exp(40 * random() * random() - 5)),
    sorted: (n) => Array.from({ length: n }, (_, i) => i / 3),
    reversed: (n) => Array.from({ length: n }, (_, i) => -i / 3),
    'all equal': (n) => Array.from({ length: n }, () => 2.5),
  };
  const sizes = [0, 1, 2, 24, 25, 100, 1000, 20_000];

  for (const [name, sample] of Object.entries(samples)) {
    it.each(sizes)(`${name}, %i values`, (n) => expectLikeNativeSort(sample(n)));
  }

  it('sorts values that differ only in their lowest bits (once recursed forever)', () => {
    const ulp = 2 ** -52;
    expectLikeNativeSort(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 1 : 1 + ulp)));
    expectLikeNativeSort(Array.from({ length: 200 }, (_, i) => 1 + (i % 4) * ulp));
    expectLikeNativeSort(Array.from({ length: 100 }, (_, i) => (i % 3) * Number.MIN_VALUE));
  });

  it('puts NaN last, as the built-in sort does', () => {
    expectLikeNativeSort(Array.from({ length: 500 }, (_, i) => (i % 50 === 0 ? Number.NaN : Math.sin(i))));
  });

  it('leaves its input alone and accepts typed arrays', () => {
    const values = [3, 1, 2];
    const input = Float64Array.from(Array.from({ length: 100 }, (_, i) => (i * 37) % 101));
    expect(Array.from(sortedFloat64(values))).toEqual([1, 2, 3]);
    expect(values).toEqual([3, 1, 2]);
    expectSameOrder(sortedFloat64(input), Float64Array.from(input).sort());
    expect(input[0]).toBe(0);
    expect(input[1]).toBe(37);
  });
});
