import type { StepScheduler } from './step-scheduler.js';

/** In-memory StepScheduler for component tests: records what is scheduled; tests run steps by hand. */
export function createMemoryStepScheduler(): StepScheduler & {
  readonly scheduled: Map<string, { intervalSeconds: number; firstDueMs: number }>;
} {
  const scheduled = new Map<string, { intervalSeconds: number; firstDueMs: number }>();
  return {
    scheduled,
    schedule(deploymentId, intervalSeconds, firstDueMs) {
      scheduled.set(deploymentId, { intervalSeconds, firstDueMs });
      return Promise.resolve();
    },
    cancel(deploymentId) {
      scheduled.delete(deploymentId);
      return Promise.resolve();
    },
  };
}
