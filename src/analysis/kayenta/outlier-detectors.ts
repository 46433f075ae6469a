/**
 * Kayenta's outlier detectors: Tukey's IQR fences (optionally widened to the 1st/99th
 * percentiles, as the judge uses it) and k-sigma.
 *
 * Sources: spinnaker/spinnaker kayenta/kayenta-judge/.../detectors/IQRDetector.scala (commit
 * f8b98eba), kayenta-judge/.../detectors/KSigmaDetector.scala (commit 5344e21b); J. W. Tukey,
 * Exploratory Data Analysis (1977). Percentiles are R-7, as Kayenta's.
 */
import { apacheMean, apachePopulationVariance, percentileR7 } from './descriptive-statistics.js';
import { KayentaError } from './kayenta-error.js';

/**
 * Flags values below Q1 − factor·IQR or above Q3 + factor·IQR. With `reduceSensitivity` the fences
 * are widened to min(P1, lower) and max(P99, upper), as NetflixACAJudge does. Throws when factor <= 0.
 */
export function detectIqrOutliers(
  values: readonly number[],
  factor = 1.5,
  reduceSensitivity = false,
): boolean[] {
  if (!(factor > 0))
    throw new KayentaError('INVALID_CONFIG', `IQR detector: factor must be > 0, got ${factor}`);
  const p25 = percentileR7(values, 25);
  const p75 = percentileR7(values, 75);
  const iqr = p75 - p25;
  let lowerFence = p25 - factor * iqr;
  let upperFence = p75 + factor * iqr;
  if (reduceSensitivity) {
    lowerFence = Math.min(percentileR7(values, 1), lowerFence);
    upperFence = Math.max(percentileR7(values, 99), upperFence);
  }
  return values.map((x) => x > upperFence || x < lowerFence);
}

/** Flags values more than k population standard deviations from the mean. Throws when k <= 0. */
export function detectKSigmaOutliers(values: readonly number[], k = 3.0): boolean[] {
  if (!(k > 0)) throw new KayentaError('INVALID_CONFIG', `k-sigma detector: k must be > 0, got ${k}`);
  const mean = apacheMean(values);
  const sd = Math.sqrt(apachePopulationVariance(values));
  return values.map((x) => Math.abs(x - mean) > sd * k);
}
