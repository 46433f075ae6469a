import { describe, expect, it } from 'vitest';
import { classifyKayentaMetric } from '../../../src/analysis/kayenta/classify-kayenta-metric.js';
import { resolveKayentaOptions } from '../../../src/analysis/kayenta/kayenta-metric-config.js';
import { sample } from './kayenta-fixtures.js';

const baseline = sample('baselineNormal10');
const canaryHigh = sample('canaryNormal20');

describe('classifyKayentaMetric (NetflixACAJudge pipeline)', () => {
  it('classifies a clear increase as High with Kayenta defaults (98% confidence, tolerance 0.25)', () => {
    const result = classifyKayentaMetric(baseline, canaryHigh, undefined, { metricName: 'latency' });
    expect(result.label).toBe('High');
    if (result.label !== 'High') return;
    expect(result.critical).toBe(false);
    expect(result.kayentaReason).toBe('latency was classified as High');
    expect(result.comparison.lower).toBeGreaterThan(result.comparison.upperBound);
    expect(result.comparison.upperBound).toBeCloseTo(0.25 * Math.abs(result.comparison.estimate), 12);
    expect(result.deviation).toBeCloseTo(result.experiment.mean / result.control.mean, 12);
    expect(result.reason).toContain('98% CI of canary − baseline');
    expect(result.reason).toContain(String(Number(result.comparison.lower.toPrecision(4))));
    expect(result.control.count).toBe(30);
    expect(result.control.median).toBeGreaterThan(0);
  });

  it('reports the critical wording only when a critical metric crosses the critical bound', () => {
    const config = resolveKayentaOptions({ critical: true, tolerance: 0.1, confidence: 0.95 });
    const result = classifyKayentaMetric([1.0, 2.2, 1.1, 2.5, 3.0], [20.0, 22.0, 21.0, 25.0, 30.0], config, {
      metricName: 'errors',
    });
    expect(result.label).toBe('High');
    expect(result.critical).toBe(true);
    expect(result.kayentaReason).toBe('The metric errors was classified as High (Critical)');
    expect(result.reason).toContain('critical: effect size crosses criticalIncrease 1');
  });

  it('treats null as a missing observation and removes it under nanStrategy remove', () => {
    const result = classifyKayentaMetric([1, null, 2, 3], [1, 2, null, null, 3]);
    expect(result.preprocessing.control).toEqual({ rawCount: 4, nanCount: 1, outliersRemoved: 0 });
    expect(result.preprocessing.experiment).toEqual({ rawCount: 5, nanCount: 2, outliersRemoved: 0 });
    expect(result.label).toBe('Pass');
    expect(result.kayentaReason).toBe('The Canary and Baseline data are identical');
  });

  it('replaces missing observations with 0 under nanStrategy replace', () => {
    const result = classifyKayentaMetric(
      [1, 2, 3],
      [null, 2, 3],
      resolveKayentaOptions({ nanStrategy: 'replace' }),
    );
    expect(result.experiment.count).toBe(3);
    expect(result.experiment.min).toBe(0);
  });

  it('removes IQR outliers (fences widened to P1/P99) only when outliers.strategy is remove', () => {
    const control = [10, 11, 12, 10, 11, 12, 10, 11, 12, 10, 11, 1000];
    const kept = classifyKayentaMetric(control, control.slice(0, 11));
    expect(kept.preprocessing.control.outliersRemoved).toBe(0);
    const removed = classifyKayentaMetric(
      control,
      control.slice(0, 11),
      resolveKayentaOptions({ outliers: { strategy: 'remove' } }),
    );
    expect(removed.preprocessing.control.outliersRemoved).toBe(1);
    expect(removed.control.max).toBe(12);
  });

  it('makes a non-critical mustHaveData metric with no canary data NodataFailMetric', () => {
    const result = classifyKayentaMetric(
      [1, 2, 3],
      [null, null],
      resolveKayentaOptions({ mustHaveData: true }),
      { metricName: 'rps' },
    );
    expect(result.label).toBe('NodataFailMetric');
    expect(result.critical).toBe(false);
    expect(result.kayentaReason).toBe('Missing data for rps');
  });

  it('keeps a critical mustHaveData metric with no data as Nodata, critical (Kayenta fails the canary)', () => {
    const result = classifyKayentaMetric(
      [],
      [1, 2],
      resolveKayentaOptions({ mustHaveData: true, critical: true }),
    );
    expect(result.label).toBe('Nodata');
    expect(result.critical).toBe(true);
  });

  it('returns Error, never critical, when the test cannot run (non-finite input)', () => {
    const result = classifyKayentaMetric(
      [1, 2, 3],
      [1, Number.POSITIVE_INFINITY, 5],
      resolveKayentaOptions({ critical: true }),
    );
    expect(result.label).toBe('Error');
    if (result.label !== 'Error') return;
    expect(result.critical).toBe(false);
    expect(result.kayentaReason).toBe('Metric Classification Failed');
    expect(result.error.code).toBe('INVALID_INPUT');
  });

  it('jitters two constant samples with a seeded java.util.Random, reproducibly', () => {
    const a = classifyKayentaMetric([1, 1, 1, 1, 1], [10, 10, 10, 10, 10], undefined, { noiseSeed: 7 });
    const b = classifyKayentaMetric([1, 1, 1, 1, 1], [10, 10, 10, 10, 10], undefined, { noiseSeed: 7 });
    expect(a).toEqual(b);
    expect(a.label).toBe('High');
    if (a.label === 'High') expect(a.comparison.noiseAdded).toBe(true);
  });

  it('ignores an effect size that cannot be computed (a zero mean), as Kayenta does', () => {
    const config = resolveKayentaOptions({ effectSize: { allowedIncrease: 100 } });
    const result = classifyKayentaMetric([0, 0, 0, 0, 0, 0], [5, 6, 7, 5, 6, 7], config);
    expect(result.label).toBe('High');
    if (result.label === 'High') {
      expect(result.comparison.effectSize).toBeNaN();
      expect(result.reason).toContain('not computable, ignored');
    }
  });

  it('explains a Pass whose interval clears the band but whose effect size is too small', () => {
    const config = resolveKayentaOptions({ effectSize: { allowedIncrease: 5 } });
    const result = classifyKayentaMetric(baseline, canaryHigh, config);
    expect(result.label).toBe('Pass');
    expect(result.reason).toContain('below allowedIncrease 5');
  });

  it('passes a metric with no canary data under nanStrategy replace (Kayenta semantics)', () => {
    const result = classifyKayentaMetric(
      [1, 2, 3],
      [],
      resolveKayentaOptions({ nanStrategy: 'replace', critical: true }),
    );
    expect(result.label).toBe('Pass');
    expect(result.critical).toBe(false);
  });
});
