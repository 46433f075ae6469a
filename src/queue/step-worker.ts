/**
 * A thin BullMQ worker: validate the job, run the verification's due steps. Transient errors
 * (Redis, a thrown step) are rethrown for BullMQ's retry; a malformed job is unrecoverable.
 */
import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { validateAgainstSchema } from '../config/schema-validation.js';
import type { StepOutcome } from '../verification/run-step.js';
import { STEP_QUEUE_NAME, StepJobSchema, type StepJob } from './step-job.js';

export interface StepWorkerOptions {
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  readonly concurrency: number;
  readonly logger: Logger;
  readonly runDueSteps: (deploymentId: string) => Promise<StepOutcome>;
}

/** Starts a worker on the step queue. */
export function startStepWorker(options: StepWorkerOptions): Worker<StepJob, StepOutcome> {
  const worker = new Worker<StepJob, StepOutcome>(
    STEP_QUEUE_NAME,
    async (job) => {
      const validated = validateAgainstSchema(StepJobSchema, job.data);
      if (!validated.ok) {
        throw new UnrecoverableError(
          `malformed step job ${job.id ?? '?'}: ${validated.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        );
      }
      return options.runDueSteps(validated.value.deploymentId);
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency },
  );
  worker.on('failed', (job, error) => {
    options.logger.warn(
      { jobId: job?.id, deploymentId: job?.data.deploymentId, err: error },
      'step job failed',
    );
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'step worker error'));
  return worker;
}
