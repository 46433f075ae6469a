/**
 * Exact binomial test and Clopper-Pearson interval.
 * Source: SciPy 1.17 `scipy.stats.binomtest` (two-sided p sums outcomes with pmf ≤ pmf(k)·(1 + 1e-7))
 * and `BinomTestResult.proportion_ci(method='exact')`; Clopper & Pearson (1934).
 */
import { binomialCdf, binomialPmf, binomialSf } from './binomial-distribution.js';
import type { Alternative } from './alternative.js';

/** SciPy's `_binary_search_for_binom_tst`: index i in [lo, hi] with a(i) ≤ d < a(i + 1). */
export function binarySearchTail(a: (i: number) => number, d: number, lo: number, hi: number): number {
  let low = lo;
  let high = hi;
  while (low < high) {
    const mid = low + Math.floor((high - low) / 2);
    const midValue = a(mid);
    if (midValue < d) low = mid + 1;
    else if (midValue > d) high = mid - 1;
    else return mid;
  }
  return a(low) <= d ? low : low - 1;
}

/** p-value of k successes in n trials under success probability p (SciPy `binomtest(k, n, p).pvalue`). */
export function binomialTestPValue(k: number, n: number, p: number, alternative: Alternative): number {
  if (alternative === 'less') return binomialCdf(k, n, p);
  if (alternative === 'greater') return binomialSf(k - 1, n, p);
  const d = binomialPmf(k, n, p);
  const rerr = 1 + 1e-7;
  let pValue: number;
  if (k === p * n) {
    pValue = 1;
  } else if (k < p * n) {
    const ix = binarySearchTail((x) => -binomialPmf(x, n, p), -d * rerr, Math.ceil(p * n), n);
    const y = n - ix + (d * rerr === binomialPmf(ix, n, p) ? 1 : 0);
    pValue = binomialCdf(k, n, p) + binomialSf(n - y, n, p);
  } else {
    const ix = binarySearchTail((x) => binomialPmf(x, n, p), d * rerr, 0, Math.floor(p * n));
    const y = ix + 1;
    pValue = binomialCdf(y - 1, n, p) + binomialSf(k - 1, n, p);
  }
  return Math.min(1, pValue);
}

/** Largest p in [0, 1] with f(p) ≥ target for f decreasing in p, by bisection to full precision. */
function solveDecreasing(f: (p: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 1100 && hi - lo > Number.EPSILON * hi; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi) break;
    if (f(mid) >= target) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

/**
 * Clopper-Pearson interval for a binomial proportion, k of n, as SciPy's `proportion_ci(method='exact')`
 * (lower = 0 when k = 0, upper = 1 when k = n; one-sided bounds for 'less' / 'greater').
 */
export function clopperPearson(
  k: number,
  n: number,
  confidenceLevel: number,
  alternative: Alternative,
): { readonly lower: number; readonly upper: number } {
  const alpha = alternative === 'two-sided' ? (1 - confidenceLevel) / 2 : 1 - confidenceLevel;
  let lower = 0;
  let upper = 1;
  if (alternative !== 'less' && k > 0) {
    // P(X ≥ k | p) is increasing in p: the lower bound is where it reaches alpha.
    lower = solveDecreasing((p) => -binomialSf(k - 1, n, p), -alpha);
  }
  if (alternative !== 'greater' && k < n) {
    upper = solveDecreasing((p) => binomialCdf(k, n, p), alpha);
  }
  return { lower, upper };
}
