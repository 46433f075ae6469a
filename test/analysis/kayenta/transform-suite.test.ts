import { describe, expect, it } from 'vitest';
import { createJavaRandom } from '../../../src/analysis/kayenta/java-random.js';
import { detectIqrOutliers, detectKSigmaOutliers } from '../../../src/analysis/kayenta/outlier-detectors.js';
import {
  addGaussianNoise,
  removeNaNs,
  removeOutliers,
  replaceNaNs,
} from '../../../src/analysis/kayenta/transforms.js';
import { loadKayentaFixture, meanAndVariance, num } from './kayenta-fixtures.js';

type Detector = { kind: 'iqr'; factor: number } | { kind: 'k-sigma'; k: number };

interface TransformFixture {
  removeNaNs: { test: string; input: (number | string)[]; expected: number[] }[];
  replaceNaNs: { test: string; input: (number | string)[]; replacement: number; expected: number[] }[];
  removeOutliers: { test: string; detector: Detector; input: number[]; expected: number[] }[];
  addGaussianNoise: {
    test: string;
    seed: number;
    input: number[];
    mean: number;
    stdev: number;
    expected: { mean: number; stdev: number; tolerance: number };
  }[];
}

const fixture = loadKayentaFixture<TransformFixture>('transform-suite');

/** Runs a fixture's detector over `values`. */
function detect(detector: Detector, values: readonly number[]): boolean[] {
  return detector.kind === 'iqr'
    ? detectIqrOutliers(values, detector.factor)
    : detectKSigmaOutliers(values, detector.k);
}

describe('Kayenta TransformSuite, ported', () => {
  it.each(fixture.removeNaNs.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    expect(removeNaNs(c.input.map(num))).toEqual(c.expected);
  });

  it.each(fixture.replaceNaNs.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    expect(replaceNaNs(c.input.map(num), c.replacement)).toEqual(c.expected);
  });

  it.each(fixture.removeOutliers.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    expect(removeOutliers(c.input, detect(c.detector, c.input))).toEqual(c.expected);
  });

  it.each(fixture.addGaussianNoise.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    const noisy = addGaussianNoise(c.input, c.mean, c.stdev, createJavaRandom(c.seed));
    const { mean, variance } = meanAndVariance(noisy);
    expect(Math.abs(mean - c.expected.mean)).toBeLessThanOrEqual(c.expected.tolerance);
    expect(Math.abs(Math.sqrt(variance) - c.expected.stdev)).toBeLessThanOrEqual(c.expected.tolerance);
    expect(noisy).toHaveLength(c.input.length);
  });
});
