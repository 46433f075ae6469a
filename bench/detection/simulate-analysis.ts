/**
 * One simulated analysis of a scenario judged by the requested judges: the data depend only on
 * the scenario id and the analysis index, so any split of the work gives the same figures.
 */
import type { RuleSet } from '../../src/analysis/rule-set.js';
import { createRandom } from '../../src/simulation/random.js';
import { simulateSteppedIntervals } from '../../src/simulation/stepped-canary-simulator.js';
import { judgeWithKayenta, judgeWithOracle, judgeWithVigil, type AnalysisOutcome } from './judges.js';
import { kayentaRuleSet, vigilRuleSet } from './rule-sets.js';
import { INTERVALS, type Scenario } from './scenarios.js';

export const BENCH_SEED = 20_260_214;

/** `vigil`, `kayenta`, `oracle`, or `vigil:<variant>` (see RULE_SET_VARIANTS). */
export type JudgeName = string;

/** Judges one analysis; built once per worker. */
export type AnalysisJudge = (scenario: Scenario, index: number) => Record<JudgeName, AnalysisOutcome>;

/** Compiles the requested judges' rule sets once and returns a function judging one analysis. */
export function createAnalysisJudge(judges: readonly JudgeName[]): AnalysisJudge {
  const vigil = vigilRuleSet();
  const ruleSets = new Map<JudgeName, RuleSet>();
  for (const judge of judges) {
    if (judge === 'vigil') ruleSets.set(judge, vigil);
    else if (judge === 'kayenta') ruleSets.set(judge, kayentaRuleSet());
    else if (judge.startsWith('vigil:')) ruleSets.set(judge, vigilRuleSet(judge.slice('vigil:'.length)));
    else if (judge !== 'oracle') throw new Error(`unknown judge ${judge}`);
  }
  return (scenario, index) => {
    const random = createRandom(BENCH_SEED).fork(hashId(scenario.id)).fork(index);
    const intervals = simulateSteppedIntervals(scenario.release, INTERVALS, random);
    const outcomes: Record<JudgeName, AnalysisOutcome> = {};
    for (const judge of judges) {
      if (judge === 'oracle')
        outcomes[judge] = judgeWithOracle(scenario.oracle, vigil.analysis.alpha, intervals);
      else if (judge === 'kayenta')
        outcomes[judge] = judgeWithKayenta(ruleSets.get(judge) as RuleSet, intervals);
      else outcomes[judge] = judgeWithVigil(ruleSets.get(judge) as RuleSet, intervals);
    }
    return outcomes;
  };
}

/** FNV-1a of the scenario id, as a 32-bit seed. */
function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash | 0;
}
