import { describe, expect, it } from 'vitest';
import { segmentWithPelt, type PeltOptions } from '../../../src/analysis/change-points/pelt.js';
import type { SegmentCostKind } from '../../../src/analysis/change-points/segment-cost.js';
import { createRandom, type Random } from '../../../src/simulation/random.js';
import { expectRelativelyClose, loadChangePointFixture } from './fixtures.js';
import { optimalPartitioning } from './optimal-partitioning.js';

const fixture = loadChangePointFixture();

describe('segmentWithPelt agrees with the NumPy optimal partitioning of generate.py', () => {
  it.each(fixture.pelt)('$name', (c) => {
    const result = segmentWithPelt(c.values, {
      cost: c.cost,
      penalty: c.penalty,
      minSegment: c.minSegment,
      varianceOffset: c.varianceOffset,
    });
    expect(result.changePoints).toEqual(c.changePoints);
    expectRelativelyClose(result.totalCost, c.totalCost, 'totalCost');
  });
});

/** A random series of one of several shapes, including discrete values with many exact ties. */
function randomSeries(random: Random, n: number): number[] {
  const shape = random.integer(4);
  const levels = Array.from({ length: 1 + random.integer(5) }, () => random.normal(0, 3));
  const level = (i: number) => levels[Math.floor((i * levels.length) / n)] as number;
  return Array.from({ length: n }, (_, i) => {
    if (shape === 0) return random.normal();
    if (shape === 1) return level(i) + random.normal(0, 0.2 + random.uniform());
    if (shape === 2) return random.poisson(Math.exp(level(i) / 3));
    return Math.round(level(i)) + random.integer(2);
  });
}

describe('segmentWithPelt equals brute-force optimal partitioning', () => {
  it('on 400 seeded random series of both costs, minimum segments 1–8 and penalties 0–40', () => {
    const random = createRandom(20_260_803);
    const costs: SegmentCostKind[] = ['mean', 'mean-variance'];
    for (let run = 0; run < 400; run++) {
      const cost = costs[run % 2] as SegmentCostKind;
      const n = 2 + random.integer(150);
      const minSegment = (cost === 'mean-variance' ? 2 : 1) + random.integer(7);
      const penalty = [0, 0.5, 3, 2 * Math.log(n), 3 * Math.log(n), 40][random.integer(6)] as number;
      const values = randomSeries(random, n);
      const options: PeltOptions = { cost, penalty, minSegment };
      const expected = optimalPartitioning(values, cost, penalty, minSegment);
      const actual = segmentWithPelt(values, options);
      expect(actual.changePoints, `run ${run}: n=${n}, ${cost}, m=${minSegment}, β=${penalty}`).toEqual(
        expected.changePoints,
      );
      expect(actual.totalCost, `run ${run}`).toBe(expected.totalCost);
    }
  });

  it('returns one segment when the series is shorter than two minimum segments', () => {
    const result = segmentWithPelt([1, 9, 1, 9, 1, 9, 1, 9, 1], { cost: 'mean', penalty: 0, minSegment: 5 });
    expect(result.changePoints).toEqual([]);
    // Σy² − (Σy)²/n: the residual sum of squares of the whole series.
    expect(result.totalCost).toBeCloseTo(329 - (41 * 41) / 9, 9);
  });

  it('finds 40 shifts in 20,000 points quickly, as its linear expected cost promises', () => {
    const random = createRandom(7);
    const values = Array.from({ length: 20_000 }, (_, i) => (Math.floor(i / 500) % 2) * 3 + random.normal());
    const started = performance.now();
    const result = segmentWithPelt(values, { cost: 'mean', penalty: 3 * Math.log(20_000), minSegment: 5 });
    const elapsedMs = performance.now() - started;
    expect(result.changePoints).toHaveLength(39);
    for (const [k, changePoint] of result.changePoints.entries()) {
      expect(Math.abs(changePoint - 500 * (k + 1))).toBeLessThanOrEqual(10);
    }
    expect(elapsedMs).toBeLessThan(5_000);
  });
});

describe('segmentWithPelt input checks', () => {
  const ok: PeltOptions = { cost: 'mean', penalty: 1, minSegment: 2 };
  it.each([
    ['an empty series', [], ok, 'values'],
    ['a NaN value', [1, Number.NaN, 3], ok, 'values[1]'],
    ['an infinite value', [1, 2, Number.POSITIVE_INFINITY], ok, 'values[2]'],
    ['a negative penalty', [1, 2, 3], { ...ok, penalty: -1 }, 'penalty'],
    ['an infinite penalty', [1, 2, 3], { ...ok, penalty: Number.POSITIVE_INFINITY }, 'penalty'],
    ['a zero minimum segment', [1, 2, 3], { ...ok, minSegment: 0 }, 'minSegment'],
    ['a fractional minimum segment', [1, 2, 3], { ...ok, minSegment: 1.5 }, 'minSegment'],
    [
      'mean-variance with segments of 1',
      [1, 2, 3],
      { ...ok, cost: 'mean-variance', minSegment: 1 },
      'minSegment',
    ],
    [
      'a zero variance offset',
      [1, 2, 3],
      { ...ok, cost: 'mean-variance', varianceOffset: 0 },
      'varianceOffset',
    ],
    ['an unknown cost', [1, 2, 3], { ...ok, cost: 'median' as SegmentCostKind }, 'cost'],
  ] as const)('throws naming the field for %s', (_label, values, options, field) => {
    expect(() => segmentWithPelt(values, options)).toThrow(
      expect.objectContaining({ code: 'INVALID_CORRELATION_INPUT', field }) as Error,
    );
  });
});
