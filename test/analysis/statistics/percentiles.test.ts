import { describe, expect, it } from 'vitest';
import { handleMissingValues } from '../../../src/analysis/statistics/missing-values.js';
import { removeOutliersIqr } from '../../../src/analysis/statistics/outliers.js';
import { percentile } from '../../../src/analysis/statistics/percentiles.js';
import { expectClose, loadFixture } from './fixtures.js';

interface Case {
  values: number[];
  percentiles: { q: number; value: number }[];
  outliers: Record<string, { kept: number[]; lowerFence: number; upperFence: number }>;
}

const fixture = loadFixture<Case>('percentiles');

describe('percentile agrees with numpy.percentile (linear)', () => {
  it.each(fixture.cases)('$values.length values', (c) => {
    for (const { q, value } of c.percentiles)
      expectClose(percentile(c.values, q), value, `q=${q}`, 1e-14, 1e-300);
  });
});

describe('removeOutliersIqr agrees with numpy fences', () => {
  it.each(fixture.cases)('$values.length values', (c) => {
    for (const [factor, expected] of Object.entries(c.outliers)) {
      const result = removeOutliersIqr(c.values, Number(factor));
      expect(result.kept).toEqual(expected.kept);
      expect(result.removed).toBe(c.values.length - expected.kept.length);
      expectClose(result.lowerFence, expected.lowerFence, 'lowerFence', 1e-14, 1e-14);
      expectClose(result.upperFence, expected.upperFence, 'upperFence', 1e-14, 1e-14);
    }
  });

  it('keeps values in input order and rejects a negative factor', () => {
    expect(removeOutliersIqr([5, 1, 100, 3, 2, 4], 1.5).kept).toEqual([5, 1, 3, 2, 4]);
    expect(() => removeOutliersIqr([1, 2], -1)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }) as Error,
    );
    expect(() => removeOutliersIqr([])).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }) as Error);
  });
});

describe('percentile validation', () => {
  it('rejects q outside [0, 100] and empty or non-finite samples', () => {
    expect(() => percentile([1, 2], 101)).toThrow(
      expect.objectContaining({ code: 'INVALID_PROBABILITY' }) as Error,
    );
    expect(() => percentile([], 50)).toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE' }) as Error);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(/values\[1\]/);
  });
});

describe('handleMissingValues', () => {
  const values = [1, null, 3, Number.NaN, undefined, 6];

  it('removes null, undefined and NaN and counts them', () => {
    expect(handleMissingValues(values, { kind: 'remove' })).toEqual({
      values: [1, 3, 6],
      removed: 3,
      replaced: 0,
    });
  });

  it('returns the values themselves when none is missing', () => {
    const complete = [4, 1.5, -2];
    const result = handleMissingValues(complete, { kind: 'replace', replacement: 9 });
    expect(result).toEqual({ values: [4, 1.5, -2], removed: 0, replaced: 0 });
    expect(result.values).toBe(complete);
  });

  it('replaces them by 0 by default, or by the given value', () => {
    expect(handleMissingValues(values, { kind: 'replace' })).toEqual({
      values: [1, 0, 3, 0, 0, 6],
      removed: 0,
      replaced: 3,
    });
    expect(handleMissingValues([null], { kind: 'replace', replacement: 2.5 }).values).toEqual([2.5]);
  });

  it('rejects infinities, an unknown strategy and a non-finite replacement', () => {
    expect(() => handleMissingValues([1, Number.POSITIVE_INFINITY], { kind: 'remove' })).toThrow(
      expect.objectContaining({ code: 'INVALID_SAMPLE' }) as Error,
    );
    expect(() => handleMissingValues([1], { kind: 'drop' } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }) as Error,
    );
    expect(() => handleMissingValues([1], { kind: 'replace', replacement: Number.NaN })).toThrow(
      /replacement/,
    );
  });
});
