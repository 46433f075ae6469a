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

describe('weighted adjustments', () => {
  it('reduce to the unweighted procedures with equal weights', () => {
    const raw = [0.03, 0.2, 0.001, 0.6, 0.04, 0.04, 0.9];
    const equal = raw.map(() => 2.5);
    holmAdjust(raw, equal).forEach((p, i) => expect(p).toBeCloseTo(holmAdjust(raw)[i] as number, 15));
    benjaminiHochbergAdjust(raw, equal).forEach((p, i) =>
      expect(p).toBeCloseTo(benjaminiHochbergAdjust(raw)[i] as number, 15),
    );
  });

  it('weighted Holm gives each hypothesis its weight share of alpha first (worked by hand)', () => {
    // Order by p/w: 0 (0.0005), 2 (0.02), 1 (0.03). Steps: 0.004·10/8, 0.02·2/1, max(…, 0.03·1/1).
    const adjusted = holmAdjust([0.004, 0.03, 0.02], [8, 1, 1]);
    expect(adjusted[0]).toBeCloseTo(0.005, 15);
    expect(adjusted[1]).toBeCloseTo(0.04, 15);
    expect(adjusted[2]).toBeCloseTo(0.04, 15);
    // Unweighted, the first hypothesis needs p ≤ alpha/3: 0.012 > 0.01.
    expect(holmAdjust([0.004, 0.03, 0.02])[0]).toBeCloseTo(0.012, 15);
  });

  it('weighted BH runs BH on p / w with weights rescaled to mean 1 (worked by hand)', () => {
    // w = [2.4, 0.3, 0.3]; p/w = [0.001667, 0.1, 0.0667]; q = [0.005, 0.1, 0.1].
    const adjusted = benjaminiHochbergAdjust([0.004, 0.03, 0.02], [8, 1, 1]);
    expect(adjusted[0]).toBeCloseTo(0.005, 15);
    expect(adjusted[1]).toBeCloseTo(0.1, 15);
    expect(adjusted[2]).toBeCloseTo(0.1, 15);
  });

  it('rejects weights that are not positive, or of the wrong length, naming the index', () => {
    expect(() => holmAdjust([0.1, 0.2], [1, 0])).toThrow(/weights\[1\] must be a positive/);
    expect(() => benjaminiHochbergAdjust([0.1, 0.2], [1])).toThrow(/weights must be an array of 2/);
  });
});
