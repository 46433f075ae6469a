/**
 * Everything the judge carries from one interval to the next, as plain JSON so the daemon can
 * keep it in Redis between steps and `vigil judge` can keep it in memory.
 */
import type { CountObservation, HistogramCounters } from '../observations.js';
import type { RateMsprtState } from '../sequential/rate-msprt.js';

/** One group's data for one KHI, accumulated over every interval so far. */
export interface GroupAccumulation {
  /** Ratio KHIs: events and totals summed over intervals. */
  readonly counts: CountObservation;
  /** Distribution and gauge KHIs: every observation so far (`null` = missing). */
  readonly values: readonly (number | null)[];
  /**
   * While every observation with values came with its histogram counters: those counters, one per
   * such interval, whose values concatenated are `values` (a store keeps these instead).
   */
  readonly histograms?: readonly HistogramCounters[];
  /** One summary per interval (rate, or mean of values; null without data) for charts and Kayenta. */
  readonly perInterval: readonly (number | null)[];
}

export interface KhiState {
  readonly baseline: GroupAccumulation;
  readonly canary: GroupAccumulation;
  /** Intervals in which both groups had data. */
  readonly intervalsWithData: number;
  /** Opaque sequential-test state (see sequential-evidence.ts). */
  readonly sequential: SequentialKhiState;
  /** The first bad observation seen; the KHI stays `error` from then on. */
  readonly dataError?: string;
}

export interface SequentialKhiState {
  /**
   * One-sided z per look (index = interval - 1; null = no test that look), oriented so that large
   * means worse: `increase` against the baseline shifted up by the tolerance, `decrease` against it
   * shifted down. Fed to the group-sequential design.
   */
  readonly zHistory: {
    readonly increase: readonly (number | null)[];
    readonly decrease: readonly (number | null)[];
  };
  /** One-sided z per look of the SLO tests (canary confidently above `max` / below `min`). */
  readonly sloZHistory: {
    readonly max: readonly (number | null)[];
    readonly min: readonly (number | null)[];
  };
  /** Mixture-SPRT state for ratio KHIs judged with the Poisson test. */
  readonly rateMsprt?: RateMsprtState;
}

export interface JudgeState {
  /** Intervals judged so far (the next interval is `intervalsJudged + 1`). */
  readonly intervalsJudged: number;
  readonly khis: Readonly<Record<string, KhiState>>;
}
