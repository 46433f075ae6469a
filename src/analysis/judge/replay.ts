/**
 * Replay: judge recorded intervals one by one, exactly as the daemon judges live ones, until a
 * verdict or the end of the data.
 */
import type { IntervalObservations } from '../observations.js';
import type { RuleSet } from '../rule-set.js';
import type { VerdictOutcome } from './decide-verdict.js';
import { initialJudgeState, judgeInterval, type Judgement } from './judge-interval.js';
import type { JudgeState } from './judge-state.js';
import type { KhiResult } from './khi-result.js';

export interface ReplayResult {
  readonly verdict: VerdictOutcome;
  /** 1-based interval after which the verdict was reached (the last one when data ran out). */
  readonly decidedAtInterval: number;
  readonly score: number | null;
  readonly khis: readonly KhiResult[];
  readonly reasons: readonly string[];
  /** Every interval's judgement, for timelines and charts. */
  readonly judgements: readonly Judgement[];
  /** The judge's state after the last judged interval (per-interval series for charts). */
  readonly finalState: JudgeState;
}

/** Replays intervals through the judge; data that ends before a decision is inconclusive. */
export function replayIntervals(ruleSet: RuleSet, intervals: readonly IntervalObservations[]): ReplayResult {
  let state = initialJudgeState(ruleSet);
  const judgements: Judgement[] = [];
  for (const observations of intervals) {
    const step = judgeInterval(ruleSet, state, observations);
    state = step.state;
    judgements.push(step.judgement);
    const { decision } = step.judgement;
    if (decision.outcome !== 'continue') {
      return {
        ...summarise(step.judgement),
        verdict: decision.outcome,
        reasons: decision.reasons,
        judgements,
        finalState: state,
      };
    }
  }
  const last = judgements[judgements.length - 1];
  if (last === undefined) {
    return {
      verdict: 'inconclusive',
      decidedAtInterval: 0,
      score: null,
      khis: [],
      reasons: ['no intervals'],
      judgements,
      finalState: state,
    };
  }
  const reasons = [
    `data ended after ${last.interval} interval(s), before a decision (maxIntervals ${ruleSet.analysis.maxIntervals})`,
    ...last.decision.reasons,
  ];
  return { ...summarise(last), verdict: 'inconclusive', reasons, judgements, finalState: state };
}

function summarise(judgement: Judgement): Pick<ReplayResult, 'decidedAtInterval' | 'score' | 'khis'> {
  return { decidedAtInterval: judgement.interval, score: judgement.score, khis: judgement.khis };
}
