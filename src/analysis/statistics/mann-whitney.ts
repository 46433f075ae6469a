/**
 * Mann-Whitney U test of two independent samples.
 * Source: SciPy 1.17 `scipy.stats.mannwhitneyu` (exact null distribution without ties, normal
 * approximation with tie and continuity corrections otherwise); Mann & Whitney (1947).
 */
import { normalSf } from './normal-distribution.js';
import { rankSumSorted, sortedCopy } from './rank-sum.js';
import { StatisticsError } from './statistics-error.js';
import { ALTERNATIVES, type Alternative } from './alternative.js';
import { assertOneOf, assertSample } from './validation.js';
import { wilcoxonProbabilities } from './wilcoxon-distribution.js';

/** How the p-value is computed; `auto` picks `exact` when min size ≤ 8 and there are no ties. */
export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

/** Options of `mannWhitneyU`; defaults match SciPy. */
export interface MannWhitneyOptions {
  readonly alternative?: Alternative;
  readonly method?: MannWhitneyMethod;
  readonly useContinuity?: boolean;
}

/** Result of `mannWhitneyU`: U of the first sample, p-value, method used and standardized U. */
export interface MannWhitneyResult {
  /** U statistic of the FIRST sample (x): number of pairs with x > y, ties counting ½. */
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
  /**
   * (U − n₁n₂/2) / σ with the tie-corrected σ and no continuity correction; positive when x tends
   * to be larger than y; 0 when every value is tied.
   */
  readonly zScore: number;
}

const OPERATION = 'mannWhitneyU';
const METHODS: readonly MannWhitneyMethod[] = ['auto', 'exact', 'asymptotic'];

/** Mann-Whitney U test of x against y (same statistic and p-value as SciPy `mannwhitneyu`). */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  assertSample(OPERATION, 'x', x);
  assertSample(OPERATION, 'y', y);
  return mannWhitneyUSorted(sortedCopy(x), sortedCopy(y), options);
}

/**
 * `mannWhitneyU` of samples already sorted ascending (e.g. by `sortedCopy`), so that a caller
 * running several tests on the same samples sorts them once. The samples are not checked again:
 * they must be non-empty, finite and sorted.
 */
export function mannWhitneyUSorted(
  xs: Float64Array,
  ys: Float64Array,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const alternative = options.alternative ?? 'two-sided';
  const requested = options.method ?? 'auto';
  const useContinuity = options.useContinuity ?? true;
  assertOneOf(OPERATION, 'alternative', alternative, ALTERNATIVES);
  assertOneOf(OPERATION, 'method', requested, METHODS);
  if (typeof useContinuity !== 'boolean') {
    throw new StatisticsError('INVALID_OPTION', `${OPERATION}: useContinuity must be a boolean`);
  }
  const n1 = xs.length;
  const n2 = ys.length;
  const { rankSumX, tieTerm, hasTies } = rankSumSorted(xs, ys);
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const sigma = mannWhitneySigma(n1, n2, tieTerm);
  const zScore = sigma > 0 ? (u1 - (n1 * n2) / 2) / sigma : 0;

  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;
  const method = requested === 'auto' ? chooseMethod(n1, n2, hasTies) : requested;
  const tail = method === 'exact' ? exactSf(u, n1, n2) : asymptoticSf(u, n1, n2, sigma, useContinuity);
  const pValue = Math.min(Math.max(tail * factor, 0), 1);
  return { statistic: u1, pValue, method, zScore };
}

/** SciPy's rule: asymptotic if both samples exceed 8 or there are ties, else exact. */
function chooseMethod(n1: number, n2: number, hasTies: boolean): 'exact' | 'asymptotic' {
  if (n1 > 8 && n2 > 8) return 'asymptotic';
  return hasTies ? 'asymptotic' : 'exact';
}

/** Tie-corrected standard deviation of U under the null. */
export function mannWhitneySigma(n1: number, n2: number, tieTerm: number): number {
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - (n > 1 ? tieTerm / (n * (n - 1)) : 0));
  return Math.sqrt(Math.max(variance, 0));
}

/** P(U ≥ u) from the normal approximation; the continuity correction subtracts ½ as SciPy does. */
function asymptoticSf(u: number, n1: number, n2: number, sigma: number, useContinuity: boolean): number {
  const numerator = u - (n1 * n2) / 2 - (useContinuity ? 0.5 : 0);
  if (sigma === 0) return numerator > 0 ? 0 : 1; // every value tied: no evidence either way
  return normalSf(numerator / sigma);
}

/** P(U ≥ u) from the exact null distribution, summed from the nearer tail as SciPy does. */
function exactSf(u: number, n1: number, n2: number): number {
  const k = Math.trunc(u); // SciPy casts U to int64
  const complement = n1 * n2 - k;
  if (k < complement) {
    const f = wilcoxonProbabilities(n1, n2, k);
    let cdf = 0;
    for (let i = 0; i <= k; i++) cdf += f[i] ?? 0;
    return 1 - cdf + (f[k] ?? 0);
  }
  const f = wilcoxonProbabilities(n1, n2, complement);
  let cdf = 0;
  for (let i = 0; i <= complement; i++) cdf += f[i] ?? 0;
  return cdf;
}
