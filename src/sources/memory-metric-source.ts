/**
 * In-memory MetricSource for component tests and replays: observations come from a function of
 * the request, and failures can be switched on.
 */
import type { Observation } from '../analysis/observations.js';
import type { MetricSource, ObservationRequest, ObservationResult } from './metric-source.js';

/** What to answer for a request: an observation, no data (undefined), or an error. */
export type MemoryAnswer = Observation | undefined | { readonly error: string };

/** A MetricSource answering from `answer`; records every request it was asked. */
export function createMemoryMetricSource(
  answer: (request: ObservationRequest) => MemoryAnswer,
): MetricSource & {
  readonly requests: ObservationRequest[];
} {
  const requests: ObservationRequest[] = [];
  return {
    requests,
    observe(request): Promise<ObservationResult> {
      requests.push(request);
      const result = answer(request);
      const query = {
        query: `${request.khi.name}/${request.group}`,
        endpoint: 'memory',
        params: {},
        durationMs: 0,
      };
      if (result !== undefined && 'error' in result) {
        return Promise.resolve({
          ok: false,
          error: result.error,
          queries: [{ ...query, error: result.error }],
        });
      }
      return Promise.resolve({ ok: true, observation: result, queries: [{ ...query, response: result }] });
    },
    isReady: () => Promise.resolve(true),
  };
}
