import { describe, expect, it } from 'vitest';
import {
  benjaminiHochbergAdjust,
  holmAdjust,
} from '../../../src/analysis/statistics/multiple-comparisons.js';
import { expectClose, loadFixture } from './fixtures.js';

interface Case {
  pValues: number[];
  holm: number[];
  bh: number[];
}

const fixture = loadFixture<Case>('multiple-comparisons');

describe('adjusted p-values agree with the references', () => {
  it.each(fixture.cases)('$pValues', (c) => {
    holmAdjust(c.pValues).forEach((p, i) => expectClose(p, c.holm[i] as number, `holm[${i}]`, 1e-12));
    benjaminiHochbergAdjust(c.pValues).forEach((p, i) =>
      expectClose(p, c.bh[i] as number, `bh[${i}]`, 1e-12),
    );
  });
});

describe('adjusted p-values behaviour', () => {
  it('are monotone in the raw p-values, never below them and capped at 1', () => {
    const raw = [0.03, 0.2, 0.001, 0.6, 0.04, 0.04, 0.9];
    for (const adjust of [holmAdjust, benjaminiHochbergAdjust]) {
      const adjusted = adjust(raw);
      const order = raw.map((_, i) => i).sort((i, j) => (raw[i] as number) - (raw[j] as number));
      for (let k = 1; k < order.length; k++) {
        expect(adjusted[order[k] as number]).toBeGreaterThanOrEqual(
          adjusted[order[k - 1] as number] as number,
        );
      }
      adjusted.forEach((p, i) => {
        expect(p).toBeGreaterThanOrEqual(raw[i] as number);
        expect(p).toBeLessThanOrEqual(1);
      });
    }
  });

  it('returns an empty array for no p-values', () => {
    expect(holmAdjust([])).toEqual([]);
    expect(benjaminiHochbergAdjust([])).toEqual([]);
  });

  it('rejects p-values outside [0, 1]', () => {
    expect(() => holmAdjust([0.1, 1.5])).toThrow(
      expect.objectContaining({ code: 'INVALID_PROBABILITY' }) as Error,
    );
    expect(() => benjaminiHochbergAdjust([Number.NaN])).toThrow(/pValues\[0\]/);
  });
});
