import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/simulation/random.js';

function moments(draw: () => number, count: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < count; i += 1) {
    const x = draw();
    sum += x;
    sumSquares += x * x;
  }
  const mean = sum / count;
  return { mean, variance: (sumSquares - count * mean * mean) / (count - 1) };
}

function logBinomialPmf(n: number, p: number, k: number): number {
  let logChoose = 0;
  for (let i = 1; i <= k; i += 1) logChoose += Math.log((n - k + i) / i);
  return logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

describe('createRandom', () => {
  it('repeats the same stream for the same seed and differs across seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = [a.uniform(), a.uniform(), a.uniform()];
    expect([b.uniform(), b.uniform(), b.uniform()]).toEqual(first);
    expect(c.uniform()).not.toBe(first[0]);
  });

  it('forks children that depend only on the parent seed and the child seed', () => {
    const parent = createRandom(7);
    const child = parent.fork(3).uniform();
    parent.uniform();
    expect(parent.fork(3).uniform()).toBe(child);
    expect(parent.fork(4).uniform()).not.toBe(child);
    expect(createRandom(8).fork(3).uniform()).not.toBe(child);
  });

  it('draws uniforms strictly inside (0, 1) with mean 1/2 and variance 1/12', () => {
    const random = createRandom(1);
    const { mean, variance } = moments(() => random.uniform(), 200_000);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
    for (let i = 0; i < 10_000; i += 1) {
      const u = random.uniform();
      expect(u > 0 && u < 1).toBe(true);
    }
  });

  it('draws integers uniformly in [0, n)', () => {
    const random = createRandom(2);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 50_000; i += 1) counts[random.integer(5)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it('draws normals and log-normals with the right moments', () => {
    const random = createRandom(3);
    const normal = moments(() => random.normal(2, 3), 200_000);
    expect(normal.mean).toBeCloseTo(2, 1);
    expect(normal.variance / 9).toBeCloseTo(1, 1);
    const lognormal = moments(() => random.lognormal(0, 0.5), 200_000);
    expect(lognormal.mean).toBeCloseTo(Math.exp(0.125), 2);
    expect(lognormal.variance / ((Math.exp(0.25) - 1) * Math.exp(0.25))).toBeCloseTo(1, 1);
  });

  it.each([0.3, 4, 10, 37.5, 1000])('draws Poisson(%s) with mean and variance equal to the mean', (mean) => {
    const random = createRandom(4);
    const result = moments(() => random.poisson(mean), 200_000);
    const standardError = Math.sqrt(mean / 200_000);
    expect(Math.abs(result.mean - mean)).toBeLessThan(5 * standardError);
    expect(result.variance / mean).toBeCloseTo(1, 1);
  });

  it.each([
    [30, 0.3],
    [2000, 0.001],
    [2000, 0.005],
    [5000, 0.01],
    [20_000, 0.001],
    [20_000, 0.05],
    [100, 0.9],
  ])('draws Binomial(%s, %s) with mean np and variance np(1-p)', (n, p) => {
    const random = createRandom(5);
    const result = moments(() => random.binomial(n, p), 200_000);
    const variance = n * p * (1 - p);
    expect(Math.abs(result.mean - n * p)).toBeLessThan(5 * Math.sqrt(variance / 200_000));
    expect(result.variance / variance).toBeCloseTo(1, 1);
  });

  it.each([
    [2000, 0.004],
    [20_000, 0.002],
  ])('matches the Binomial(%s, %s) pmf in a chi-square test', (n, p) => {
    const random = createRandom(6);
    const draws = 200_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < draws; i += 1) {
      const k = random.binomial(n, p);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let chiSquare = 0;
    let cells = 0;
    let otherObserved = draws;
    let otherExpected = draws;
    const sd = Math.sqrt(n * p * (1 - p));
    for (let k = Math.max(0, Math.floor(n * p - 10 * sd)); k <= n * p + 10 * sd; k += 1) {
      const expected = draws * Math.exp(logBinomialPmf(n, p, k));
      if (expected < 20) continue;
      const observed = counts.get(k) ?? 0;
      chiSquare += (observed - expected) ** 2 / expected;
      cells += 1;
      otherObserved -= observed;
      otherExpected -= expected;
    }
    chiSquare += (otherObserved - otherExpected) ** 2 / otherExpected;
    // Mean `cells`, sd sqrt(2 cells): 5 sd is a generous but meaningful bound.
    expect(chiSquare).toBeLessThan(cells + 5 * Math.sqrt(2 * cells));
  });

  it('handles degenerate binomial and Poisson parameters and rejects invalid ones', () => {
    const random = createRandom(7);
    expect(random.binomial(0, 0.5)).toBe(0);
    expect(random.binomial(10, 0)).toBe(0);
    expect(random.binomial(10, 1)).toBe(10);
    expect(random.poisson(0)).toBe(0);
    expect(() => random.binomial(10, 1.5)).toThrow(RangeError);
    expect(() => random.binomial(2.5, 0.5)).toThrow(RangeError);
    expect(() => random.poisson(-1)).toThrow(RangeError);
  });
});
