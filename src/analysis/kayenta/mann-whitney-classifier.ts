/**
 * Kayenta's metric classifier on already-preprocessed samples: the Mann-Whitney interval must
 * clear a tolerance band of ±tolerance·|estimate| AND the effect size must reach the allowed
 * increase/decrease; a metric configured `critical` is flagged critical only when its effect size
 * also crosses the critical bound (or cannot be computed).
 *
 * Source: spinnaker/spinnaker kayenta/kayenta-judge/src/main/scala/com/netflix/kayenta/judge/
 * classifiers/metric/MannWhitneyClassifier.scala and BaseMetricClassifier.scala (commit f8b98eba).
 */
import { cles, meanRatio } from './effect-sizes.js';
import { createJavaRandom } from './java-random.js';
import { kayentaMannWhitney } from './kayenta-mann-whitney.js';
import type { KayentaMetricConfig } from './kayenta-metric-config.js';
import { addGaussianNoise } from './transforms.js';

/** Kayenta's `MetricClassificationLabel`, a closed set. */
export type KayentaMetricLabel = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';

/** The numbers behind a Mann-Whitney comparison (absent when Kayenta short-circuits). */
export interface KayentaComparison {
  /** Lower end of the confidence interval for the shift canary − baseline. */
  readonly lower: number;
  readonly upper: number;
  /** Kayenta's Hodges-Lehmann-type estimate of the shift. */
  readonly estimate: number;
  /** −tolerance·|estimate|: the interval's upper end must fall below this for Low. */
  readonly lowerBound: number;
  /** +tolerance·|estimate|: the interval's lower end must exceed this for High. */
  readonly upperBound: number;
  /** The configured measure's value (mean ratio or CLES); NaN means "ignored" in Kayenta. */
  readonly effectSize: number;
  /** True when both samples were constant and Kayenta's 1e-5-scaled Gaussian jitter was added. */
  readonly noiseAdded: boolean;
}

/** Why the classifier returned what it did, before it is worded into a reason. */
export type KayentaClassifierOutcome =
  | {
      readonly kind: 'missing-data';
      readonly label: 'Nodata' | 'NodataFailMetric';
      readonly critical: boolean;
    }
  | { readonly kind: 'missing-data-replaced'; readonly label: 'Pass'; readonly critical: false }
  | { readonly kind: 'identical'; readonly label: 'Pass'; readonly critical: false }
  | { readonly kind: 'single-value'; readonly label: 'Pass'; readonly critical: false }
  | {
      readonly kind: 'compared';
      readonly label: 'Pass' | 'High' | 'Low';
      readonly critical: boolean;
      /** Kayenta's `deviation` (reported as `ratio`): mean(canary)/mean(baseline), NaN if a mean is 0. */
      readonly deviation: number;
      readonly comparison: KayentaComparison;
    };

const NOISE_SCALING_FACTOR = 1e-5;

function sortedEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort((p, q) => p - q);
  const sb = [...b].sort((p, q) => p - q);
  return sa.every((v, i) => v === sb[i]);
}

/**
 * `MannWhitneyClassifier.classify(control, experiment, ...)` on preprocessed samples (no NaN).
 * `noiseSeed` seeds the java.util.Random that jitters two constant samples. May throw a
 * KayentaError, which the caller reports as `Error`.
 */
export function classifyKayentaSamples(
  control: readonly number[],
  experiment: readonly number[],
  config: KayentaMetricConfig,
  noiseSeed = 0,
): KayentaClassifierOutcome {
  if (experiment.length === 0 || control.length === 0) {
    if (config.nanStrategy === 'replace')
      return { kind: 'missing-data-replaced', label: 'Pass', critical: false };
    if (config.mustHaveData && !config.critical)
      return { kind: 'missing-data', label: 'NodataFailMetric', critical: false };
    return { kind: 'missing-data', label: 'Nodata', critical: config.critical };
  }
  if (sortedEqual(experiment, control)) return { kind: 'identical', label: 'Pass', critical: false };
  if (new Set([...experiment, ...control]).size === 1)
    return { kind: 'single-value', label: 'Pass', critical: false };

  const noiseAdded = new Set(experiment).size === 1 && new Set(control).size === 1;
  let x = experiment;
  let y = control;
  if (noiseAdded) {
    const source = createJavaRandom(noiseSeed);
    x = addGaussianNoise(experiment, 0, (experiment[0] ?? 0) * NOISE_SCALING_FACTOR, source);
    y = addGaussianNoise(control, 0, (control[0] ?? 0) * NOISE_SCALING_FACTOR, source);
  }

  const mw = kayentaMannWhitney(x, y, config.confidence);
  const deviation = meanRatio(y, x);
  const effect = config.effectSize;
  const effectSize = effect.measure === 'cles' ? cles(y, x) : meanRatio(y, x);
  const criticalValue = config.tolerance * Math.abs(mw.estimate);
  const lowerBound = -1 * criticalValue;
  const upperBound = criticalValue;
  const ignoresEffect = Number.isNaN(effectSize);

  const isHigh =
    (config.direction === 'increase' || config.direction === 'either') &&
    mw.lower > upperBound &&
    (ignoresEffect || effectSize >= effect.allowedIncrease);
  const isLow =
    (config.direction === 'decrease' || config.direction === 'either') &&
    mw.upper < lowerBound &&
    (ignoresEffect || effectSize <= effect.allowedDecrease);
  const label = isHigh ? 'High' : isLow ? 'Low' : 'Pass';

  const critical =
    config.critical &&
    ((label === 'High' && (ignoresEffect || effectSize >= effect.criticalIncrease)) ||
      (label === 'Low' && (ignoresEffect || effectSize <= effect.criticalDecrease)));

  return {
    kind: 'compared',
    label,
    critical,
    deviation,
    comparison: {
      lower: mw.lower,
      upper: mw.upper,
      estimate: mw.estimate,
      lowerBound,
      upperBound,
      effectSize,
      noiseAdded,
    },
  };
}
