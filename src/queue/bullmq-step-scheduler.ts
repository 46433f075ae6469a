/**
 * StepScheduler on BullMQ job schedulers (BullMQ 6: `upsertJobScheduler`, not `add(..., {repeat})`).
 * The schedule lives in Redis, so a restarted daemon — or any other daemon on the same Redis —
 * picks the steps up.
 */
import type { Queue } from 'bullmq';
import type { StepScheduler } from '../verification/step-scheduler.js';
import { STEP_JOB_NAME, schedulerIdOf, type StepJob } from './step-job.js';

/** Schedules steps as BullMQ jobs on `queue`. */
export function createBullmqStepScheduler(queue: Queue<StepJob>): StepScheduler {
  return {
    async schedule(deploymentId, intervalSeconds, firstDueMs) {
      await queue.upsertJobScheduler(
        schedulerIdOf(deploymentId),
        { every: Math.max(1000, Math.round(intervalSeconds * 1000)), startDate: new Date(firstDueMs) },
        {
          name: STEP_JOB_NAME,
          data: { deploymentId },
          opts: {
            attempts: 3,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: 1000,
            removeOnFail: 5000,
          },
        },
      );
    },
    async cancel(deploymentId) {
      await queue.removeJobScheduler(schedulerIdOf(deploymentId));
    },
  };
}
