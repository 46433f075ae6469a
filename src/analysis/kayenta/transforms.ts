/**
 * Kayenta's preprocessing transforms: NaN handling, outlier removal, Gaussian jitter.
 *
 * Source: spinnaker/spinnaker kayenta-judge/src/main/scala/com/netflix/kayenta/judge/
 * preprocessing/Transforms.scala (commit b40ec5a3) and its TransformSuite. `addGaussianNoise` is
 * not in the indexed Transforms.scala; it follows its callers (MannWhitneyClassifier.scala) and
 * TransformSuite's "Add Gaussian Noise": value + RandomUtils.normal(mean, stdev).
 */
import { normalSamples, type GaussianSource } from './java-random.js';

/** Drops NaN values. */
export function removeNaNs(values: readonly number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}

/** Replaces NaN values with `replacement` (Kayenta's judge always uses 0). */
export function replaceNaNs(values: readonly number[], replacement = 0): number[] {
  return values.map((v) => (Number.isNaN(v) ? replacement : v));
}

/** Drops the values whose flag in `isOutlier` (same length, from a detector) is true. */
export function removeOutliers(values: readonly number[], isOutlier: readonly boolean[]): number[] {
  return values.filter((_, i) => isOutlier[i] !== true);
}

/** Adds independent N(mean, stdev²) noise drawn from `source` to every value, in order. */
export function addGaussianNoise(
  values: readonly number[],
  mean: number,
  stdev: number,
  source: GaussianSource,
): number[] {
  const noise = normalSamples(source, mean, stdev, values.length);
  return values.map((v, i) => v + (noise[i] ?? 0));
}
