/** Loads test/fixtures/change-points/change-points.json, written by generate.py beside it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { SegmentCostKind } from '../../../src/analysis/change-points/segment-cost.js';
import type { DetectChangePointsOptions } from '../../../src/analysis/change-points/detect-change-points.js';
import type { KhiSeriesPoint } from '../../../src/analysis/change-points/khi-series.js';

export interface PeltCase {
  readonly name: string;
  readonly values: number[];
  readonly cost: SegmentCostKind;
  readonly penalty: number;
  readonly minSegment: number;
  readonly varianceOffset: number;
  readonly changePoints: number[];
  readonly totalCost: number;
}

export interface DetectCase {
  readonly name: string;
  readonly values: (number | null)[];
  /** Indices whose null stands for NaN. */
  readonly nan: number[];
  readonly options: DetectChangePointsOptions;
  readonly expected: {
    readonly pointsUsed: number;
    readonly noiseSd: number;
    readonly penalty?: number;
    readonly totalCost?: number;
    readonly changeIndices: number[];
    readonly segmentMeans: number[];
  };
}

export interface ChangePointFixture {
  readonly startMs: number;
  readonly stepMs: number;
  readonly pelt: readonly PeltCase[];
  readonly detect: readonly DetectCase[];
}

export function loadChangePointFixture(): ChangePointFixture {
  const url = new URL('../../fixtures/change-points/change-points.json', import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as ChangePointFixture;
}

/** The points of a detect case: t = startMs + i·stepMs, NaN where the fixture says so. */
export function pointsOf(fixture: ChangePointFixture, c: DetectCase): KhiSeriesPoint[] {
  const nan = new Set(c.nan);
  return c.values.map((value, i) => ({
    t: fixture.startMs + i * fixture.stepMs,
    value: nan.has(i) ? Number.NaN : value,
  }));
}

/** |actual − expected| ≤ rel·|expected| (or ≤ abs when expected is 0). */
export function expectRelativelyClose(
  actual: number,
  expected: number,
  label: string,
  rel = 1e-9,
  abs = 1e-12,
): void {
  const tolerance = Math.max(abs, rel * Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`${label}: expected ${expected}, got ${actual} (difference ${Math.abs(actual - expected)})`);
  }
}
