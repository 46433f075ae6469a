import { describe, expect, it } from 'vitest';
import { classifyKayentaScore } from '../../../src/analysis/kayenta/classify-kayenta-score.js';
import type { KayentaMetricLabel } from '../../../src/analysis/kayenta/mann-whitney-classifier.js';
import { roundHalfUp } from '../../../src/analysis/kayenta/round-half-up.js';
import { scoreKayenta, type KayentaScoredMetric } from '../../../src/analysis/kayenta/score-kayenta.js';

function metric(
  name: string,
  label: KayentaMetricLabel,
  groups: string[],
  extra: Partial<KayentaScoredMetric> = {},
): KayentaScoredMetric {
  return {
    name,
    label,
    groups,
    critical: false,
    kayentaReason: `${name} was classified as ${label}`,
    ...extra,
  };
}

const thresholds = { pass: 95, marginal: 75 };

describe('scoreKayenta (beyond the ported ScorerSuite)', () => {
  it('leaves muted metrics out of the score', () => {
    const result = scoreKayenta(
      [metric('a', 'Pass', ['g']), metric('b', 'High', ['g'], { muted: true, critical: true })],
      {},
      thresholds,
    );
    expect(result.summaryScore).toBe(100);
    expect(result.classification).toBe('Pass');
    expect(result.mutedCount).toBe(1);
    expect(result.metricCount).toBe(1);
  });

  it("fails the canary on a critical non-Pass metric with Kayenta's reason", () => {
    const result = scoreKayenta(
      [
        metric('a', 'Pass', ['g']),
        metric('b', 'Low', ['g'], {
          critical: true,
          kayentaReason: 'The metric b was classified as Low (Critical)',
        }),
      ],
      {},
      thresholds,
    );
    expect(result).toMatchObject({
      summaryScore: 0,
      classification: 'Fail',
      basis: { kind: 'critical-failure', metric: 'b' },
    });
    expect(result.kayentaReason).toBe('Canary Failed: The metric b was classified as Low (Critical)');
  });

  it('scores a critical failure Marginal when the marginal threshold is 0 (score 0 >= 0)', () => {
    const result = scoreKayenta(
      [metric('b', 'High', ['g'], { critical: true })],
      {},
      { pass: 90, marginal: 0 },
    );
    expect(result.summaryScore).toBe(0);
    expect(result.classification).toBe('Marginal');
  });

  it('scores 0 when 50% or more of the metrics are Nodata (NodataFailMetric does not count)', () => {
    const half = scoreKayenta([metric('a', 'Pass', ['g']), metric('b', 'Nodata', ['g'])], {}, thresholds);
    expect(half).toMatchObject({ summaryScore: 0, basis: { kind: 'too-many-nodata', nodataPercent: 50 } });
    expect(half.kayentaReason).toBe('Canary Failed: 50% or more metrics returned NODATA');
    const failMetric = scoreKayenta(
      [metric('a', 'Pass', ['g']), metric('b', 'NodataFailMetric', ['g'])],
      {},
      thresholds,
    );
    expect(failMetric).toMatchObject({ summaryScore: 50, basis: { kind: 'weighted-sum' } });
  });

  it('leaves Error metrics out of group totals, so a group of only errors counts as 100', () => {
    const result = scoreKayenta([metric('a', 'Pass', ['g1']), metric('b', 'Error', ['g2'])], {}, thresholds);
    expect(result.summaryScore).toBe(100);
    expect(result.groupScores.find((g) => g.name === 'g2')).toMatchObject({
      score: 0,
      hasNoData: true,
      labelCounts: { Error: 1 },
    });
  });

  it('loses the weight of a configured group that has no metrics', () => {
    const result = scoreKayenta([metric('a', 'Pass', ['a'])], { a: 50, b: 50 }, thresholds);
    expect(result.summaryScore).toBe(50);
    expect(result.reason).toContain('weights of groups without metrics are lost: b 50%');
  });

  it('shares the unconfigured remainder equally among groups without a weight', () => {
    const result = scoreKayenta(
      [metric('a', 'Pass', ['a']), metric('b', 'High', ['b']), metric('c', 'Pass', ['c'])],
      { a: 60 },
      thresholds,
    );
    expect(result.groupScores.map((g) => [g.name, g.weight])).toEqual([
      ['a', 60],
      ['b', 20],
      ['c', 20],
    ]);
    expect(result.summaryScore).toBe(80);
    expect(result.classification).toBe('Marginal');
  });

  it('counts a metric once in each of its groups', () => {
    const result = scoreKayenta(
      [metric('a', 'Pass', ['x', 'y']), metric('b', 'High', ['y'])],
      {},
      thresholds,
    );
    expect(result.groupScores.map((g) => [g.name, g.score])).toEqual([
      ['x', 100],
      ['y', 50],
    ]);
    expect(result.summaryScore).toBe(75);
  });

  it('rounds the summary half-up to two decimals', () => {
    const result = scoreKayenta(
      [metric('a', 'Pass', ['g']), metric('b', 'Pass', ['g']), metric('c', 'Low', ['g'])],
      {},
      thresholds,
    );
    expect(result.summaryScore).toBe(66.67);
  });

  it('scores no metrics at all as 0 (Fail)', () => {
    expect(scoreKayenta([], {}, thresholds)).toMatchObject({
      summaryScore: 0,
      classification: 'Fail',
      basis: { kind: 'weighted-sum' },
    });
  });
});

describe('classifyKayentaScore (ThresholdScoreClassifier)', () => {
  it.each([
    [95, 'Pass'],
    [94.99, 'Marginal'],
    [75, 'Marginal'],
    [74.99, 'Fail'],
    [Number.NaN, 'Fail'],
  ])('classifies %d against pass 95 / marginal 75 as %s', (score, label) => {
    expect(classifyKayentaScore(score, thresholds)).toBe(label);
  });
});

describe('roundHalfUp (Apache Precision.round)', () => {
  it.each([
    [33.333333333333336, 33.33],
    [66.66666666666667, 66.67],
    [0.125, 0.13],
    [2.675, 2.68],
    [-1.005, -1.01],
    [1e-7, 0],
    [100, 100],
    [5, 5],
  ])('rounds %d to %d', (x, expected) => {
    expect(roundHalfUp(x, 2)).toBe(expected);
  });
});
