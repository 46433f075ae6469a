/**
 * One step of the judge: accumulate → test each KHI → adjust across KHIs → classify → score →
 * decide. Pure: the daemon calls it once per analysis interval with live Observations, and
 * `vigil judge` calls it once per scenario interval with recorded ones.
 */
import type { IntervalObservations } from '../observations.js';
import type { RuleSet } from '../rule-set.js';
import { emptyKhiState } from './accumulate.js';
import { adjustAcrossKhis, alphaShares } from './adjust-across-khis.js';
import { classifyKhi, errorResult } from './classify-khi.js';
import { decideVerdict, type Decision } from './decide-verdict.js';
import type { EvaluationContext } from './evaluation-context.js';
import { evaluateKhi, type KhiEvaluation } from './evaluate-khi.js';
import type { JudgeState, KhiState } from './judge-state.js';
import type { KhiResult } from './khi-result.js';
import { scoreKhis } from './score.js';
import { withShiftEstimates } from './shift-estimates.js';
import { scoreKayentaKhis, usesKayentaScoring } from './kayenta-scoring.js';
import { expandTraceFamilies } from './trace-families.js';

/** The judge's output for one interval. */
export interface Judgement {
  /** 1-based interval this judgement covers (all data up to and including it). */
  readonly interval: number;
  readonly khis: readonly KhiResult[];
  readonly score: number | null;
  readonly decision: Decision;
}

/** The state before the first interval. */
export function initialJudgeState(ruleSet: RuleSet): JudgeState {
  return {
    intervalsJudged: 0,
    // Trace families get state per member as members appear (trace-families.ts).
    khis: Object.fromEntries(
      ruleSet.khis.filter((khi) => khi.trace === undefined).map((khi) => [khi.name, emptyKhiState()]),
    ),
  };
}

/** Judges the next interval; returns the new state and the judgement. */
export function judgeInterval(
  rules: RuleSet,
  state: JudgeState,
  observations: IntervalObservations,
): { state: JudgeState; judgement: Judgement } {
  const ruleSet = expandTraceFamilies(rules, Object.keys(observations.khis), Object.keys(state.khis));
  const interval = state.intervalsJudged + 1;
  const context: EvaluationContext = {
    interval,
    plan: ruleSet.analysis,
    design: {
      maxLooks: ruleSet.analysis.maxIntervals,
      spending: ruleSet.analysis.spending.function,
      ...(ruleSet.analysis.spending.rho !== undefined && { rho: ruleSet.analysis.spending.rho }),
    },
    alphaShare: alphaShares(ruleSet),
    ruleOutAlpha: ruleSet.analysis.cautionAlpha / ruleSet.analysis.maxIntervals,
  };
  const nextKhis: Record<string, KhiState> = {};
  const evaluations: (KhiEvaluation | KhiResult)[] = ruleSet.khis.map((rule) => {
    const previous = state.khis[rule.name] ?? emptyKhiState();
    try {
      const evaluation = evaluateKhi(rule, previous, observations.khis[rule.name], context);
      nextKhis[rule.name] = evaluation.state;
      return evaluation;
    } catch (cause) {
      // One KHI that throws is an error; the others are still judged.
      nextKhis[rule.name] = previous;
      return errorResult(rule, `could not be judged: ${(cause as Error).message}`);
    }
  });
  const adjusted = adjustAcrossKhis(evaluations, ruleSet);
  const khis = evaluations.map((evaluation, index) =>
    'classification' in evaluation
      ? evaluation
      : classifyKhi(evaluation, adjusted[index] ?? [], ruleSet.analysis),
  );
  const score = usesKayentaScoring(ruleSet) ? scoreKayentaKhis(ruleSet, khis) : scoreKhis(khis);
  const decision = decideVerdict(
    ruleSet,
    { interval, intervalsWithData: intervalsWithData(ruleSet, nextKhis) },
    khis,
    score,
  );
  const nextState: JudgeState = { intervalsJudged: interval, khis: nextKhis };
  const described = decision.outcome === 'continue' ? khis : withShiftEstimates(ruleSet, nextState, khis);
  return { state: nextState, judgement: { interval, khis: described, score: score.value, decision } };
}

/** Intervals in which every critical KHI (every KHI if none is critical) had data in both groups. */
function intervalsWithData(ruleSet: RuleSet, khis: Readonly<Record<string, KhiState>>): number {
  const critical = ruleSet.khis.filter((khi) => khi.critical);
  const counted = critical.length > 0 ? critical : ruleSet.khis;
  return Math.min(...counted.map((khi) => khis[khi.name]?.intervalsWithData ?? 0));
}
