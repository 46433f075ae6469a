/**
 * Journeys as BullMQ jobs, so every daemon on the same Redis shares the browser work: the step that
 * needs journeys enqueues one job per run and waits for the results; each daemon's journey worker
 * runs jobs through its own browser at its own concurrency. A run whose job fails or does not
 * finish in time comes back as an `error` result (never a pass), so a lost worker cannot stall or
 * promote a verification.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { validateAgainstSchema } from '../config/schema-validation.js';
import { JOURNEY_OUTCOMES, unrunJourneyResult, type JourneyResult } from '../journeys/journey-result.js';
import type { JourneyBatch, JourneyDispatch } from '../verification/gather-journeys.js';

export const JOURNEY_QUEUE_NAME = 'vigil-journeys';
const JOURNEY_JOB_NAME = 'journey';

/** One run of a probe; validated when a worker takes it. */
export const JourneyJobSchema = Type.Object(
  {
    probe: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    baseUrl: Type.String({ pattern: '^https?://' }),
    allowedOrigins: Type.Array(Type.String({ pattern: '^https?://' }), { maxItems: 16 }),
    evidence: Type.Object(
      {
        verificationId: Type.String({ minLength: 1, maxLength: 200 }),
        pathPrefix: Type.String({ minLength: 1, maxLength: 300 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type JourneyJob = Static<typeof JourneyJobSchema>;

export interface QueuedJourneyDispatch extends JourneyDispatch {
  close(): Promise<void>;
}

export interface QueuedJourneyDispatchOptions {
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  /** How long a run may wait for a worker and run, in all (default 180 s). */
  readonly runTimeoutMs?: number;
  readonly now?: () => number;
}

/** A JourneyDispatch that enqueues one job per run and waits for every result. */
export function createQueuedJourneyDispatch(options: QueuedJourneyDispatchOptions): QueuedJourneyDispatch {
  const queue = new Queue<JourneyJob, JourneyResult>(JOURNEY_QUEUE_NAME, {
    connection: options.connection,
    prefix: options.prefix,
  });
  const events = new QueueEvents(JOURNEY_QUEUE_NAME, {
    connection: options.connection,
    prefix: options.prefix,
  });
  // Every run in flight waits on these emitters (BullMQ adds a listener per waiting job).
  queue.setMaxListeners(1000);
  events.setMaxListeners(1000);
  const timeoutMs = options.runTimeoutMs ?? 180_000;
  const now = options.now ?? Date.now;
  return {
    async runJourneys(batch: JourneyBatch): Promise<readonly JourneyResult[]> {
      await events.waitUntilReady();
      const jobs = await queue.addBulk(
        Array.from({ length: batch.runs }, (_, run) => ({
          name: JOURNEY_JOB_NAME,
          data: {
            probe: batch.probe,
            baseUrl: batch.baseUrl,
            allowedOrigins: [...batch.allowedOrigins],
            evidence: {
              verificationId: batch.evidence.verificationId,
              pathPrefix:
                batch.runs === 1 ? batch.evidence.pathPrefix : `${batch.evidence.pathPrefix}-${run + 1}`,
            },
          },
          opts: { removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } },
        })),
      );
      return Promise.all(
        jobs.map(async (job) => {
          try {
            return checkedResult(await job.waitUntilFinished(events, timeoutMs));
          } catch (error) {
            const reason = `journey job ${job.id ?? '?'} did not finish: ${(error as Error).message}`;
            return unrunJourneyResult(
              { name: batch.probe },
              batch.baseUrl,
              reason,
              new Date(now()).toISOString(),
            );
          }
        }),
      );
    },
    async close() {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

export interface JourneyWorkerOptions {
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  readonly concurrency: number;
  readonly logger: Logger;
  /** Runs the job's one journey in this process (local-journey-dispatch.ts). */
  readonly local: JourneyDispatch;
}

/** Starts this daemon's worker on the journey queue. */
export function startJourneyWorker(options: JourneyWorkerOptions): Worker<JourneyJob, JourneyResult> {
  const worker = new Worker<JourneyJob, JourneyResult>(
    JOURNEY_QUEUE_NAME,
    async (job) => {
      const validated = validateAgainstSchema(JourneyJobSchema, job.data);
      if (!validated.ok) {
        throw new UnrecoverableError(
          `malformed journey job ${job.id ?? '?'}: ${validated.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        );
      }
      const [result] = await options.local.runJourneys({ ...validated.value, runs: 1 });
      if (result === undefined) throw new Error('the journey runner returned no result');
      return result;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency },
  );
  worker.on('failed', (job, error) =>
    options.logger.warn({ jobId: job?.id, probe: job?.data.probe, err: error }, 'journey job failed'),
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'journey worker error'));
  return worker;
}

/** A worker's answer read back from Redis: trusted only in shape. */
function checkedResult(value: unknown): JourneyResult {
  const result = value as Partial<JourneyResult> | null;
  if (
    result === null ||
    typeof result !== 'object' ||
    !JOURNEY_OUTCOMES.includes(result.outcome as JourneyResult['outcome']) ||
    typeof result.reason !== 'string' ||
    !Array.isArray(result.steps) ||
    !Array.isArray(result.artifacts)
  ) {
    throw new Error('the worker answered with something that is not a journey result');
  }
  return result as JourneyResult;
}
