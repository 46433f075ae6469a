/**
 * The O(n²) optimal partitioning recursion (Jackson et al. 2005) without any pruning: the
 * reference PELT must equal exactly. Kept in the tests, written independently of pelt.ts apart from
 * the shared segment cost.
 */
import { medianOf } from '../../../src/analysis/change-points/median.js';
import { createSegmentCost, type SegmentCostKind } from '../../../src/analysis/change-points/segment-cost.js';

export function optimalPartitioning(
  values: readonly number[],
  cost: SegmentCostKind,
  penalty: number,
  minSegment: number,
  varianceOffset = 1e-3,
): { changePoints: number[]; totalCost: number } {
  const n = values.length;
  const segmentCost = createSegmentCost(values, cost, medianOf(values), varianceOffset);
  if (n < minSegment) return { changePoints: [], totalCost: segmentCost(0, n) };
  const best: number[] = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const last: number[] = new Array<number>(n + 1).fill(0);
  best[0] = -penalty;
  for (let t = minSegment; t <= n; t++) {
    for (let tau = 0; tau <= t - minSegment; tau++) {
      const before = best[tau] as number;
      if (!Number.isFinite(before)) continue;
      const value = before + segmentCost(tau, t) + penalty;
      if (value < (best[t] as number)) {
        best[t] = value;
        last[t] = tau;
      }
    }
  }
  const changePoints: number[] = [];
  for (let t = last[n] as number; t > 0; t = last[t] as number) changePoints.unshift(t);
  return { changePoints, totalCost: best[n] as number };
}
