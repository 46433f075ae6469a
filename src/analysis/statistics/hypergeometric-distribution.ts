/**
 * Hypergeometric distribution: pmf in log space, tails by the pmf ratio recurrence summed from the
 * nearer end (never 1 − tiny), as Boost's `hypergeometric_cdf` that SciPy's `hypergeom` uses.
 * Source: C. Loader (2000) for the pmf (R's `dhyper`); Johnson, Kemp & Kotz, "Univariate Discrete
 * Distributions" §6.2 for the recurrence.
 */
import { logBinomialRaw } from './saddle-point.js';

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

/** Hypergeometric(total, successes, draws) with pmf in log space and tails summed from the nearer end. */
export class HypergeometricDistribution {
  readonly lowest: number;
  readonly highest: number;

  constructor(
    readonly total: number,
    readonly successes: number,
    readonly draws: number,
  ) {
    this.lowest = Math.max(0, draws - (total - successes));
    this.highest = Math.min(successes, draws);
  }

  /** P(X = k). */
  pmf(k: number): number {
    return Math.exp(hypergeometricLogPmf(k, this.total, this.successes, this.draws));
  }

  /** P(X ≤ k). */
  cdf(k: number): number {
    if (k < this.lowest) return 0;
    if (k >= this.highest) return 1;
    const mean = (this.draws * this.successes) / this.total;
    return k <= mean ? this.sumDown(k) : 1 - this.sumUp(k + 1);
  }

  /** P(X > k). */
  sf(k: number): number {
    if (k < this.lowest) return 1;
    if (k >= this.highest) return 0;
    const mean = (this.draws * this.successes) / this.total;
    return k + 1 >= mean ? this.sumUp(k + 1) : 1 - this.sumDown(k);
  }

  /** Σ_{i ≤ k} pmf(i), walking down from k. */
  private sumDown(k: number): number {
    const failures = this.total - this.successes;
    let term = this.pmf(k);
    let sum = term;
    for (let i = k; i > this.lowest; i--) {
      term *= (i * (failures - this.draws + i)) / ((this.successes - i + 1) * (this.draws - i + 1));
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return sum;
  }

  /** Σ_{i ≥ k} pmf(i), walking up from k. */
  private sumUp(k: number): number {
    const failures = this.total - this.successes;
    let term = this.pmf(k);
    let sum = term;
    for (let i = k; i < this.highest; i++) {
      term *= ((this.successes - i) * (this.draws - i)) / ((i + 1) * (failures - this.draws + i + 1));
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return sum;
  }
}

/** P(X ≤ k) for X ~ Hypergeometric(total, successes, draws), as SciPy's `hypergeom.cdf(k, M, n, N)`. */
export function hypergeometricCdf(k: number, total: number, successes: number, draws: number): number {
  return new HypergeometricDistribution(total, successes, draws).cdf(Math.floor(k));
}

/** P(X > k) for X ~ Hypergeometric(total, successes, draws), as SciPy's `hypergeom.sf(k, M, n, N)`. */
export function hypergeometricSf(k: number, total: number, successes: number, draws: number): number {
  return new HypergeometricDistribution(total, successes, draws).sf(Math.floor(k));
}
