/**
 * Rings and phased rollouts: a marker may declare phases (name, traffic share), in order. The
 * marker's own verification judges the first phase; each next phase is a verification of its own
 * (`<id>.phase.<name>`, the same marker with the phase's start time), started on request only
 * once the phase before it was promoted — so no phase can be promoted before the one before it.
 */
import type { ValidationIssue } from '../config/schema-validation.js';
import type { DeploymentMarker } from './deployment-marker-schema.js';

export type Phase = NonNullable<DeploymentMarker['phases']>[number];

/** What names a later phase's verification: `<id>.phase.<name>`; markers may not use it. */
export const PHASE_ID_INFIX = '.phase.';

/** The id of a phase's verification (the first phase is the deployment itself). */
export function phaseDeploymentId(deploymentId: string, phases: readonly Phase[], phase: string): string {
  return phases[0]?.name === phase ? deploymentId : `${deploymentId}${PHASE_ID_INFIX}${phase}`;
}

/** Problems with a marker's phases: repeated names, shares that shrink. */
export function phaseIssues(marker: DeploymentMarker): ValidationIssue[] {
  const phases = marker.phases ?? [];
  const issues: ValidationIssue[] = [];
  phases.forEach((phase, index) => {
    const first = phases.findIndex((other) => other.name === phase.name);
    if (first !== index)
      issues.push({
        path: `phases[${index}].name`,
        message: `repeats phases[${first}].name "${phase.name}"`,
      });
    const previous = phases[index - 1];
    if (previous !== undefined && phase.trafficShare < previous.trafficShare)
      issues.push({
        path: `phases[${index}].trafficShare`,
        message: `must be at least the previous phase's (${previous.trafficShare}): a ring reaches more traffic, not less`,
      });
  });
  const longest = Math.max(0, ...phases.map((phase) => phase.name.length));
  if (marker.id !== undefined && `${marker.id}.phase.`.length + longest > 128)
    issues.push({
      path: 'id',
      message: 'is too long to name its phases (<id>.phase.<name> must fit 128 characters)',
    });
  return issues;
}

/** The marker of phase `index` (≥ 1), started at `startedAt`. */
export function phaseMarker(
  parent: DeploymentMarker & { id: string },
  index: number,
  startedAt: string,
): DeploymentMarker {
  const phases = parent.phases ?? [];
  const phase = phases[index] as Phase;
  const { phases: _, ...rest } = parent;
  return {
    ...rest,
    id: phaseDeploymentId(parent.id, phases, phase.name),
    startedAt,
    metadata: { ...parent.metadata, phase: phase.name, trafficShare: phase.trafficShare, phaseOf: parent.id },
  };
}
