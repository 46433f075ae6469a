import { describe, expect, it } from 'vitest';
import { fisherExact, type TwoByTwoTable } from '../../../src/analysis/statistics/fisher.js';
import type { Alternative } from '../../../src/analysis/statistics/alternative.js';
import { expectClose, loadFixture } from './fixtures.js';

interface Case {
  table: TwoByTwoTable;
  alternative: Alternative;
  statistic: number | string;
  pValue: number;
}

const fixture = loadFixture<Case>('fisher');

describe('fisherExact agrees with scipy.stats.fisher_exact', () => {
  it.each(fixture.cases)('$table, $alternative', (c) => {
    const result = fisherExact(c.table, { alternative: c.alternative });
    expectClose(result.statistic, c.statistic, 'statistic');
    expectClose(result.pValue, c.pValue, 'pValue');
  });
});

describe('fisherExact behaviour', () => {
  it('gives the same two-sided p for the transposed table', () => {
    const p = fisherExact([
      [12, 5000],
      [3, 4990],
    ]).pValue;
    expect(
      fisherExact([
        [12, 3],
        [5000, 4990],
      ]).pValue,
    ).toBeCloseTo(p, 14);
  });

  it('is fast for tables with hundreds of thousands of requests', () => {
    const started = performance.now();
    fisherExact([
      [2500, 400000],
      [2300, 400500],
    ]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each([
    [
      [
        [-1, 2],
        [3, 4],
      ],
      'table[0][0]',
    ],
    [
      [
        [1, 2.5],
        [3, 4],
      ],
      'table[0][1]',
    ],
    [
      [
        [1, 2],
        [Number.NaN, 4],
      ],
      'table[1][0]',
    ],
  ])('rejects invalid counts %j', (table, name) => {
    expect(() => fisherExact(table as unknown as TwoByTwoTable)).toThrow(
      expect.objectContaining({
        code: 'INVALID_COUNT',
        message: expect.stringContaining(name) as string,
      }) as Error,
    );
  });
});
