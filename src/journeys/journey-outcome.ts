/**
 * Decides a journey's outcome from what happened, worst first: a browser failure, a blocked host,
 * misuse of `step`, a timeout or an error outside any step make it an `error` (the journey could
 * not judge the application); a failed step makes it a `fail`; only a journey whose every declared
 * step passed is a `pass`. Pure: the runner gathers the facts, this names them.
 */
import type { JourneyOutcome, StepResult } from './journey-result.js';
import { describeError } from './step-recorder.js';

/** How the probe's `run` ended. */
export type RunSettlement =
  | { readonly kind: 'resolved' }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timed-out' };

export interface JourneyFacts {
  readonly settlement: RunSettlement;
  readonly timeoutMs: number;
  readonly steps: readonly StepResult[];
  /** The step running when the timeout struck. */
  readonly runningStep: string | undefined;
  readonly firstFailure: { readonly step: string; readonly error: unknown } | undefined;
  readonly stepMisuse: string | undefined;
  readonly blockedHosts: readonly string[];
  readonly allowedHosts: readonly string[];
  readonly browserDisconnected: boolean;
  /** Uncaught page errors and console errors: they often say why a step failed. */
  readonly consoleErrors: readonly string[];
  readonly durationMs: number;
}

export interface JourneyVerdict {
  readonly outcome: JourneyOutcome;
  readonly reason: string;
  readonly failedStep?: string;
}

/** The outcome and a one-sentence reason. */
export function decideJourneyOutcome(facts: JourneyFacts): JourneyVerdict {
  if (facts.browserDisconnected)
    return {
      outcome: 'error',
      reason:
        'Chromium disconnected during the journey (crashed or was killed); a new one is started for the next journey',
    };
  if (facts.blockedHosts.length > 0)
    return {
      outcome: 'error',
      reason: `the journey tried to reach ${facts.blockedHosts.join(', ')}, outside the allowed hosts (${facts.allowedHosts.join(', ')}); those requests were blocked`,
    };
  if (facts.stepMisuse !== undefined)
    return { outcome: 'error', reason: `the probe misuses step(): ${facts.stepMisuse}` };
  if (facts.settlement.kind === 'timed-out')
    return {
      outcome: 'error',
      reason: `did not finish within its timeoutMs of ${facts.timeoutMs} ms (${
        facts.runningStep === undefined ? 'outside any step' : `in step ${JSON.stringify(facts.runningStep)}`
      }); its page was closed`,
    };
  if (facts.firstFailure !== undefined) {
    const pageErrors =
      facts.consoleErrors.length === 0
        ? ''
        : `; the page reported: ${facts.consoleErrors.slice(0, 2).join(' | ')}`;
    return {
      outcome: 'fail',
      reason: `step ${JSON.stringify(facts.firstFailure.step)} failed: ${describeError(facts.firstFailure.error)}${pageErrors}`,
      failedStep: facts.firstFailure.step,
    };
  }
  if (facts.settlement.kind === 'threw')
    return {
      outcome: 'error',
      reason: `the probe threw outside a step: ${describeError(facts.settlement.error)}`,
    };
  const notRun = facts.steps.filter((step) => step.status !== 'passed').map((step) => step.name);
  if (notRun.length > 0)
    return {
      outcome: 'error',
      reason: `the probe finished without running step(s) ${notRun.map((name) => JSON.stringify(name)).join(', ')}; every declared step must run`,
    };
  return {
    outcome: 'pass',
    reason: `all ${facts.steps.length} step(s) passed in ${Math.round(facts.durationMs)} ms`,
  };
}
