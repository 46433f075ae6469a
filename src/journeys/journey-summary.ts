/**
 * What a batch of journeys (one probe, one group, one interval) adds up to, in the shapes the
 * analysis takes: a success ratio and step durations. Errors are counted apart, never as passes
 * or failures: a journey that could not judge the application says nothing about it.
 */
import type { JourneyResult } from './journey-result.js';

export interface JourneySummary {
  readonly runs: number;
  readonly passed: number;
  readonly failed: number;
  /** Journeys that could not judge (broken probe, timeout, blocked host, browser failure). */
  readonly errors: number;
  /** Milliseconds of each passed step, by step name, over the journeys that ran it. */
  readonly stepDurationsMs: Readonly<Record<string, readonly number[]>>;
  /** Total milliseconds of each passing journey. */
  readonly passingDurationsMs: readonly number[];
}

/** Sums up `results`; pure. */
export function summarizeJourneys(results: readonly JourneyResult[]): JourneySummary {
  const stepDurationsMs: Record<string, number[]> = {};
  const passingDurationsMs: number[] = [];
  let passed = 0;
  let failed = 0;
  let errors = 0;
  for (const result of results) {
    if (result.outcome === 'pass') {
      passed += 1;
      passingDurationsMs.push(result.durationMs);
    } else if (result.outcome === 'fail') failed += 1;
    else errors += 1;
    // An errored journey's timings are the probe's or the browser's trouble, not the application's.
    if (result.outcome === 'error') continue;
    for (const step of result.steps)
      if (step.status === 'passed' && step.durationMs !== undefined)
        (stepDurationsMs[step.name] ??= []).push(step.durationMs);
  }
  return { runs: results.length, passed, failed, errors, stepDurationsMs, passingDurationsMs };
}
