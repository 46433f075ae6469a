import type { ReplayResult } from '../analysis/judge/replay.js';

/** The `vigil judge` JSON output for one scenario (the same shape the verdict endpoint uses for khis). */
export function verdictJson(scenario: string, result: ReplayResult): Record<string, unknown> {
  return {
    scenario,
    verdict: result.verdict,
    decidedAtInterval: result.decidedAtInterval,
    score: result.score,
    khis: result.khis,
    reasons: result.reasons,
  };
}
