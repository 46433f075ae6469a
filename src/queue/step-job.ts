/** The step queue's name and job payload; payloads are validated when a worker takes them. */
import { Type, type Static } from '@sinclair/typebox';
import { DEPLOYMENT_ID_PATTERN } from '../ingest/deployment-marker-schema.js';

export const STEP_QUEUE_NAME = 'vigil-steps';
export const STEP_JOB_NAME = 'step';

export const StepJobSchema = Type.Object(
  { deploymentId: Type.String({ pattern: DEPLOYMENT_ID_PATTERN }) },
  { additionalProperties: false },
);
export type StepJob = Static<typeof StepJobSchema>;

/** The job scheduler id of a verification. */
export function schedulerIdOf(deploymentId: string): string {
  return `verification:${deploymentId}`;
}
