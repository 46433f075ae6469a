import { describe, expect, it } from 'vitest';
import { brentSolve } from '../../../src/analysis/kayenta/brent-solver.js';
import { kayentaMannWhitney, wilcoxonDiff } from '../../../src/analysis/kayenta/kayenta-mann-whitney.js';
import { normalPpf } from '../../../src/analysis/statistics/normal-distribution.js';
import { loadKayentaFixture, sample, type SampleRef } from './kayenta-fixtures.js';

interface TieOutCase {
  readonly test: string;
  readonly x: SampleRef;
  readonly y: SampleRef;
  readonly confidenceLevel: number;
  readonly expected: { readonly lower: number; readonly upper: number; readonly estimate: number };
  readonly tolerance: { readonly interval: number; readonly estimate: number };
}

interface IntermediateCase {
  readonly x: SampleRef;
  readonly y: SampleRef;
  readonly confidenceLevel: number;
  readonly tolerance: number;
  readonly expected: Record<string, number>;
}

const fixture = loadKayentaFixture<{ cases: TieOutCase[]; intermediate: IntermediateCase }>(
  'mann-whitney-suite',
);

function expectWithin(actual: number, expected: number, tolerance: number, label: string): void {
  expect(Math.abs(actual - expected), `${label}: expected ${expected}, got ${actual}`).toBeLessThanOrEqual(
    tolerance,
  );
}

describe('Kayenta MannWhitneySuite, ported', () => {
  it.each(fixture.cases.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    const result = kayentaMannWhitney(sample(c.x), sample(c.y), c.confidenceLevel);
    expectWithin(result.lower, c.expected.lower, c.tolerance.interval, 'lower');
    expectWithin(result.upper, c.expected.upper, c.tolerance.interval, 'upper');
    expectWithin(result.estimate, c.expected.estimate, c.tolerance.estimate, 'estimate');
  });

  it('Mann-Whitney Intermediate Values / Variables', () => {
    const c = fixture.intermediate;
    const x = sample(c.x);
    const y = sample(c.y);
    const alpha = 1 - c.confidenceLevel;
    const muMin = Math.min(...x) - Math.max(...y);
    const muMax = Math.max(...x) - Math.min(...y);
    const zqLower = normalPpf(alpha / 2) * -1;
    const zqUpper = normalPpf(alpha / 2);
    const diff = (zq: number) => (mu: number) => wilcoxonDiff(mu, zq, x, y);
    const actual: Record<string, number> = {
      muMin,
      muMax,
      zqLower,
      zqUpper,
      fLower1: wilcoxonDiff(muMin, zqLower, x, y),
      fUpper1: wilcoxonDiff(muMax, zqLower, x, y),
      fLower2: wilcoxonDiff(muMin, zqUpper, x, y),
      fUpper2: wilcoxonDiff(muMax, zqUpper, x, y),
    };
    actual.ciLower = brentSolve(muMin, muMax, actual.fLower1 ?? NaN, actual.fUpper1 ?? NaN, diff(zqLower));
    actual.ciUpper = brentSolve(muMin, muMax, actual.fLower2 ?? NaN, actual.fUpper2 ?? NaN, diff(zqUpper));
    actual.estimate = brentSolve(
      muMin,
      muMax,
      wilcoxonDiff(muMin, 0, x, y),
      wilcoxonDiff(muMax, 0, x, y),
      diff(0),
    );
    for (const [key, expected] of Object.entries(c.expected)) {
      expectWithin(actual[key] ?? NaN, expected, c.tolerance, key);
    }
  });
});
