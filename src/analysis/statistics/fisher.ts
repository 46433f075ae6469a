/**
 * Fisher's exact test on a 2×2 table.
 * Source: SciPy 1.17 `scipy.stats.fisher_exact` (sample odds ratio; two-sided p sums the tables
 * whose probability is ≤ the observed one × (1 + 1e-14)); R. A. Fisher (1922).
 */
import { binarySearchTail } from './binomial-test.js';
import { HypergeometricDistribution } from './hypergeometric-distribution.js';
import { ALTERNATIVES, type Alternative } from './alternative.js';
import { assertCount, assertOneOf } from './validation.js';

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
  const dist = new HypergeometricDistribution(n1 + n2, n1, n);
  let pValue: number;
  if (alternative === 'less') {
    pValue = dist.cdf(a);
  } else if (alternative === 'greater') {
    pValue = new HypergeometricDistribution(n1 + n2, n1, b + d).cdf(b);
  } else {
    pValue = twoSided(dist, a, n, n1, n2);
  }
  return { statistic, pValue: Math.min(pValue, 1) };
}

function twoSided(dist: HypergeometricDistribution, a: number, n: number, n1: number, n2: number): number {
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
