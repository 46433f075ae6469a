/**
 * Records a probe's steps: each declared step's duration and failure, which step is running (a
 * timed-out journey names it), and misuse of the contract (an undeclared or repeated step).
 */
import type { StepFn } from './probe.js';
import type { StepResult } from './journey-result.js';

export interface StepRecorder {
  readonly step: StepFn;
  /** Every declared step in order; those never started are `skipped`. */
  results(): StepResult[];
  /** The step running now, if any. */
  readonly running: string | undefined;
  /** The first step that failed, with its error. */
  readonly firstFailure: { readonly step: string; readonly error: unknown } | undefined;
  /** Contract misuse, e.g. `step "pay" is not declared in steps (browse, checkout)`. */
  readonly misuse: string | undefined;
}

export interface StepRecorderOptions {
  /** Milliseconds from a monotonic clock (performance.now in production). */
  readonly clock: () => number;
  /** Called once when a step fails, before the error reaches the probe (e.g. a screenshot). */
  readonly onFirstFailure?: (step: string, error: unknown) => Promise<void>;
}

/** Creates a recorder for a probe's declared `steps`. */
export function createStepRecorder(steps: readonly string[], options: StepRecorderOptions): StepRecorder {
  const started = new Set<string>();
  const records = new Map<string, StepResult>();
  let running: string | undefined;
  let firstFailure: { step: string; error: unknown } | undefined;
  let misuse: string | undefined;
  const step: StepFn = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
    if (!steps.includes(name)) {
      misuse ??= `step ${JSON.stringify(name)} is not declared in steps (${steps.join(', ')})`;
      throw new Error(misuse);
    }
    if (started.has(name)) {
      misuse ??= `step ${JSON.stringify(name)} ran more than once`;
      throw new Error(misuse);
    }
    started.add(name);
    running = name;
    const startedMs = options.clock();
    try {
      const value = await action();
      records.set(name, { name, status: 'passed', durationMs: roundMs(options.clock() - startedMs) });
      return value;
    } catch (error) {
      records.set(name, {
        name,
        status: 'failed',
        durationMs: roundMs(options.clock() - startedMs),
        error: describeError(error),
      });
      if (firstFailure === undefined) {
        firstFailure = { step: name, error };
        await options.onFirstFailure?.(name, error);
      }
      throw error;
    } finally {
      if (running === name) running = undefined;
    }
  };
  return {
    step,
    results: () =>
      steps.map(
        (name): StepResult =>
          records.get(name) ??
          // Started but unfinished when the results are taken: the journey timed out in it.
          (started.has(name) ? { name, status: 'timed-out' } : { name, status: 'skipped' }),
      ),
    get running() {
      return running;
    },
    get firstFailure() {
      return firstFailure;
    },
    get misuse() {
      return misuse;
    },
  };
}

/** An error's first line (Playwright appends its call log below), at most 500 characters. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n')[0] ?? text;
  return firstLine.length > 500 ? `${firstLine.slice(0, 497)}...` : firstLine;
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
