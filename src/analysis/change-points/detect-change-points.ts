/**
 * Change points in one KHI's time series: exact PELT segmentation of the standardised series, then
 * each boundary described (levels either side, direction, whether that direction is bad).
 * Source: Killick, Fearnhead & Eckley (2012), JASA 107(500) (PELT, pelt.ts) with the penalty
 * k·σ̂²·log n, k = p + 2 for p parameters per segment (3 for a change in mean, 4 for mean and
 * variance): the log n part of the MBIC penalty of the R package changepoint (Killick & Eckley
 * 2014, J. Stat. Softw. 58(3); `penalty_decision`, without the segment-length term its MBIC costs
 * add), after Zhang & Siegmund (2007), "A modified Bayes information criterion with applications
 * to the analysis of comparative genomic hybridization data", Biometrics 63(1); σ̂ from
 * noise-scale.ts.
 */
import { formatValue } from '../judge/format-numbers.js';
import { CorrelationInputError } from './correlation-input-error.js';
import { describeLevels, describeMove } from './describe-change.js';
import {
  assertKhiSeriesShape,
  findInvalidPoint,
  MISSING_POINT_POLICIES,
  usedPoints,
  type KhiSeries,
  type MissingPointPolicy,
  type UsedPoints,
} from './khi-series.js';
import { medianOf } from './median.js';
import { estimateNoiseScale, type NoiseScaleMethod } from './noise-scale.js';
import { segmentWithPelt } from './pelt.js';
import { SEGMENT_COST_KINDS, type SegmentCostKind } from './segment-cost.js';

export type { KhiSeries, KhiSeriesPoint, MissingPointPolicy } from './khi-series.js';

/** Options of `detectChangePoints`; every one has a default. */
export interface DetectChangePointsOptions {
  /** Segment cost (default `mean`); `mean-variance` also splits on a change in noise. */
  readonly cost?: SegmentCostKind;
  /** Fewest points in a segment (default 5; ≥ 2 for `mean-variance`). */
  readonly minSegment?: number;
  /** k in the penalty k·σ̂²·log n (default 3 for `mean`, 4 for `mean-variance`). */
  readonly penaltyFactor?: number;
  /** What to do with null/NaN points (default `skip`). */
  readonly missing?: MissingPointPolicy;
}

/** A boundary between two segments of different level. */
export interface ChangePoint {
  readonly khi: string;
  /** Time of the first point of the new segment (ms). */
  readonly atMs: number;
  /** Index in `points` of the first point of the new segment. */
  readonly index: number;
  /** Mean of the segment before, in the KHI's units. */
  readonly before: number;
  /** Mean of the segment after. */
  readonly after: number;
  /** (after − before)/|before|; null when `before` is 0. */
  readonly relativeChange: number | null;
  readonly direction: 'up' | 'down';
  /** Whether the KHI moved in its bad direction (always, for `either`; never, if the means are equal). */
  readonly bad: boolean;
  /** |after − before| / σ̂: the shift in noise standard deviations. */
  readonly strength: number;
}

/** A stretch of constant level between change points (indices into `points`, inclusive). */
export interface KhiSegment {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly mean: number;
  /** Points used in the segment (present ones, plus carried ones under `carry`). */
  readonly points: number;
}

/** The segmentation was computed; `changePoints` may be empty. */
export interface ChangePointsFound {
  readonly kind: 'change-points';
  readonly khi: string;
  /** In time order. */
  readonly changePoints: readonly ChangePoint[];
  readonly segments: readonly KhiSegment[];
  /** σ̂ in the KHI's units (0 for a constant series). */
  readonly noiseSd: number;
  readonly noiseMethod: NoiseScaleMethod;
  /** k of the penalty k·σ̂²·log n. */
  readonly penaltyFactor: number;
  /** k·log n: the penalty per change point in units of σ̂² (0 for a constant series). */
  readonly penalty: number;
  /** Minimum penalised cost in units of σ̂² (0 for a constant series). */
  readonly totalCost: number;
  readonly pointsUsed: number;
  readonly pointsMissing: number;
  readonly reason: string;
}

/** Too few usable points, or no measurable noise to scale the penalty by. */
export interface InsufficientData {
  readonly kind: 'insufficient-data';
  readonly khi: string;
  readonly reason: string;
}

/** A point the method cannot use: infinite or absurd value, timestamps out of order. */
export interface InvalidData {
  readonly kind: 'invalid-data';
  readonly khi: string;
  readonly reason: string;
}

export type ChangePointResult = ChangePointsFound | InsufficientData | InvalidData;

/** Default fewest points per segment: 5 minutes of a 1-minute series; a single spike is no segment. */
export const DEFAULT_MIN_SEGMENT = 5;
/** Default k of the penalty per cost: MBIC's p + 2, p the parameters per segment. */
export const DEFAULT_PENALTY_FACTORS: Readonly<Record<SegmentCostKind, number>> = Object.freeze({
  mean: 3,
  'mean-variance': 4,
});
/** Standardised values are clipped to ±CLIP σ̂ so one absurd sample cannot swamp the prefix sums. */
const CLIP = 1e4;
/** The `mean-variance` cost's variance offset, in units of σ̂². */
const VARIANCE_OFFSET = 1e-3;

/**
 * Finds the change points of `series` (PELT on (y − median)/σ̂, penalty k·log n). Bad data gives
 * an `insufficient-data` or `invalid-data` outcome with a reason; a malformed series or option
 * (programmer error) throws a `CorrelationInputError` naming the field.
 */
export function detectChangePoints(
  series: KhiSeries,
  options: DetectChangePointsOptions = {},
): ChangePointResult {
  assertKhiSeriesShape(series, 'detectChangePoints');
  const { khi } = series;
  const cost = options.cost ?? 'mean';
  const minSegment = options.minSegment ?? DEFAULT_MIN_SEGMENT;
  const missing = options.missing ?? 'skip';
  assertOptions(options, cost, minSegment, missing);
  const penaltyFactor = options.penaltyFactor ?? DEFAULT_PENALTY_FACTORS[cost];

  const problem = findInvalidPoint(series.points);
  if (problem !== undefined) return { kind: 'invalid-data', khi, reason: `${khi}: ${problem}` };
  const used = usedPoints(series.points, missing);
  const n = used.values.length;
  const total = series.points.length;
  if (n < 2 * minSegment) {
    const have = total === 0 ? 'the series is empty' : `has ${n} of ${total} (${used.missing} missing)`;
    return {
      kind: 'insufficient-data',
      khi,
      reason: `${khi}: needs at least ${2 * minSegment} usable points (two segments of ${minSegment}) to place a change point; ${have}`,
    };
  }
  const noise = estimateNoiseScale(used.values);
  if (noise.sd === 0) return constantOrNoiseless(series, used, penaltyFactor);

  const centre = medianOf(used.values);
  const standardised = used.values.map((y) => Math.min(Math.max((y - centre) / noise.sd, -CLIP), CLIP));
  const penalty = penaltyFactor * Math.log(n);
  const segmentation = segmentWithPelt(standardised, {
    cost,
    penalty,
    minSegment,
    varianceOffset: VARIANCE_OFFSET,
  });
  const segments = describeSegments(series, used, segmentation.changePoints);
  const changePoints = segments.slice(1).map((segment, i) => {
    return changePointBetween(series, segments[i] as KhiSegment, segment, noise.sd);
  });
  return {
    kind: 'change-points',
    khi,
    changePoints,
    segments,
    noiseSd: noise.sd,
    noiseMethod: noise.method,
    penaltyFactor,
    penalty,
    totalCost: segmentation.totalCost,
    pointsUsed: n,
    pointsMissing: used.missing,
    reason: summarise(khi, changePoints, n, noise.sd, penalty),
  };
}

function constantOrNoiseless(series: KhiSeries, used: UsedPoints, penaltyFactor: number): ChangePointResult {
  const { khi } = series;
  const first = used.values[0] as number;
  if (used.values.some((value) => value !== first)) {
    return {
      kind: 'insufficient-data',
      khi,
      reason: `${khi}: no measurable noise (every step changes the value by the same amount), so no penalty can be scaled; is it a raw counter instead of a rate?`,
    };
  }
  return {
    kind: 'change-points',
    khi,
    changePoints: [],
    segments: describeSegments(series, used, []),
    noiseSd: 0,
    noiseMethod: 'none',
    penaltyFactor,
    penalty: 0,
    totalCost: 0,
    pointsUsed: used.values.length,
    pointsMissing: used.missing,
    reason: `${khi}: constant at ${formatValue(first)} over ${used.values.length} points, no change point`,
  };
}

function describeSegments(
  series: KhiSeries,
  used: UsedPoints,
  changePoints: readonly number[],
): KhiSegment[] {
  const bounds = [0, ...changePoints, used.values.length];
  const segments: KhiSegment[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const start = bounds[s] as number;
    const end = bounds[s + 1] as number;
    const startIndex = used.indices[start] as number;
    const endIndex = used.indices[end - 1] as number;
    segments.push({
      startIndex,
      endIndex,
      startMs: series.points[startIndex]?.t as number,
      endMs: series.points[endIndex]?.t as number,
      mean: meanOf(used.values, start, end),
      points: end - start,
    });
  }
  return segments;
}

/** Mean of values[start, end) (no overflow: values are within ±1e150). */
function meanOf(values: readonly number[], start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += values[i] as number;
  return sum / (end - start);
}

function changePointBetween(
  series: KhiSeries,
  before: KhiSegment,
  after: KhiSegment,
  noiseSd: number,
): ChangePoint {
  const up = after.mean > before.mean;
  const moved = after.mean !== before.mean;
  const bad = series.direction === 'either' || (moved && (series.direction === 'increase' ? up : !up));
  return {
    khi: series.khi,
    atMs: after.startMs,
    index: after.startIndex,
    before: before.mean,
    after: after.mean,
    relativeChange: before.mean === 0 ? null : capped((after.mean - before.mean) / Math.abs(before.mean)),
    direction: up || !moved ? 'up' : 'down',
    bad,
    strength: capped(Math.abs(after.mean - before.mean) / noiseSd),
  };
}

/** Keeps ratios of extreme values finite (JSON has no Infinity). */
function capped(value: number): number {
  return Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, value));
}

function summarise(
  khi: string,
  changePoints: readonly ChangePoint[],
  n: number,
  noiseSd: number,
  penalty: number,
): string {
  if (changePoints.length === 0) {
    return `${khi}: no change point in ${n} points (noise sd ${formatValue(noiseSd)}, penalty ${penalty.toFixed(1)} σ̂² per change)`;
  }
  const bad = changePoints.filter((c) => c.bad).length;
  const strongest = [...changePoints].sort(
    (a, b) => b.strength - a.strength || a.index - b.index,
  )[0] as ChangePoint;
  const plural = changePoints.length === 1 ? 'change point' : 'change points';
  return `${khi}: ${changePoints.length} ${plural} in ${n} points (${bad} in the bad direction); strongest at point ${strongest.index}: ${describeMove(strongest.before, strongest.after)} (${describeLevels(strongest.before, strongest.after)}, ${strongest.strength.toPrecision(2)} σ̂)`;
}

function assertOptions(
  options: DetectChangePointsOptions,
  cost: SegmentCostKind,
  minSegment: number,
  missing: MissingPointPolicy,
): void {
  if (!SEGMENT_COST_KINDS.includes(cost)) {
    throw new CorrelationInputError(
      'options.cost',
      `detectChangePoints: options.cost must be one of ${SEGMENT_COST_KINDS.join(', ')}, got ${String(cost)}`,
    );
  }
  const fewest = cost === 'mean-variance' ? 2 : 1;
  if (!Number.isSafeInteger(minSegment) || minSegment < fewest) {
    throw new CorrelationInputError(
      'options.minSegment',
      `detectChangePoints: options.minSegment must be an integer ≥ ${fewest} for the ${cost} cost, got ${String(minSegment)}`,
    );
  }
  if (!MISSING_POINT_POLICIES.includes(missing)) {
    throw new CorrelationInputError(
      'options.missing',
      `detectChangePoints: options.missing must be one of ${MISSING_POINT_POLICIES.join(', ')}, got ${String(missing)}`,
    );
  }
  const k = options.penaltyFactor;
  if (k !== undefined && (typeof k !== 'number' || !Number.isFinite(k) || k < 0)) {
    throw new CorrelationInputError(
      'options.penaltyFactor',
      `detectChangePoints: options.penaltyFactor must be a finite number ≥ 0, got ${String(k)}`,
    );
  }
}
