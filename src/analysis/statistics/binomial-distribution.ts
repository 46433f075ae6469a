/**
 * Binomial and hypergeometric probabilities in log space.
 * Source: C. Loader (2000), "Fast and Accurate Computation of Binomial Probabilities" (saddle-point
 * form, as R's dbinom_raw); tails via the regularized incomplete beta as SciPy's `binom.cdf/sf`.
 */
import { regularizedBeta } from './incomplete-beta.js';
import { stirlingError } from './log-gamma.js';

const LN_2PI = 1.8378770664093456;

/** Loader's deviance term bd0(x, np) = x log(x/np) + np − x, accurate when x ≈ np. */
export function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/**
 * log of Γ(n+1)/(Γ(x+1)Γ(n−x+1)) p^x q^(n−x) for real 0 ≤ x ≤ n (q = 1 − p passed separately so
 * that it keeps full precision); −Infinity outside the support.
 */
export function logBinomialRaw(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (q === 0) return x === n ? 0 : Number.NEGATIVE_INFINITY;
  if (x === 0) {
    if (n === 0) return 0;
    return p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q);
  }
  if (x === n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p);
  if (x < 0 || x > n) return Number.NEGATIVE_INFINITY;
  const lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

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

/** log P(X = k) for X ~ Hypergeometric(total M, successes n, draws N) as SciPy's `hypergeom.logpmf(k, M, n, N)`. */
export function hypergeometricLogPmf(k: number, total: number, successes: number, draws: number): number {
  const failures = total - successes;
  if (!Number.isInteger(k) || k < Math.max(0, draws - failures) || k > Math.min(successes, draws)) {
    return Number.NEGATIVE_INFINITY;
  }
  if (draws === 0 || draws === total) return 0;
  const p = draws / total;
  const q = (total - draws) / total;
  return (
    logBinomialRaw(k, successes, p, q) +
    logBinomialRaw(draws - k, failures, p, q) -
    logBinomialRaw(draws, total, p, q)
  );
}

/** P(X = k) for X ~ Hypergeometric(total, successes, draws). */
export function hypergeometricPmf(k: number, total: number, successes: number, draws: number): number {
  return Math.exp(hypergeometricLogPmf(k, total, successes, draws));
}
