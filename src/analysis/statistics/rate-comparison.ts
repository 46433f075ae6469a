/**
 * Exact conditional comparison of two event rates (Poisson counts over exposures, or binomial
 * proportions with large totals): given k_c + k_b events, k_c ~ Binomial(k_c + k_b, p0) with
 * p0 = r·n_c / (r·n_c + n_b) under the null rate ratio r.
 * Source: Przyborowski & Wilenski (1940); p-values agree with SciPy 1.17 `scipy.stats.binomtest`,
 * the interval is Clopper-Pearson on p mapped to the rate ratio (Lehmann & Romano, TSH §4.5).
 */
import { ALTERNATIVES, type Alternative } from './alternative.js';
import { binomialTestPValue, clopperPearson } from './binomial-test.js';
import { StatisticsError } from './statistics-error.js';
import { assertCount, assertOneOf, assertOpenUnit, assertPositive } from './validation.js';

/** Events over exposure (requests, seconds, …) for one group. */
export interface RateSample {
  readonly events: number;
  readonly exposure: number;
}

/** Options of `compareRates`. */
export interface RateComparisonOptions {
  /** Rate ratio canary/baseline under the null; callers pass 1 + tolerance. Default 1. */
  readonly nullRatio?: number;
  /** 'greater' tests canary rate > nullRatio × baseline rate. Default 'two-sided'. */
  readonly alternative?: Alternative;
  readonly confidenceLevel?: number;
}

/** p-value, observed rate ratio canary/baseline and its exact confidence interval. */
export interface RateComparisonResult {
  readonly pValue: number;
  /** (k_c/n_c) / (k_b/n_b); Infinity when k_b = 0 < k_c, NaN when both are 0. */
  readonly rateRatio: number;
  readonly lower: number;
  readonly upper: number;
  /** Null success probability p0 of the conditional binomial. */
  readonly nullProportion: number;
  readonly totalEvents: number;
}

const OPERATION = 'compareRates';

/** Exact conditional test of canary vs baseline event rates with a rate-ratio interval. */
export function compareRates(
  canary: RateSample,
  baseline: RateSample,
  options: RateComparisonOptions = {},
): RateComparisonResult {
  assertCount(OPERATION, 'canary.events', canary.events);
  assertCount(OPERATION, 'baseline.events', baseline.events);
  assertPositive(OPERATION, 'canary.exposure', canary.exposure);
  assertPositive(OPERATION, 'baseline.exposure', baseline.exposure);
  const nullRatio = options.nullRatio ?? 1;
  const alternative = options.alternative ?? 'two-sided';
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  assertPositive(OPERATION, 'nullRatio', nullRatio);
  assertOneOf(OPERATION, 'alternative', alternative, ALTERNATIVES);
  assertOpenUnit(OPERATION, 'confidenceLevel', confidenceLevel);

  const kc = canary.events;
  const total = kc + baseline.events;
  const scaledCanary = nullRatio * canary.exposure;
  const nullProportion = scaledCanary / (scaledCanary + baseline.exposure);
  if (!(nullProportion > 0 && nullProportion < 1)) {
    throw new StatisticsError(
      'NOT_COMPUTABLE',
      `${OPERATION}: null proportion ${nullProportion} is not in (0, 1)`,
    );
  }
  const rateRatio = kc / canary.exposure / (baseline.events / baseline.exposure);
  if (total === 0) {
    return {
      pValue: 1,
      rateRatio,
      lower: 0,
      upper: Number.POSITIVE_INFINITY,
      nullProportion,
      totalEvents: 0,
    };
  }
  const pValue = binomialTestPValue(kc, total, nullProportion, alternative);
  const { lower, upper } = clopperPearson(kc, total, confidenceLevel, alternative);
  const toRatio = (p: number): number =>
    p >= 1 ? Number.POSITIVE_INFINITY : (p * baseline.exposure) / ((1 - p) * canary.exposure);
  return {
    pValue,
    rateRatio,
    lower: toRatio(lower),
    upper: toRatio(upper),
    nullProportion,
    totalEvents: total,
  };
}

/** Validates a count observation (events ≤ total) and returns it as a rate sample over its total. */
export function proportionAsRate(operation: string, name: string, events: number, total: number): RateSample {
  assertCount(operation, `${name}.events`, events);
  assertCount(operation, `${name}.total`, total);
  if (events > total) {
    throw new StatisticsError(
      'INVALID_COUNT',
      `${operation}: ${name}.events (${events}) exceeds ${name}.total (${total})`,
    );
  }
  if (total === 0) {
    throw new StatisticsError('INVALID_COUNT', `${operation}: ${name}.total must be > 0`);
  }
  return { events, exposure: total };
}
