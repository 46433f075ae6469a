import { describe, expect, it } from 'vitest';
import {
  KAYENTA_METRIC_DEFAULTS,
  kayentaEffectSizeDefault,
  resolveKayentaOptions,
  type KayentaMetricConfigInput,
} from '../../../src/analysis/kayenta/kayenta-metric-config.js';

describe('resolveKayentaOptions', () => {
  it("fills NetflixACAJudge's defaults when nothing is configured", () => {
    expect(resolveKayentaOptions()).toEqual({
      confidence: 0.98,
      tolerance: 0.25,
      direction: 'either',
      nanStrategy: 'remove',
      critical: false,
      mustHaveData: false,
      effectSize: {
        measure: 'meanRatio',
        allowedIncrease: 1,
        allowedDecrease: 1,
        criticalIncrease: 1,
        criticalDecrease: 1,
      },
      outliers: { strategy: 'keep', outlierFactor: 3 },
    });
    expect(resolveKayentaOptions()).toEqual(KAYENTA_METRIC_DEFAULTS);
  });

  it('defaults every effect-size threshold to 0.5 when the measure is cles', () => {
    expect(kayentaEffectSizeDefault('cles')).toBe(0.5);
    expect(
      resolveKayentaOptions({ effectSize: { measure: 'cles', allowedIncrease: 0.8 } }).effectSize,
    ).toEqual({
      measure: 'cles',
      allowedIncrease: 0.8,
      allowedDecrease: 0.5,
      criticalIncrease: 0.5,
      criticalDecrease: 0.5,
    });
  });

  it('returns a frozen object', () => {
    const options = resolveKayentaOptions({ direction: 'increase' });
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.effectSize)).toBe(true);
  });

  it.each([
    [
      'an unknown direction (Kayenta would silently use either)',
      { direction: 'increse' },
      /direction must be one of/,
    ],
    [
      'an unknown nanStrategy (Kayenta would silently use remove)',
      { nanStrategy: 'none' },
      /nanStrategy must be one of/,
    ],
    [
      'an unknown measure (Kayenta would silently use meanRatio)',
      { effectSize: { measure: 'cohen' } },
      /measure must be one of/,
    ],
    [
      'an unknown outlier strategy (Kayenta would silently keep)',
      { outliers: { strategy: 'drop' } },
      /outliers.strategy/,
    ],
    ['a confidence outside (0, 1)', { confidence: 98 }, /confidence must be in \(0, 1\)/],
    [
      'a non-positive outlier factor',
      { outliers: { outlierFactor: 0 } },
      /outlierFactor must be a number > 0/,
    ],
    ['a negative tolerance', { tolerance: -0.1 }, /tolerance/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => resolveKayentaOptions(input as unknown as KayentaMetricConfigInput)).toThrow(message);
  });
});
