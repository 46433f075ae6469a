/**
 * Per-metric Kayenta options (`analysisConfigurations.canary.*` in a Kayenta canary config) and
 * the defaults NetflixACAJudge applies when an option is absent.
 *
 * Source: spinnaker/spinnaker kayenta/kayenta-judge/src/main/scala/com/netflix/kayenta/judge/
 * NetflixACAJudge.scala and classifiers/metric/BaseMetricClassifier.scala (commit f8b98eba).
 * Kayenta maps unknown strings to defaults (e.g. direction "increse" → either); Vigil does not:
 * the options are closed unions and `resolveKayentaOptions` rejects anything else.
 */
import type { KayentaEffectSize, KayentaOptions } from '../rule-set.js';
import { KayentaError } from './kayenta-error.js';

/** The options of one metric, exactly as the rule set carries them. */
export type KayentaMetricConfig = KayentaOptions;

/** `effectSize.measure`: mean ratio (experiment/control) or common-language effect size. */
export type KayentaEffectSizeMeasure = KayentaEffectSize['measure'];

/** Which change fails the metric. */
export type KayentaDirection = KayentaOptions['direction'];

/** What to do with NaN (missing) observations: drop them, or replace them with 0. */
export type KayentaNanStrategy = KayentaOptions['nanStrategy'];

/** Whether IQR outliers are dropped before the test. */
export type KayentaOutlierStrategy = KayentaOptions['outliers']['strategy'];

/** Kayenta's default for all four effect-size thresholds: 0.5 for `cles`, 1.0 for `meanRatio`. */
export function kayentaEffectSizeDefault(measure: KayentaEffectSizeMeasure): number {
  return measure === 'cles' ? 0.5 : 1.0;
}

/** Kayenta's defaults; the effect-size thresholds follow `kayentaEffectSizeDefault(measure)`. */
export const KAYENTA_METRIC_DEFAULTS: KayentaMetricConfig = Object.freeze({
  confidence: 0.98,
  tolerance: 0.25,
  direction: 'either',
  nanStrategy: 'remove',
  critical: false,
  mustHaveData: false,
  effectSize: Object.freeze({
    measure: 'meanRatio',
    allowedIncrease: 1.0,
    allowedDecrease: 1.0,
    criticalIncrease: 1.0,
    criticalDecrease: 1.0,
  }),
  outliers: Object.freeze({ strategy: 'keep', outlierFactor: 3.0 }),
});

/** Options as a user may write them: every field optional, effect sizes defaulted per measure. */
export interface KayentaMetricConfigInput {
  readonly confidence?: number;
  readonly tolerance?: number;
  readonly direction?: KayentaDirection;
  readonly nanStrategy?: KayentaNanStrategy;
  readonly critical?: boolean;
  readonly mustHaveData?: boolean;
  readonly effectSize?: Partial<KayentaEffectSize>;
  readonly outliers?: { readonly strategy?: KayentaOutlierStrategy; readonly outlierFactor?: number };
}

const DIRECTIONS: readonly KayentaDirection[] = ['increase', 'decrease', 'either'];
const NAN_STRATEGIES: readonly KayentaNanStrategy[] = ['remove', 'replace'];
const MEASURES: readonly KayentaEffectSizeMeasure[] = ['meanRatio', 'cles'];
const OUTLIER_STRATEGIES: readonly KayentaOutlierStrategy[] = ['keep', 'remove'];

function oneOf<T extends string>(path: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new KayentaError(
      'INVALID_CONFIG',
      `${path} must be one of ${allowed.join(', ')}, got ${String(value)}`,
    );
  }
  return value;
}

function finite(
  path: string,
  value: number | undefined,
  fallback: number,
  check: (v: number) => boolean,
  rule: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new KayentaError('INVALID_CONFIG', `${path} must be ${rule}, got ${String(value)}`);
  }
  return value;
}

function flag(path: string, value: boolean | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new KayentaError('INVALID_CONFIG', `${path} must be a boolean`);
  return value;
}

/** Fills Kayenta's defaults into `input` and freezes it; throws INVALID_CONFIG on any bad value. */
export function resolveKayentaOptions(input: KayentaMetricConfigInput = {}): KayentaMetricConfig {
  const d = KAYENTA_METRIC_DEFAULTS;
  const measure = oneOf('effectSize.measure', input.effectSize?.measure, MEASURES, d.effectSize.measure);
  const effectDefault = kayentaEffectSizeDefault(measure);
  const threshold = (name: keyof Omit<KayentaEffectSize, 'measure'>): number =>
    finite(`effectSize.${name}`, input.effectSize?.[name], effectDefault, () => true, 'a finite number');
  return Object.freeze({
    confidence: finite('confidence', input.confidence, d.confidence, (v) => v > 0 && v < 1, 'in (0, 1)'),
    tolerance: finite('tolerance', input.tolerance, d.tolerance, (v) => v >= 0, 'a number >= 0'),
    direction: oneOf('direction', input.direction, DIRECTIONS, d.direction),
    nanStrategy: oneOf('nanStrategy', input.nanStrategy, NAN_STRATEGIES, d.nanStrategy),
    critical: flag('critical', input.critical),
    mustHaveData: flag('mustHaveData', input.mustHaveData),
    effectSize: Object.freeze({
      measure,
      allowedIncrease: threshold('allowedIncrease'),
      allowedDecrease: threshold('allowedDecrease'),
      criticalIncrease: threshold('criticalIncrease'),
      criticalDecrease: threshold('criticalDecrease'),
    }),
    outliers: Object.freeze({
      strategy: oneOf('outliers.strategy', input.outliers?.strategy, OUTLIER_STRATEGIES, d.outliers.strategy),
      outlierFactor: finite(
        'outliers.outlierFactor',
        input.outliers?.outlierFactor,
        d.outliers.outlierFactor,
        (v) => v > 0,
        'a number > 0',
      ),
    }),
  });
}
