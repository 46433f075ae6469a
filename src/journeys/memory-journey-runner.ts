/**
 * The journey runner without a browser, for component tests: answers each request with the result
 * `respond` returns for it (a pass with every step passed by default) and records the requests.
 */
import type { JourneyResult } from './journey-result.js';
import type { JourneyRequest, JourneyRunner } from './journey-runner.js';

export interface MemoryJourneyRunner extends JourneyRunner {
  /** Every request run so far, in order. */
  readonly requests: readonly JourneyRequest[];
}

/** Creates a runner whose answers come from `respond`. */
export function createMemoryJourneyRunner(
  respond: (request: JourneyRequest) => Partial<JourneyResult> = () => ({}),
): MemoryJourneyRunner {
  const requests: JourneyRequest[] = [];
  let closed = false;
  return {
    requests,
    run(request) {
      if (closed) return Promise.reject(new Error('memory journey runner: closed'));
      requests.push(request);
      const result: JourneyResult = {
        probe: request.probe.name,
        baseUrl: request.baseUrl,
        outcome: 'pass',
        reason: `all ${request.probe.steps.length} step(s) passed in 0 ms`,
        startedAt: new Date(0).toISOString(),
        durationMs: 0,
        steps: request.probe.steps.map((name) => ({ name, status: 'passed', durationMs: 0 })),
        consoleErrors: [],
        failedRequests: [],
        blockedHosts: [],
        artifacts: [],
        ...respond(request),
      };
      return Promise.resolve(result);
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
