import { describe, expect, it } from 'vitest';
import { createJavaRandom, normalSamples } from '../../../src/analysis/kayenta/java-random.js';
import { loadKayentaFixture, meanAndVariance } from './kayenta-fixtures.js';

interface UtilsCase {
  readonly test: string;
  readonly seed: number;
  readonly mean: number;
  readonly stdev: number;
  readonly count: number;
  readonly expected: { mean?: number; variance?: number; stdev?: number; tolerance?: number; first?: number };
}

const fixture = loadKayentaFixture<{ cases: UtilsCase[] }>('utils-suite');

describe('Kayenta UtilsSuite (RandomUtils), ported', () => {
  it.each(fixture.cases.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    const draws = normalSamples(createJavaRandom(c.seed), c.mean, c.stdev, c.count);
    expect(draws).toHaveLength(c.count);
    const { mean, variance } = meanAndVariance(draws);
    const tol = c.expected.tolerance ?? 0;
    if (c.expected.mean !== undefined) expect(Math.abs(mean - c.expected.mean)).toBeLessThanOrEqual(tol);
    if (c.expected.variance !== undefined)
      expect(Math.abs(variance - c.expected.variance)).toBeLessThanOrEqual(tol);
    if (c.expected.stdev !== undefined)
      expect(Math.abs(Math.sqrt(variance) - c.expected.stdev)).toBeLessThanOrEqual(tol);
    if (c.expected.first !== undefined) expect(draws[0]).toBe(c.expected.first);
  });
});

describe('java.util.Random port', () => {
  it('reproduces the JDK sequence for seed 42 (new Random(42).nextGaussian() twice)', () => {
    const random = createJavaRandom(42);
    expect(random.nextGaussian()).toBe(1.1419053154730547);
    expect(random.nextGaussian()).toBe(0.9194079489827879);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = normalSamples(createJavaRandom(7), 0, 1, 5);
    expect(normalSamples(createJavaRandom(7), 0, 1, 5)).toEqual(a);
    expect(normalSamples(createJavaRandom(8), 0, 1, 5)).not.toEqual(a);
  });
});
