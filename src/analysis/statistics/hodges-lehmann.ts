/**
 * Two-sample Hodges-Lehmann location shift (x − y) with its confidence interval.
 * Source: R `stats:::wilcox.test.default(x, y, conf.int = TRUE)` (Bauer 1972, "Constructing
 * confidence sets using rank statistics"; Hodges & Lehmann 1963): exact order statistics of the
 * pairwise differences with `qwilcox`, otherwise `uniroot` on the continuity-corrected z of the
 * shifted rank sum.
 */
import { normalPpf } from './normal-distribution.js';
import { mannWhitneySigma } from './mann-whitney.js';
import { rankSumSorted, shiftedRankSums, sortedCopy } from './rank-sum.js';
import { zeroin } from './r-zeroin.js';
import { StatisticsError } from './statistics-error.js';
import { ALTERNATIVES, type Alternative } from './alternative.js';
import { assertOneOf, assertOpenUnit, assertSample } from './validation.js';
import { wilcoxonCdf, wilcoxonQuantile } from './wilcoxon-distribution.js';

/** `auto` is R's rule: exact when both samples have fewer than 50 values and there are no ties. */
export type HodgesLehmannMethod = 'auto' | 'exact' | 'asymptotic';

/** Options of `hodgesLehmannShift`; defaults match R's `wilcox.test`. */
export interface HodgesLehmannOptions {
  readonly confidenceLevel?: number;
  readonly alternative?: Alternative;
  readonly method?: HodgesLehmannMethod;
  readonly correct?: boolean;
  /** Tolerance of R's uniroot for the asymptotic case (R's `tol.root`). */
  readonly rootTolerance?: number;
}

/** Shift estimate of x − y with [lower, upper] (±Infinity for one-sided intervals). */
export interface HodgesLehmannResult {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Confidence level actually achieved (R lowers it when the exact level is not attainable). */
  readonly confidenceLevel: number;
  readonly method: 'exact' | 'asymptotic';
}

const OPERATION = 'hodgesLehmannShift';
const METHODS: readonly HodgesLehmannMethod[] = ['auto', 'exact', 'asymptotic'];
/** Largest n·m for which the exact path materialises the pairwise differences. */
const MAX_EXACT_PAIRS = 250_000;

/** Hodges-Lehmann shift of `x` (canary) minus `y` (baseline) with R's confidence interval. */
export function hodgesLehmannShift(
  x: readonly number[],
  y: readonly number[],
  options: HodgesLehmannOptions = {},
): HodgesLehmannResult {
  assertSample(OPERATION, 'x', x);
  assertSample(OPERATION, 'y', y);
  return hodgesLehmannShiftSorted(sortedCopy(x), sortedCopy(y), options);
}

/**
 * `hodgesLehmannShift` of samples already sorted ascending (e.g. by `sortedCopy`). The samples are
 * not checked again: they must be non-empty, finite and sorted.
 */
export function hodgesLehmannShiftSorted(
  xs: Float64Array,
  ys: Float64Array,
  options: HodgesLehmannOptions = {},
): HodgesLehmannResult {
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const alternative = options.alternative ?? 'two-sided';
  const requested = options.method ?? 'auto';
  assertOpenUnit(OPERATION, 'confidenceLevel', confidenceLevel);
  assertOneOf(OPERATION, 'alternative', alternative, ALTERNATIVES);
  assertOneOf(OPERATION, 'method', requested, METHODS);
  const exact = requested === 'exact' || (requested === 'auto' && xs.length < 50 && ys.length < 50);
  if (exact && !rankSumSorted(xs, ys).hasTies) {
    if (xs.length * ys.length > MAX_EXACT_PAIRS) {
      throw new StatisticsError(
        'INVALID_OPTION',
        `${OPERATION}: method 'exact' needs n·m ≤ ${MAX_EXACT_PAIRS}, got ${xs.length}·${ys.length}`,
      );
    }
    return exactShift(xs, ys, confidenceLevel, alternative);
  }
  const tolerance = options.rootTolerance ?? 1e-4;
  return asymptoticShift(xs, ys, confidenceLevel, alternative, options.correct ?? true, tolerance);
}

function exactShift(
  xs: Float64Array,
  ys: Float64Array,
  level: number,
  alternative: Alternative,
): HodgesLehmannResult {
  const nx = xs.length;
  const ny = ys.length;
  const diffs = new Float64Array(nx * ny);
  let k = 0;
  for (const xv of xs) for (const yv of ys) diffs[k++] = xv - yv;
  diffs.sort();
  const alpha = 1 - level;
  const at = (i: number): number => diffs[i - 1] as number; // R's 1-based diffs[i]
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  let achievedAlpha: number;
  if (alternative === 'two-sided') {
    let qu = wilcoxonQuantile(alpha / 2, nx, ny);
    if (qu === 0) qu = 1;
    const ql = nx * ny - qu;
    achievedAlpha = 2 * wilcoxonCdf(Math.trunc(qu) - 1, nx, ny);
    lower = at(qu);
    upper = at(ql + 1);
  } else {
    let qu = wilcoxonQuantile(alpha, nx, ny);
    if (qu === 0) qu = 1;
    achievedAlpha = wilcoxonCdf(Math.trunc(qu) - 1, nx, ny);
    if (alternative === 'greater') lower = at(qu);
    else upper = at(nx * ny - qu + 1);
  }
  const confidenceLevel = achievedAlpha - alpha > alpha / 2 ? 1 - achievedAlpha : level;
  return { estimate: median(diffs), lower, upper, confidenceLevel, method: 'exact' };
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * R's W(d) before the continuity correction: the centred rank sum of x − d against y and its
 * tie-corrected σ, in O(n + m) from the sorted samples (x − d stays sorted, so the midranks and tie
 * groups are exactly those of R's `rank(c(x - d, y))`). Each d is computed once: the three root
 * searches share their end points.
 */
function shiftedRankStatistic(
  xs: Float64Array,
  ys: Float64Array,
): (d: number) => { dz: number; sigma: number } {
  const nx = xs.length;
  const ny = ys.length;
  const rankSums = shiftedRankSums(xs, ys);
  const seen = new Map<number, { dz: number; sigma: number }>();
  return (d) => {
    let statistic = seen.get(d);
    if (statistic === undefined) {
      const { rankSumX, tieTerm } = rankSums(d);
      const dz = rankSumX - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
      const sigma = mannWhitneySigma(nx, ny, tieTerm);
      if (sigma === 0) {
        throw new StatisticsError(
          'NOT_COMPUTABLE',
          `${OPERATION}: cannot compute an interval when all observations are tied`,
        );
      }
      statistic = { dz, sigma };
      seen.set(d, statistic);
    }
    return statistic;
  };
}

function asymptoticShift(
  xs: Float64Array,
  ys: Float64Array,
  level: number,
  alternative: Alternative,
  correct: boolean,
  tolerance: number,
): HodgesLehmannResult {
  const alpha = 1 - level;
  const muMin = (xs[0] as number) - (ys[ys.length - 1] as number);
  const muMax = (xs[xs.length - 1] as number) - (ys[0] as number);
  const correction = (dz: number): number => {
    if (!correct) return 0;
    if (alternative === 'greater') return 0.5;
    if (alternative === 'less') return -0.5;
    return Math.sign(dz) * 0.5;
  };
  const statistic = shiftedRankStatistic(xs, ys);
  const w = (d: number): number => {
    const { dz, sigma } = statistic(d);
    return (dz - correction(dz)) / sigma;
  };
  const wMin = w(muMin);
  const wMax = w(muMax);
  const root = (zq: number): number => {
    const fLower = wMin - zq;
    if (fLower <= 0) return muMin;
    const fUpper = wMax - zq;
    if (fUpper >= 0) return muMax;
    return zeroin((d) => w(d) - zq, muMin, muMax, fLower, fUpper, tolerance);
  };
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  if (alternative === 'two-sided') {
    lower = root(-normalPpf(alpha / 2));
    upper = root(normalPpf(alpha / 2));
  } else if (alternative === 'greater') {
    lower = root(-normalPpf(alpha));
  } else {
    upper = root(normalPpf(alpha));
  }
  const w0 = (d: number): number => {
    const { dz, sigma } = statistic(d);
    return dz / sigma;
  };
  const f0 = w0(muMin);
  const f1 = w0(muMax);
  if (f0 * f1 > 0) {
    throw new StatisticsError('NOT_COMPUTABLE', `${OPERATION}: the shift estimate is not bracketed`);
  }
  const estimate = zeroin(w0, muMin, muMax, f0, f1, tolerance);
  return { estimate, lower, upper, confidenceLevel: level, method: 'asymptotic' };
}
