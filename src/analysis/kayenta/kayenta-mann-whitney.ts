/**
 * Kayenta's Mann-Whitney U test with a Hodges-Lehmann confidence interval: a port of R's
 * `wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)` interval and estimate.
 * Unlike R's default, Kayenta ALWAYS uses the normal approximation with continuity correction
 * and tie correction, whatever the sample size, and computes no p-value.
 *
 * Sources: spinnaker/spinnaker kayenta/kayenta-mannwhitney/src/main/scala/com/netflix/kayenta/
 * mannwhitney/MannWhitney.scala (commit f8b98eba); R src/library/stats/R/wilcox.test.R
 * (`wdiff`, `root`); D. F. Bauer, "Constructing confidence sets using rank statistics", JASA
 * 67(339):687-690, 1972; normal quantile from ../statistics/normal-distribution.ts (AS 241).
 */
import { normalPpf } from '../statistics/normal-distribution.js';
import { brentSolve } from './brent-solver.js';
import { KayentaError } from './kayenta-error.js';
import { averageRanks } from './natural-ranking.js';

/** The interval and estimate for the location shift x − y. */
export interface KayentaMannWhitneyResult {
  readonly lower: number;
  readonly upper: number;
  /** Hodges-Lehmann-type estimate: the root of the centred statistic at zq = 0. */
  readonly estimate: number;
}

function minMax(values: readonly number[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/**
 * R's `wdiff`: the continuity- and tie-corrected standardised rank-sum of x − mu against y, minus
 * `quantile`. Throws NOT_COMPUTABLE when every observation is tied (zero variance).
 */
export function wilcoxonDiff(
  mu: number,
  quantile: number,
  x: readonly number[],
  y: readonly number[],
): number {
  const xLen = x.length;
  const yLen = y.length;
  const ranks = averageRanks([...x.map((v) => v - mu), ...y]);
  const tieCounts = new Map<number, number>();
  for (const r of ranks) tieCounts.set(r, (tieCounts.get(r) ?? 0) + 1);
  let rankSum = 0;
  for (let i = 0; i < xLen; i++) rankSum += ranks[i] ?? 0;
  const dz = rankSum - (xLen * (xLen + 1)) / 2 - (xLen * yLen) / 2;
  const correction = Math.sign(dz) * 0.5;
  let tieTerm = 0;
  for (const t of tieCounts.values()) tieTerm += t ** 3 - t;
  const sigma = Math.sqrt(
    ((xLen * yLen) / 12) * (xLen + yLen + 1 - tieTerm / ((xLen + yLen) * (xLen + yLen - 1))),
  );
  if (sigma === 0) {
    throw new KayentaError(
      'NOT_COMPUTABLE',
      'Mann-Whitney: cannot compute confidence interval when all observations are tied',
    );
  }
  return (dz - correction) / sigma - quantile;
}

/**
 * Kayenta's `mannWhitneyUTest(x, y, confidenceLevel)`: x is the experiment (canary), y the
 * control (baseline). Kayenta's `mu` argument is accepted but never used, so it is omitted here.
 * Throws INVALID_INPUT for empty or non-finite samples.
 */
export function kayentaMannWhitney(
  x: readonly number[],
  y: readonly number[],
  confidenceLevel = 0.95,
): KayentaMannWhitneyResult {
  if (x.length === 0 || y.length === 0) {
    throw new KayentaError(
      'INVALID_INPUT',
      `Mann-Whitney: needs both samples, got ${x.length} and ${y.length} values`,
    );
  }
  if (![...x, ...y].every((v) => Number.isFinite(v))) {
    throw new KayentaError('INVALID_INPUT', 'Mann-Whitney: samples must be finite numbers');
  }
  const alpha = 1.0 - confidenceLevel;
  const [xMin, xMax] = minMax(x);
  const [yMin, yMax] = minMax(y);
  const muMin = xMin - yMax;
  const muMax = xMax - yMin;
  const diff = (zq: number) => (m: number) => wilcoxonDiff(m, zq, x, y);

  const findRoot = (zq: number): number => {
    const fLower = wilcoxonDiff(muMin, zq, x, y);
    const fUpper = wilcoxonDiff(muMax, zq, x, y);
    if (fLower <= 0) return muMin;
    if (fUpper >= 0) return muMax;
    return brentSolve(muMin, muMax, fLower, fUpper, diff(zq));
  };

  const zQuant = normalPpf(alpha / 2);
  const lower = findRoot(-zQuant);
  const upper = findRoot(zQuant);
  const estimate = brentSolve(
    muMin,
    muMax,
    wilcoxonDiff(muMin, 0, x, y),
    wilcoxonDiff(muMax, 0, x, y),
    diff(0),
  );
  return { lower, upper, estimate };
}
