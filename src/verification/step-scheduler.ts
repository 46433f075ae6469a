/**
 * Port: something that runs a verification's steps once per interval until it is decided.
 * BullMQ in the daemon (queue/bullmq-step-scheduler.ts); tests drive steps by hand.
 */
export interface StepScheduler {
  /** Starts (or, idempotently, keeps) stepping `deploymentId` every `intervalSeconds` from `firstDueMs`. */
  schedule(deploymentId: string, intervalSeconds: number, firstDueMs: number): Promise<void>;
  /** Stops stepping `deploymentId`. */
  cancel(deploymentId: string): Promise<void>;
}
