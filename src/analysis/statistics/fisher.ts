/**
 * Fisher's exact test on a 2×2 table.
 * Source: SciPy 1.17 `scipy.stats.fisher_exact` (sample odds ratio; two-sided p sums the tables
 * whose probability is ≤ the observed one × (1 + 1e-14)); R. A. Fisher (1922).
 */
import { hypergeometricLogPmf } from './binomial-distribution.js';
import { ALTERNATIVES, assertCount, assertOneOf, type Alternative } from './validation.js';

/** A 2×2 table [[a, b], [c, d]] of non-negative integer counts. */
export type TwoByTwoTable = readonly [readonly [number, number], readonly [number, number]];

/** Options of `fisherExact`. */
export interface FisherOptions {
  readonly alternative?: Alternative;
}

/** Sample odds ratio a·d/(b·c) (Infinity when b·c = 0, NaN when a margin is 0) and p-value. */
export interface FisherResult {
  readonly statistic: number;
  readonly pValue: number;
}

const OPERATION = 'fisherExact';

/** Hypergeometric tail sums by the ratio recurrence (no 1 − x), as Boost does for SciPy. */
class Hypergeometric {
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

/** Fisher's exact test of the 2×2 table [[a, b], [c, d]] (rows: groups, columns: outcome). */
export function fisherExact(table: TwoByTwoTable, options: FisherOptions = {}): FisherResult {
  const alternative = options.alternative ?? 'two-sided';
  assertOneOf(OPERATION, 'alternative', alternative, ALTERNATIVES);
  const [[a, b], [c, d]] = table;
  assertCount(OPERATION, 'table[0][0]', a);
  assertCount(OPERATION, 'table[0][1]', b);
  assertCount(OPERATION, 'table[1][0]', c);
  assertCount(OPERATION, 'table[1][1]', d);
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) return { statistic: Number.NaN, pValue: 1 };
  const statistic = c > 0 && b > 0 ? (a * d) / (c * b) : Number.POSITIVE_INFINITY;
  const n1 = a + b;
  const n2 = c + d;
  const n = a + c;
  const dist = new Hypergeometric(n1 + n2, n1, n);
  let pValue: number;
  if (alternative === 'less') {
    pValue = dist.cdf(a);
  } else if (alternative === 'greater') {
    pValue = new Hypergeometric(n1 + n2, n1, b + d).cdf(b);
  } else {
    pValue = twoSided(dist, a, n, n1, n2);
  }
  return { statistic, pValue: Math.min(pValue, 1) };
}

function twoSided(dist: Hypergeometric, a: number, n: number, n1: number, n2: number): number {
  const mode = Math.trunc(((n + 1) * (n1 + 1)) / (n1 + n2 + 2));
  const pExact = dist.pmf(a);
  const pMode = dist.pmf(mode);
  const gamma = 1 + 1e-14;
  if (Math.abs(pExact - pMode) / Math.max(pExact, pMode) <= 1e-14) return 1;
  if (a < mode) {
    const pLower = dist.cdf(a);
    if (dist.pmf(n) > pExact * gamma) return pLower;
    const guess = binarySearchTail((x) => -dist.pmf(x), -pExact * gamma, mode, n);
    return pLower + dist.sf(guess);
  }
  const pUpper = dist.sf(a - 1);
  if (dist.pmf(0) > pExact * gamma) return pUpper;
  const guess = binarySearchTail((x) => dist.pmf(x), pExact * gamma, 0, mode);
  return pUpper + dist.cdf(guess);
}
