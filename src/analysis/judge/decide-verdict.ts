/**
 * Decide: turn one interval's KHI results and score into a verdict or "keep looking".
 * Rollback as soon as a critical KHI fails or, after `minIntervals`, the score is below
 * `marginal`; promote only after `minIntervals` intervals in which every critical KHI had data,
 * with no failing KHI, every critical KHI passing on at least `minSamples`, and a score of at
 * least `pass`; at `maxIntervals`, inconclusive.
 */
import type { RuleSet } from '../rule-set.js';
import type { KhiResult } from './khi-result.js';
import type { Score } from './score.js';

export type VerdictOutcome = 'promote' | 'rollback' | 'inconclusive';

export type Decision =
  | { readonly outcome: VerdictOutcome; readonly reasons: readonly string[] }
  | { readonly outcome: 'continue'; readonly reasons: readonly string[] };

/** Below this share of KHI weight with data, a score is too thin to promote on. */
const MIN_WEIGHT_WITH_DATA = 0.5;

/** Decides after interval `interval` (1-based). */
export function decideVerdict(
  ruleSet: RuleSet,
  progress: { readonly interval: number; readonly intervalsWithData: number },
  results: readonly KhiResult[],
  score: Score,
): Decision {
  const { interval, intervalsWithData } = progress;
  const { minIntervals, maxIntervals } = ruleSet.analysis;
  const { pass, marginal } = ruleSet.scoring;
  const failingCritical = results.filter((r) => r.failed && r.critical);
  if (failingCritical.length > 0) {
    return {
      outcome: 'rollback',
      reasons: failingCritical.map((r) => `critical KHI ${r.name} failed: ${r.reason}`),
    };
  }
  const scoreText = score.value === null ? 'no score' : `score ${score.value}`;
  if (interval >= minIntervals && score.value !== null && score.value < marginal) {
    const failing = results.filter((r) => r.failed).map((r) => `${r.name}: ${r.reason}`);
    return { outcome: 'rollback', reasons: [`${scoreText} is below marginal (${marginal})`, ...failing] };
  }
  const blockers = promotionBlockers(results, score, pass);
  if (intervalsWithData >= minIntervals && blockers.length === 0) {
    return {
      outcome: 'promote',
      reasons: [`${scoreText} >= pass (${pass}) after ${interval} interval(s); no KHI failed`],
    };
  }
  if (intervalsWithData < minIntervals) {
    blockers.unshift(
      `only ${intervalsWithData} of at least ${minIntervals} interval(s) with data for every critical KHI so far`,
    );
  }
  if (interval >= maxIntervals) {
    return {
      outcome: 'inconclusive',
      reasons: [`no decision after maxIntervals (${maxIntervals})`, ...blockers],
    };
  }
  return { outcome: 'continue', reasons: blockers };
}

function promotionBlockers(results: readonly KhiResult[], score: Score, pass: number): string[] {
  const blockers: string[] = [];
  for (const result of results) {
    if (result.failed) blockers.push(`KHI ${result.name} failed: ${result.reason}`);
    else if (result.critical && result.classification !== 'pass') {
      blockers.push(`critical KHI ${result.name} is ${result.classification}: ${result.reason}`);
    }
  }
  if (score.value === null) blockers.push('no KHI had data to score');
  else if (score.value < pass) blockers.push(`score ${score.value} is below pass (${pass})`);
  if (score.value !== null && score.weightWithData < MIN_WEIGHT_WITH_DATA) {
    blockers.push(`only ${Math.round(score.weightWithData * 100)}% of the KHI weight had enough data`);
  }
  return blockers;
}
