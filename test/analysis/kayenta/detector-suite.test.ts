import { describe, expect, it } from 'vitest';
import { detectIqrOutliers, detectKSigmaOutliers } from '../../../src/analysis/kayenta/outlier-detectors.js';
import { loadKayentaFixture } from './kayenta-fixtures.js';

type Detector = { kind: 'iqr'; factor: number } | { kind: 'k-sigma'; k: number };

interface DetectorCase {
  readonly test: string;
  readonly detector: Detector;
  readonly input: number[];
  readonly expected: boolean[] | 'all false but the last';
}

const fixture = loadKayentaFixture<{ cases: DetectorCase[] }>('detector-suite');

describe('Kayenta DetectorSuite, ported', () => {
  it.each(fixture.cases.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    const flags =
      c.detector.kind === 'iqr'
        ? detectIqrOutliers(c.input, c.detector.factor)
        : detectKSigmaOutliers(c.input, c.detector.k);
    const expected =
      c.expected === 'all false but the last' ? c.input.map((_, i) => i === c.input.length - 1) : c.expected;
    expect(flags).toEqual(expected);
  });

  it('rejects a non-positive factor, as Kayenta requires factor > 0', () => {
    expect(() => detectIqrOutliers([1, 2, 3], 0)).toThrow(/factor must be > 0/);
    expect(() => detectKSigmaOutliers([1, 2, 3], -1)).toThrow(/k must be > 0/);
  });
});
