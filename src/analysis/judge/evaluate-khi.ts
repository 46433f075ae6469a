/**
 * Test one KHI: accumulate the interval, then run the KHI's test on everything so far.
 */
import type { KhiObservations } from '../observations.js';
import type { KhiRule } from '../rule-set.js';
import { accumulateInterval } from './accumulate.js';
import type { EvaluationContext } from './evaluation-context.js';
import { evaluateKayenta } from './evaluate-kayenta.js';
import { evaluateRatio } from './evaluate-ratio.js';
import { evaluateValues } from './evaluate-values.js';
import type { KhiState } from './judge-state.js';
import type { KhiEvaluation } from './khi-evaluation.js';

export type { KhiEvaluation } from './khi-evaluation.js';

/** Accumulates `observations` into `previous` and evaluates the KHI. */
export function evaluateKhi(
  rule: KhiRule,
  previous: KhiState,
  observations: KhiObservations | undefined,
  context: EvaluationContext,
): KhiEvaluation {
  const state = accumulateInterval(rule, previous, observations);
  if (state.dataError !== undefined) {
    return {
      rule,
      state,
      status: 'error',
      enoughSamples: false,
      hypotheses: hypothesisSidesOf(rule).map((side) => ({
        side,
        sequentialPValue: 1,
        practicallySignificant: false,
      })),
      test: rule.test,
      effect: {},
      summary: `bad data: ${state.dataError}`,
    };
  }
  if (rule.test === 'kayenta') return evaluateKayenta(rule, state, context.interval);
  if (rule.kind === 'ratio') return evaluateRatio(rule, state, observations, context);
  return evaluateValues(rule, state, context);
}

/** The hypotheses a KHI contributes to the rule set's family: its direction, and each SLO bound. */
export function hypothesisSidesOf(
  rule: KhiRule,
): ('increase' | 'decrease' | 'either' | 'slo-max' | 'slo-min')[] {
  if (rule.test === 'kayenta') return [];
  return [
    rule.direction,
    ...(rule.slo?.max !== undefined ? (['slo-max'] as const) : []),
    ...(rule.slo?.min !== undefined ? (['slo-min'] as const) : []),
  ];
}
