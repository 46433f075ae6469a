/**
 * Score: the weighted share of judged KHIs that pass, 0–100. KHIs without enough data
 * (`nodata`, `inconclusive`) or that could not be judged (`error`) are left out of the score
 * and handled by the decision instead, so missing data can block a promotion but never earn one.
 */
import type { KhiResult } from './khi-result.js';

export interface Score {
  /** 0–100, or null when no KHI could be scored. */
  readonly value: number | null;
  /** Share (0–1) of the total KHI weight that had data to judge. */
  readonly weightWithData: number;
}

/** Scores one interval's KHI results by weight. */
export function scoreKhis(results: readonly KhiResult[]): Score {
  let passing = 0;
  let judged = 0;
  let total = 0;
  for (const result of results) {
    total += result.weight;
    if (result.classification === 'pass') passing += result.weight;
    if (result.classification === 'pass' || result.failed) judged += result.weight;
  }
  return {
    value: judged > 0 ? roundScore((100 * passing) / judged) : null,
    weightWithData: total > 0 ? judged / total : 0,
  };
}

/** Rounds to two decimals so printed and compared scores agree. */
export function roundScore(score: number): number {
  return Math.round(score * 100) / 100;
}
