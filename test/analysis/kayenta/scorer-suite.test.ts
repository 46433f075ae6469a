import { describe, expect, it } from 'vitest';
import type { KayentaMetricLabel } from '../../../src/analysis/kayenta/mann-whitney-classifier.js';
import { scoreKayenta } from '../../../src/analysis/kayenta/score-kayenta.js';
import { loadKayentaFixture } from './kayenta-fixtures.js';

interface ScorerCase {
  readonly test: string;
  readonly groupWeights: Record<string, number>;
  readonly metrics: { name: string; label: KayentaMetricLabel; groups: string[]; critical: boolean }[];
  readonly expected: { readonly summaryScore: number; readonly groupScores?: number[] };
}

const fixture = loadKayentaFixture<{ cases: ScorerCase[] }>('scorer-suite');

describe('Kayenta ScorerSuite (WeightedSumScorer), ported', () => {
  it('ports all 13 scorer tests', () => {
    expect(fixture.cases).toHaveLength(13);
  });

  it.each(fixture.cases.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    const metrics = c.metrics.map((m) => ({ ...m, kayentaReason: `${m.name} was classified as ${m.label}` }));
    const result = scoreKayenta(metrics, c.groupWeights, { pass: 95, marginal: 75 });
    expect(result.summaryScore, result.reason).toBe(c.expected.summaryScore);
    if (c.expected.groupScores !== undefined) {
      expect(result.groupScores.map((g) => g.score).sort((a, b) => a - b)).toEqual(c.expected.groupScores);
    }
  });
});
