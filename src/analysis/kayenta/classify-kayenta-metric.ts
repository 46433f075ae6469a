/**
 * One metric through NetflixACAJudge's per-metric pipeline: NaN strategy → optional IQR outlier
 * removal (factor `outlierFactor`, widened to P1/P99) → summary statistics → Mann-Whitney
 * classification. A classification that throws becomes `Error` with a reason, as in Kayenta.
 *
 * Source: spinnaker/spinnaker kayenta/kayenta-judge/src/main/scala/com/netflix/kayenta/judge/
 * NetflixACAJudge.scala (`transformMetric`, `classifyMetric`) and
 * classifiers/metric/MannWhitneyClassifier.scala (commit f8b98eba).
 */
import { summarizeKayentaMetric, type KayentaMetricStatistics } from './descriptive-statistics.js';
import { KayentaError, type KayentaErrorCode } from './kayenta-error.js';
import { KAYENTA_METRIC_DEFAULTS, type KayentaMetricConfig } from './kayenta-metric-config.js';
import {
  classifyKayentaSamples,
  type KayentaClassifierOutcome,
  type KayentaComparison,
} from './mann-whitney-classifier.js';
import { detectIqrOutliers } from './outlier-detectors.js';
import { removeNaNs, removeOutliers, replaceNaNs } from './transforms.js';

/** Names and seeds that are not part of the metric's configuration. */
export interface KayentaMetricContext {
  /** Used in reasons, as Kayenta's `experiment.name`. */
  readonly metricName?: string;
  /** Seed for the jitter Kayenta adds when both samples are constant (Kayenta itself is unseeded). */
  readonly noiseSeed?: number;
}

/** What preprocessing did to one side. */
export interface KayentaPreprocessing {
  readonly rawCount: number;
  /** NaN/null observations removed (`remove`) or replaced by 0 (`replace`). */
  readonly nanCount: number;
  readonly outliersRemoved: number;
}

interface KayentaMetricResultBase {
  /** Vigil's reason, naming the numbers. */
  readonly reason: string;
  /** Kayenta's own `classificationReason` verbatim (null where Kayenta gives none). */
  readonly kayentaReason: string | null;
  /** Baseline statistics after preprocessing (Kayenta's `controlMetadata.stats`, plus median). */
  readonly control: KayentaMetricStatistics;
  /** Canary statistics after preprocessing (Kayenta's `experimentMetadata.stats`, plus median). */
  readonly experiment: KayentaMetricStatistics;
  readonly preprocessing: {
    readonly control: KayentaPreprocessing;
    readonly experiment: KayentaPreprocessing;
  };
}

/** A metric judged Pass: no significant change, identical data, or missing data under `replace`. */
export interface KayentaPassResult extends KayentaMetricResultBase {
  readonly label: 'Pass';
  readonly critical: false;
  /** Kayenta's `ratio`: mean(canary)/mean(baseline), 1.0 on short-circuits, NaN if a mean is 0. */
  readonly deviation: number;
  /** Null when Kayenta passed the metric without running the test. */
  readonly comparison: KayentaComparison | null;
}

/** A metric whose canary is significantly and materially higher or lower than its baseline. */
export interface KayentaShiftResult extends KayentaMetricResultBase {
  readonly label: 'High' | 'Low';
  /** True only for a `critical` metric whose effect size also crosses criticalIncrease/Decrease. */
  readonly critical: boolean;
  readonly deviation: number;
  readonly comparison: KayentaComparison;
}

/** No data on a side (after NaN removal); critical when the metric is configured critical. */
export interface KayentaNodataResult extends KayentaMetricResultBase {
  readonly label: 'Nodata';
  readonly critical: boolean;
  readonly deviation: 1;
}

/** No data on a side for a `mustHaveData`, non-critical metric: counts as a failed metric. */
export interface KayentaNodataFailResult extends KayentaMetricResultBase {
  readonly label: 'NodataFailMetric';
  readonly critical: false;
  readonly deviation: 1;
}

/** The classification threw; Kayenta reports "Metric Classification Failed" and never critical. */
export interface KayentaErrorResult extends KayentaMetricResultBase {
  readonly label: 'Error';
  readonly critical: false;
  readonly error: { readonly code: KayentaErrorCode | 'UNEXPECTED'; readonly message: string };
}

/** Kayenta's `CanaryAnalysisResult` for one metric, as a closed union on `label`. */
export type KayentaMetricResult =
  KayentaPassResult | KayentaShiftResult | KayentaNodataResult | KayentaNodataFailResult | KayentaErrorResult;

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

function toDoubles(values: readonly (number | null | undefined)[]): number[] {
  return values.map((v) => (typeof v === 'number' ? v : Number.NaN));
}

function preprocess(
  raw: readonly number[],
  config: KayentaMetricConfig,
): { values: number[]; info: KayentaPreprocessing } {
  const nanCount = raw.filter((v) => Number.isNaN(v)).length;
  const afterNaN = config.nanStrategy === 'remove' ? removeNaNs(raw) : replaceNaNs(raw, 0);
  const values =
    config.outliers.strategy === 'remove'
      ? removeOutliers(afterNaN, detectIqrOutliers(afterNaN, config.outliers.outlierFactor, true))
      : afterNaN;
  return {
    values,
    info: { rawCount: raw.length, nanCount, outliersRemoved: afterNaN.length - values.length },
  };
}

function describeComparison(c: KayentaComparison, config: KayentaMetricConfig): string {
  const pct = Math.round(config.confidence * 1000) / 10;
  return (
    `${pct}% CI of canary − baseline [${fmt(c.lower)}, ${fmt(c.upper)}], estimate ${fmt(c.estimate)}, ` +
    `tolerance band ±${fmt(c.upperBound)} (${fmt(config.tolerance)}·|estimate|), ` +
    `${config.effectSize.measure} ${fmt(c.effectSize)}${Number.isNaN(c.effectSize) ? ' (not computable, ignored)' : ''}` +
    (c.noiseAdded ? '; both samples constant, Kayenta jitter added' : '')
  );
}

function passReason(c: KayentaComparison, config: KayentaMetricConfig): string {
  const { direction, effectSize: e } = config;
  const above = c.lower > c.upperBound;
  const below = c.upper < c.lowerBound;
  let why = 'interval inside the tolerance band';
  if (above && direction === 'decrease') why = 'increase ignored (direction: decrease)';
  else if (below && direction === 'increase') why = 'decrease ignored (direction: increase)';
  else if (above) why = `effect size ${fmt(c.effectSize)} below allowedIncrease ${fmt(e.allowedIncrease)}`;
  else if (below) why = `effect size ${fmt(c.effectSize)} above allowedDecrease ${fmt(e.allowedDecrease)}`;
  return `Pass: ${why}; ${describeComparison(c, config)}`;
}

function word(
  outcome: KayentaClassifierOutcome,
  name: string,
  config: KayentaMetricConfig,
  sides: { control: number; experiment: number },
): { reason: string; kayentaReason: string | null } {
  switch (outcome.kind) {
    case 'missing-data': {
      const what = `no data after NaN removal (baseline ${sides.control}, canary ${sides.experiment} values)`;
      const consequence =
        outcome.label === 'NodataFailMetric'
          ? '; mustHaveData: counts as a failed metric'
          : outcome.critical
            ? '; critical metric: fails the canary'
            : '';
      return { reason: `${outcome.label}: ${what}${consequence}`, kayentaReason: `Missing data for ${name}` };
    }
    case 'missing-data-replaced':
      return {
        reason: `Pass: a side has no observations at all and nanStrategy is replace, which Kayenta passes (baseline ${sides.control}, canary ${sides.experiment} values)`,
        kayentaReason: null,
      };
    case 'identical':
      return {
        reason: `Pass: canary and baseline values are identical (${sides.experiment} values)`,
        kayentaReason: 'The Canary and Baseline data are identical',
      };
    case 'single-value':
      return { reason: 'Pass: every canary and baseline value is the same', kayentaReason: null };
    case 'compared': {
      const c = outcome.comparison;
      if (outcome.label === 'Pass') return { reason: passReason(c, config), kayentaReason: null };
      const e = config.effectSize;
      const allowed =
        outcome.label === 'High'
          ? `allowedIncrease ${fmt(e.allowedIncrease)}`
          : `allowedDecrease ${fmt(e.allowedDecrease)}`;
      const criticalBound =
        outcome.label === 'High'
          ? `criticalIncrease ${fmt(e.criticalIncrease)}`
          : `criticalDecrease ${fmt(e.criticalDecrease)}`;
      const criticalNote = outcome.critical
        ? `; critical: effect size crosses ${criticalBound}`
        : config.critical
          ? `; critical metric but effect size within ${criticalBound}`
          : '';
      return {
        reason: `${outcome.label}: ${describeComparison(c, config)}; effect size beyond ${allowed}; mean ratio ${fmt(outcome.deviation)}${criticalNote}`,
        kayentaReason: outcome.critical
          ? `The metric ${name} was classified as ${outcome.label} (Critical)`
          : `${name} was classified as ${outcome.label}`,
      };
    }
  }
}

/**
 * Classifies one metric as Kayenta's NetflixACAJudge would. `control` is the baseline, `experiment`
 * the canary; null or NaN entries are missing observations. Never throws: failures become `Error`.
 */
export function classifyKayentaMetric(
  control: readonly (number | null)[],
  experiment: readonly (number | null)[],
  config: KayentaMetricConfig = KAYENTA_METRIC_DEFAULTS,
  context: KayentaMetricContext = {},
): KayentaMetricResult {
  const name = context.metricName ?? 'metric';
  const c = preprocess(toDoubles(control), config);
  const x = preprocess(toDoubles(experiment), config);
  const base = {
    control: summarizeKayentaMetric(c.values),
    experiment: summarizeKayentaMetric(x.values),
    preprocessing: { control: c.info, experiment: x.info },
  };

  let outcome: KayentaClassifierOutcome;
  try {
    outcome = classifyKayentaSamples(c.values, x.values, config, context.noiseSeed ?? 0);
  } catch (error) {
    const code = error instanceof KayentaError ? error.code : 'UNEXPECTED';
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      label: 'Error',
      critical: false,
      reason: `Error: classification of ${name} failed: ${message}`,
      kayentaReason: 'Metric Classification Failed',
      error: { code, message },
    };
  }

  const words = word(outcome, name, config, { control: c.values.length, experiment: x.values.length });
  switch (outcome.kind) {
    case 'missing-data':
      return outcome.label === 'Nodata'
        ? { ...base, ...words, label: 'Nodata', critical: outcome.critical, deviation: 1 }
        : { ...base, ...words, label: 'NodataFailMetric', critical: false, deviation: 1 };
    case 'missing-data-replaced':
    case 'identical':
    case 'single-value':
      return { ...base, ...words, label: 'Pass', critical: false, deviation: 1.0, comparison: null };
    case 'compared':
      return outcome.label === 'Pass'
        ? {
            ...base,
            ...words,
            label: 'Pass',
            critical: false,
            deviation: outcome.deviation,
            comparison: outcome.comparison,
          }
        : {
            ...base,
            ...words,
            label: outcome.label,
            critical: outcome.critical,
            deviation: outcome.deviation,
            comparison: outcome.comparison,
          };
  }
}
