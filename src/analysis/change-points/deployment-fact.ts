/**
 * What the correlation core knows of a deployment: who, when, and what its own verification said.
 * Filled by the caller from the verification store; checked here because a wrong fact would blame
 * the wrong release.
 */
import { CorrelationInputError } from './correlation-input-error.js';

export type DeploymentOutcome = 'promote' | 'rollback' | 'inconclusive' | 'aborted';

export const DEPLOYMENT_OUTCOMES: readonly DeploymentOutcome[] = [
  'promote',
  'rollback',
  'inconclusive',
  'aborted',
];

/** The deployment's own verdict and the KHIs that failed in it (empty when none did). */
export interface DeploymentVerdictFact {
  readonly outcome: DeploymentOutcome;
  readonly failedKhis: readonly string[];
}

/** One deployment; `startedAtMs` is when its rollout started (epoch ms). */
export interface DeploymentFact {
  readonly id: string;
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly startedAtMs: number;
  /** Absent when Vigil did not verify it (or has not decided yet). */
  readonly verdict?: DeploymentVerdictFact;
}

/** Throws a `CorrelationInputError` naming the first malformed field of `deployments`. */
export function assertDeploymentFacts(deployments: readonly DeploymentFact[], operation: string): void {
  if (!isArray(deployments)) {
    throw new CorrelationInputError('deployments', `${operation}: deployments must be an array`);
  }
  deployments.forEach((deployment, i) => {
    const at = `deployments[${i}]`;
    if (typeof deployment !== 'object' || deployment === null) {
      throw new CorrelationInputError(at, `${operation}: ${at} must be an object`);
    }
    for (const key of ['id', 'service', 'environment', 'version'] as const) {
      if (typeof deployment[key] !== 'string' || deployment[key].length === 0) {
        throw new CorrelationInputError(
          `${at}.${key}`,
          `${operation}: ${at}.${key} must be a non-empty string`,
        );
      }
    }
    if (typeof deployment.startedAtMs !== 'number' || !Number.isFinite(deployment.startedAtMs)) {
      throw new CorrelationInputError(
        `${at}.startedAtMs`,
        `${operation}: ${at}.startedAtMs must be a finite time in ms, got ${String(deployment.startedAtMs)}`,
      );
    }
    const { verdict } = deployment;
    if (verdict === undefined) return;
    if (typeof verdict !== 'object' || verdict === null || !DEPLOYMENT_OUTCOMES.includes(verdict.outcome)) {
      throw new CorrelationInputError(
        `${at}.verdict.outcome`,
        `${operation}: ${at}.verdict.outcome must be one of ${DEPLOYMENT_OUTCOMES.join(', ')}`,
      );
    }
    if (
      !isArray(verdict.failedKhis) ||
      (verdict.failedKhis as readonly unknown[]).some((khi) => typeof khi !== 'string')
    ) {
      throw new CorrelationInputError(
        `${at}.verdict.failedKhis`,
        `${operation}: ${at}.verdict.failedKhis must be an array of KHI names`,
      );
    }
  });
}

/** Array check that does not widen the element type to `any`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}
