/**
 * Welch's unequal-variances t-test.
 * Source: SciPy 1.17 `scipy.stats.ttest_ind(a, b, equal_var=False)` (Welch 1947; Satterthwaite df).
 */
import { StatisticsError } from './statistics-error.js';
import { studentTCdf, studentTSf } from './student-t-distribution.js';
import { ALTERNATIVES, type Alternative } from './alternative.js';
import { assertOneOf, assertSample } from './validation.js';

/** Options of `welchTTest`. */
export interface WelchOptions {
  readonly alternative?: Alternative;
}

/** t statistic of mean(a) − mean(b), Welch-Satterthwaite degrees of freedom and p-value. */
export interface WelchResult {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
  readonly meanDifference: number;
}

const OPERATION = 'welchTTest';

function meanAndVariance(values: readonly number[]): readonly [number, number] {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return [mean, ss / (values.length - 1)];
}

/** Welch's t-test of a against b; each sample needs two values and at least one must vary. */
export function welchTTest(
  a: readonly number[],
  b: readonly number[],
  options: WelchOptions = {},
): WelchResult {
  assertSample(OPERATION, 'a', a, 2);
  assertSample(OPERATION, 'b', b, 2);
  const alternative = options.alternative ?? 'two-sided';
  assertOneOf(OPERATION, 'alternative', alternative, ALTERNATIVES);
  const [meanA, varA] = meanAndVariance(a);
  const [meanB, varB] = meanAndVariance(b);
  const vnA = varA / a.length;
  const vnB = varB / b.length;
  const standardError = Math.sqrt(vnA + vnB);
  if (standardError === 0) {
    throw new StatisticsError('NOT_COMPUTABLE', `${OPERATION}: both samples are constant, t is undefined`);
  }
  const df = ((vnA + vnB) * (vnA + vnB)) / ((vnA * vnA) / (a.length - 1) + (vnB * vnB) / (b.length - 1));
  const meanDifference = meanA - meanB;
  const statistic = meanDifference / standardError;
  let pValue: number;
  if (alternative === 'less') pValue = studentTCdf(statistic, df);
  else if (alternative === 'greater') pValue = studentTSf(statistic, df);
  else pValue = Math.min(1, 2 * studentTSf(Math.abs(statistic), df));
  return { statistic, df, pValue, meanDifference };
}
