/**
 * Binomial probabilities: pmf in log space, tails through the regularized incomplete beta.
 * Source: C. Loader (2000), "Fast and Accurate Computation of Binomial Probabilities" for the pmf;
 * P(X > k) = I_p(k+1, n−k) (Abramowitz & Stegun 26.5.24), agreeing with SciPy's `binom.pmf/cdf/sf`.
 */
import { logRegularizedBeta, regularizedBeta } from './incomplete-beta.js';
import { logBinomialRaw } from './saddle-point.js';

/** log P(X = k) for X ~ Binomial(n, p); −Infinity for k outside 0..n or non-integer k. */
export function binomialLogPmf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return logBinomialRaw(k, n, p, 1 - p);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  return Math.exp(binomialLogPmf(k, n, p));
}

/** P(X ≤ k) for X ~ Binomial(n, p), accurate in the lower tail (no 1 − sf). */
export function binomialCdf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return 0;
  if (kk >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  return regularizedBeta(n - kk, kk + 1, 1 - p, p);
}

/** P(X > k) for X ~ Binomial(n, p), accurate in the upper tail (no 1 − cdf). */
export function binomialSf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return 1;
  if (kk >= n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  return regularizedBeta(kk + 1, n - kk, p, 1 - p);
}

/** log P(X ≤ k) for X ~ Binomial(n, p); finite far into the tail where P underflows. */
export function binomialLogCdf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return Number.NEGATIVE_INFINITY;
  if (kk >= n || p === 0) return 0;
  if (p === 1) return Number.NEGATIVE_INFINITY;
  return logRegularizedBeta(n - kk, kk + 1, 1 - p, p);
}

/** log P(X > k) for X ~ Binomial(n, p); finite far into the tail where P underflows. */
export function binomialLogSf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return 0;
  if (kk >= n || p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return 0;
  return logRegularizedBeta(kk + 1, n - kk, p, 1 - p);
}
