import { describe, expect, it } from 'vitest';
import {
  percentileR7,
  summarizeKayentaMetric,
} from '../../../src/analysis/kayenta/descriptive-statistics.js';
import { cles, cohenD, meanRatio } from '../../../src/analysis/kayenta/effect-sizes.js';
import { loadKayentaFixture, num } from './kayenta-fixtures.js';

interface StatisticFixture {
  summary: {
    test: string;
    input: number[];
    expected: Record<'min' | 'max' | 'mean' | 'std' | 'count', number>;
    tolerance: number;
  }[];
  percentile: { test: string; input: number[]; checks: [number, number, number][] }[];
  meanRatio: {
    test: string;
    experiment: number[];
    control: number[];
    expected: number | string;
    fromSummary?: boolean;
  }[];
  cohenD: { test: string; experiment: number[]; control: number[]; expected: number; tolerance: number }[];
  cles: { test: string; experiment: number[]; control: number[]; expected: number; tolerance: number }[];
}

const fixture = loadKayentaFixture<StatisticFixture>('statistic-suite');

function expectWithin(actual: number, expected: number, tolerance: number): void {
  if (tolerance === 0) expect(actual).toBe(expected);
  else
    expect(Math.abs(actual - expected), `expected ${expected}, got ${actual}`).toBeLessThanOrEqual(tolerance);
}

describe('Kayenta StatisticSuite, ported', () => {
  it.each(fixture.summary.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    const stats = summarizeKayentaMetric(c.input);
    for (const key of ['min', 'max', 'mean', 'std', 'count'] as const)
      expectWithin(stats[key], c.expected[key], c.tolerance);
  });

  it.each(fixture.percentile.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    for (const [p, expected, tolerance] of c.checks)
      expectWithin(percentileR7(c.input, p), expected, tolerance);
  });

  it.each(fixture.meanRatio.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    // Kayenta's MetricStatistics overload divides the summary means; it equals the array form.
    const control = c.fromSummary === true ? [summarizeKayentaMetric(c.control).mean] : c.control;
    const experiment = c.fromSummary === true ? [summarizeKayentaMetric(c.experiment).mean] : c.experiment;
    const expected = num(c.expected);
    if (Number.isNaN(expected)) expect(meanRatio(control, experiment)).toBeNaN();
    else expect(meanRatio(control, experiment)).toBe(expected);
  });

  it.each(fixture.cohenD.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    // The Scala test passes (experiment, control) into cohenD(control, experiment); d is symmetric.
    const d = cohenD(summarizeKayentaMetric(c.experiment), summarizeKayentaMetric(c.control));
    expectWithin(d, c.expected, c.tolerance);
  });

  it.each(fixture.cles.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    expectWithin(cles(c.control, c.experiment), c.expected, c.tolerance);
  });
});
