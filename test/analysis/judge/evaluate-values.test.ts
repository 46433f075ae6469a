import { describe, expect, it } from 'vitest';
import { initialJudgeState, judgeInterval } from '../../../src/analysis/judge/judge-interval.js';
import { zFromOneSidedPValue } from '../../../src/analysis/judge/sequential-looks.js';
import { hodgesLehmannShift } from '../../../src/analysis/statistics/hodges-lehmann.js';
import { mannWhitneyU } from '../../../src/analysis/statistics/mann-whitney.js';
import { percentile } from '../../../src/analysis/statistics/percentiles.js';
import { interval, spread, testRuleSet } from './rule-set-fixtures.js';

// The distribution path sorts each group once and runs the tests on the sorted samples; these
// check it against the plain functions on the values.

const canary = spread(0.1, 300, 3).map((v, i) => v * (1 + 0.03 * Math.sin(i)));
const baseline = spread(0.1, 280, 5);

function judgeLatency(latency: Record<string, unknown>, canaryValues = canary) {
  const ruleSet = testRuleSet({ khis: { latency } });
  const observations = interval({
    latency: { canary: { values: canaryValues }, baseline: { values: baseline } },
  });
  const { state, judgement } = judgeInterval(ruleSet, initialJudgeState(ruleSet), observations);
  const result = judgement.khis.find((k) => k.name === 'latency');
  if (result === undefined) throw new Error('no latency result');
  return { result, history: state.khis['latency']?.sequential.zHistory, judgement };
}

function shifted(values: number[], relative: number, sign: 1 | -1): number[] {
  return values.map((v) => v + sign * Math.abs(v) * relative);
}

describe('evaluateValues with Mann-Whitney on sorted samples', () => {
  it.each([0.05, 1.5])('gives the p-values of mannWhitneyU on the values (tolerance %d)', (relative) => {
    const { result, history } = judgeLatency({ direction: 'either', tolerance: { relative } });
    expect(result.pValue).toBe(mannWhitneyU(canary, baseline).pValue);
    const up = mannWhitneyU(canary, shifted(baseline, relative, 1), { alternative: 'greater' }).pValue;
    const down = mannWhitneyU(canary, shifted(baseline, relative, -1), { alternative: 'less' }).pValue;
    expect(history?.increase).toEqual([zFromOneSidedPValue(up)]);
    expect(history?.decrease).toEqual([zFromOneSidedPValue(down)]);
    expect(result.effect.canary).toBe(percentile(canary, 50));
    expect(result.effect.baseline).toBe(percentile(baseline, 50));
  });

  it('describes a decided KHI by the Hodges-Lehmann shift of the same samples', () => {
    const slower = canary.map((v) => v * 1.5);
    const { result, judgement } = judgeLatency({ tolerance: { relative: 0.05 } }, slower);
    expect(judgement.decision.outcome).toBe('rollback');
    const shift = hodgesLehmannShift(slower, baseline);
    expect(result.effect).toMatchObject({
      differenceMethod: 'hodges-lehmann',
      difference: shift.estimate,
      lower: shift.lower,
      upper: shift.upper,
    });
  });

  it('reports which shifted baseline value overflows, as mannWhitneyU does', () => {
    const huge = Array.from({ length: 20 }, (_, i) => 1e308 + i * 1e292);
    const ruleSet = testRuleSet({ khis: { latency: { tolerance: { relative: 1 } } } });
    const observations = interval({ latency: { canary: { values: huge }, baseline: { values: huge } } });
    const { judgement } = judgeInterval(ruleSet, initialJudgeState(ruleSet), observations);
    const result = judgement.khis.find((k) => k.name === 'latency');
    expect(result?.classification).toBe('error');
    expect(result?.reason).toMatch(/mannWhitneyU: y\[0\] is not a finite number \(Infinity\)/);
  });
});
