/** What one run of a probe yields: its outcome, each step's timing, and the evidence kept. */
import type { ArtifactRef } from '../store/artifacts/artifact-store.js';

/**
 * - `pass`: every declared step ran and passed.
 * - `fail`: a step failed: the application did not do what the journey expects.
 * - `error`: the journey could not judge the application: the probe is broken (does not compile,
 *   throws at import or outside a step, misuses `step`), never finished within its `timeoutMs`,
 *   reached for a host outside the allowed ones, or the browser failed. Never a pass.
 */
export type JourneyOutcome = 'pass' | 'fail' | 'error';

export const JOURNEY_OUTCOMES: readonly JourneyOutcome[] = ['pass', 'fail', 'error'];

export interface StepResult {
  readonly name: string;
  /** `timed-out`: the step was running when the journey's timeout struck. */
  readonly status: 'passed' | 'failed' | 'skipped' | 'timed-out';
  /** For `passed` and `failed`, in milliseconds. */
  readonly durationMs?: number;
  /** For `failed`: the error's first line. */
  readonly error?: string;
}

/** A request that did not get a successful answer: a network failure or an HTTP status ≥ 400. */
export interface FailedRequest {
  readonly method: string;
  readonly url: string;
  /** e.g. `net::ERR_CONNECTION_REFUSED`, or `HTTP 500`. */
  readonly failure: string;
}

export interface JourneyResult {
  readonly probe: string;
  /** SHA-256 of the probe's source, when it was loaded from a file. */
  readonly probeSha256?: string;
  readonly baseUrl: string;
  readonly outcome: JourneyOutcome;
  /** Why, in a sentence: `step "check out" failed: ...`, `did not finish within 15000 ms ...`. */
  readonly reason: string;
  /** For `fail`: the step that failed. */
  readonly failedStep?: string;
  /** ISO-8601. */
  readonly startedAt: string;
  /** Wall time of the journey itself (not the evidence kept after it), in milliseconds. */
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
  /** Console errors and uncaught page errors, in order, at most 50. */
  readonly consoleErrors: readonly string[];
  /** At most 50. */
  readonly failedRequests: readonly FailedRequest[];
  /** Hosts the browser was stopped from reaching. */
  readonly blockedHosts: readonly string[];
  /** Evidence stored for this journey (empty when none was kept). */
  readonly artifacts: readonly ArtifactRef[];
}

/**
 * The result of a journey that could not run at all (its probe failed to load, Chromium would not
 * start): an `error` with every step skipped. Callers with a ProbeError use its message as reason.
 */
export function unrunJourneyResult(
  probe: { readonly name: string; readonly steps?: readonly string[] },
  baseUrl: string,
  reason: string,
  startedAt: string,
): JourneyResult {
  return {
    probe: probe.name,
    baseUrl,
    outcome: 'error',
    reason,
    startedAt,
    durationMs: 0,
    steps: (probe.steps ?? []).map((name) => ({ name, status: 'skipped' })),
    consoleErrors: [],
    failedRequests: [],
    blockedHosts: [],
    artifacts: [],
  };
}
