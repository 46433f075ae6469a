/**
 * Detectable change: roughly the smallest change the data so far could have detected at the
 * rule set's power, so a pass on thin data says so. Normal approximations (Wald log rate ratio for
 * counts; Mann-Whitney's asymptotic relative efficiency 3/π against the t-test for values) with
 * the Bonferroni share alpha/m as the one-sided level: a readable bound, not a test.
 */
import { normalIsf } from '../statistics/normal-distribution.js';

/** Smallest rate ratio (> 1) detectable with these exposures at a pooled event rate. */
export function detectableRateRatio(
  pooledRate: number,
  canaryTotal: number,
  baselineTotal: number,
  alpha: number,
  power: number,
): number | undefined {
  if (!(pooledRate > 0) || canaryTotal <= 0 || baselineTotal <= 0) return undefined;
  const standardError = Math.sqrt(1 / (pooledRate * canaryTotal) + 1 / (pooledRate * baselineTotal));
  return Math.exp((normalIsf(alpha) + normalIsf(1 - power)) * standardError);
}

/** Smallest relative shift of the mean detectable by Mann-Whitney with these sample sizes. */
export function detectableRelativeShift(
  standardDeviation: number,
  baselineMean: number,
  canaryCount: number,
  baselineCount: number,
  alpha: number,
  power: number,
): number | undefined {
  if (baselineMean === 0 || canaryCount <= 0 || baselineCount <= 0) return undefined;
  const shift =
    (normalIsf(alpha) + normalIsf(1 - power)) *
    Math.sqrt(1 / canaryCount + 1 / baselineCount) *
    Math.sqrt(Math.PI / 3) *
    standardDeviation;
  return shift / Math.abs(baselineMean);
}
