/**
 * The in-process JourneyDispatch: looks a probe up by name in the loaded catalog and runs the batch
 * through this process's JourneyRunner (which enforces its own concurrency limit). Also what the
 * BullMQ journey worker calls for each job, so the queue and a single daemon behave the same.
 */
import { basename } from 'node:path';
import type { JourneyBatch, JourneyDispatch } from '../verification/gather-journeys.js';
import type { JourneyResult } from './journey-result.js';
import { unrunJourneyResult } from './journey-result.js';
import type { JourneyRunner } from './journey-runner.js';
import type { ProbeCatalog } from './load-probe.js';

export function createLocalJourneyDispatch(
  runner: JourneyRunner,
  catalog: () => ProbeCatalog,
  now: () => number = Date.now,
): JourneyDispatch {
  return {
    async runJourneys(batch: JourneyBatch): Promise<readonly JourneyResult[]> {
      const { probes, problems } = catalog();
      const probe = probes.get(batch.probe);
      if (probe === undefined) {
        const problem = problems.find(
          (error) => basename(error.file).replace(/\.[^.]+$/, '') === batch.probe,
        );
        const reason = problem
          ? `probe ${batch.probe} cannot be used: ${problem.message}`
          : `no probe named ${batch.probe} is loaded (known: ${[...probes.keys()].join(', ') || 'none'})`;
        const startedAt = new Date(now()).toISOString();
        return Array.from({ length: batch.runs }, () =>
          unrunJourneyResult({ name: batch.probe }, batch.baseUrl, reason, startedAt),
        );
      }
      return Promise.all(
        Array.from({ length: batch.runs }, (_, run) =>
          runner.run({
            probe,
            baseUrl: batch.baseUrl,
            allowedOrigins: batch.allowedOrigins,
            evidence: {
              verificationId: batch.evidence.verificationId,
              pathPrefix:
                batch.runs === 1 ? batch.evidence.pathPrefix : `${batch.evidence.pathPrefix}-${run + 1}`,
            },
          }),
        ),
      );
    },
  };
}
