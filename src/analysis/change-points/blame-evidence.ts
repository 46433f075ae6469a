/**
 * The evidence for blaming a deployment for a KHI's change point (or an alert), each item weighted;
 * a deployment's score is the sum of its items' weights.
 * Source: the blame factors of Gandalf (Li et al. 2020, "Gandalf: An Intelligent, End-To-End
 * Analytics Service for Safe Deployment in Cloud-Scale Infrastructure", NSDI '20): temporal
 * correlation of the deployment with the failure, its scope (the same component or one it depends
 * on) and the deployment's own health signals. The weights are ours (docs/correlation.md).
 */
import type { BlameWindow } from './blame-window.js';
import type { ChangePoint } from './detect-change-points.js';
import type { DeploymentFact, DeploymentVerdictFact } from './deployment-fact.js';
import { describeLevels, describeMove, formatGap } from './describe-change.js';

export type BlameFactor =
  'same-service' | 'dependency' | 'time-gap' | 'khis-moved' | 'own-verdict' | 'after-change';

/** One reason for (positive weight) or against (negative) blaming a deployment. */
export interface BlameEvidence {
  readonly factor: BlameFactor;
  readonly weight: number;
  readonly detail: string;
}

/**
 * The weights. Chosen so that, all else equal, the same service outranks a dependency, a closer
 * deployment a farther one, and a failed own verification a passed one; and so that service and
 * time alone never put a dependency above a same-service deployment (2 − 1 ≥ the whole time-gap
 * range), while a verification that failed on the very KHI can.
 */
export const BLAME_WEIGHTS = Object.freeze({
  sameService: 2,
  dependency: 1,
  /** Times (1 − gap/window.beforeMs): 1 when deployed at the change, 0 at the window's far edge. */
  timeGap: 1,
  /** Started after the change (clock skew only): −1, down to −1.5 at the allowance's edge. */
  afterChange: -1,
  afterChangeLateness: -0.5,
  /** Own verification failed on the KHI that moved, and rolled back / with another outcome. */
  rolledBackOnKhi: 1.5,
  failedOnKhi: 1,
  /** Own verification rolled back, but on other KHIs. */
  rolledBackOnOther: 0.5,
  /** For an alert (no KHI to match): own verification rolled back / flagged KHIs but did not. */
  rolledBackForAlert: 1,
  flaggedForAlert: 0.5,
  /** Own verification promoted it without failing the KHI: it looked healthy. */
  promoted: -0.5,
  /** Per other KHI of the service that also moved badly in the deployment's window, at most 3. */
  otherKhiMoved: 0.25,
  otherKhisCounted: 3,
});

/** How the deployment relates to the service whose KHI moved. */
export type ServiceRelation = 'same-service' | 'dependency';

/** The service item; undefined when the service is unknown (an alert without a service label). */
export function serviceEvidence(
  deployment: DeploymentFact,
  relation: ServiceRelation | undefined,
  service: string | undefined,
): BlameEvidence | undefined {
  if (relation === undefined || service === undefined) return undefined;
  return relation === 'same-service'
    ? { factor: 'same-service', weight: BLAME_WEIGHTS.sameService, detail: `deployed to ${service} itself` }
    : {
        factor: 'dependency',
        weight: BLAME_WEIGHTS.dependency,
        detail: `${deployment.service} is a dependency of ${service}`,
      };
}

/**
 * The time item: `time-gap` for a deployment that started before (or at) the event, `after-change`
 * for one that started after it, within the clock-skew allowance. `gapMs` = event − start.
 */
export function timingEvidence(gapMs: number, window: BlameWindow, event: string): BlameEvidence {
  if (gapMs >= 0) {
    const closeness = window.beforeMs === 0 ? 1 : 1 - gapMs / window.beforeMs;
    return {
      factor: 'time-gap',
      weight: BLAME_WEIGHTS.timeGap * closeness,
      detail: `started ${formatGap(gapMs)} before ${event} (window ${formatGap(window.beforeMs)})`,
    };
  }
  const lateness = window.afterMs === 0 ? 1 : -gapMs / window.afterMs;
  return {
    factor: 'after-change',
    weight: BLAME_WEIGHTS.afterChange + BLAME_WEIGHTS.afterChangeLateness * lateness,
    detail: `started ${formatGap(gapMs)} after ${event}; counted only because clocks may disagree by up to ${formatGap(window.afterMs)}`,
  };
}

/** The own-verdict item and the clause the explanation ends with (undefined: say nothing). */
export interface VerdictReading {
  readonly evidence: BlameEvidence;
  readonly clause: string | undefined;
}

/** Reads the deployment's own verdict against the KHI that moved (`khi` undefined for an alert). */
export function readVerdict(
  verdict: DeploymentVerdictFact | undefined,
  khi: string | undefined,
): VerdictReading {
  if (verdict === undefined) {
    return reading(0, 'no verdict of its own (not verified by Vigil, or not decided)', undefined);
  }
  const { outcome, failedKhis } = verdict;
  const list = failedKhis.join(', ');
  const failedThis = khi !== undefined && failedKhis.includes(khi);
  if (outcome === 'rollback') {
    const rolledBack = `its own verification rolled back${list === '' ? '' : ` on ${list}`}`;
    const clause = `and ${rolledBack}`;
    if (khi === undefined) return reading(BLAME_WEIGHTS.rolledBackForAlert, rolledBack, clause);
    if (failedThis) return reading(BLAME_WEIGHTS.rolledBackOnKhi, rolledBack, clause);
    return reading(BLAME_WEIGHTS.rolledBackOnOther, `${rolledBack}, not on ${khi}`, clause);
  }
  if (failedThis || (khi === undefined && list !== '')) {
    const flagged = `its own verification flagged ${khi ?? list} (verdict ${outcome})`;
    const weight = failedThis ? BLAME_WEIGHTS.failedOnKhi : BLAME_WEIGHTS.flaggedForAlert;
    return reading(weight, flagged, `and ${flagged}`);
  }
  if (outcome === 'promote') {
    const healthy = khi === undefined ? '' : ` with ${khi} healthy`;
    return reading(
      BLAME_WEIGHTS.promoted,
      `its own verification promoted it${healthy}`,
      'but its own verification promoted it',
    );
  }
  return reading(0, `its own verification was ${outcome}`, `and its own verification was ${outcome}`);
}

function reading(weight: number, detail: string, clause: string | undefined): VerdictReading {
  return { evidence: { factor: 'own-verdict', weight, detail }, clause };
}

/**
 * The khis-moved item: the change itself, and the service's other KHIs that moved in their bad
 * direction within the deployment's window (each adds weight, up to `otherKhisCounted`).
 */
export function khisMovedEvidence(
  changePoint: ChangePoint,
  alsoMoved: readonly ChangePoint[],
): BlameEvidence {
  const own = `${changePoint.khi} ${describeMove(changePoint.before, changePoint.after)} (${describeLevels(changePoint.before, changePoint.after)})`;
  const others = [...new Set(alsoMoved.map((c) => c.khi))];
  const counted = Math.min(others.length, BLAME_WEIGHTS.otherKhisCounted);
  return {
    factor: 'khis-moved',
    weight: BLAME_WEIGHTS.otherKhiMoved * counted,
    detail:
      others.length === 0
        ? `${own}; no other KHI moved after this deployment`
        : `${own}; after this deployment ${others.join(', ')} also moved in the bad direction`,
  };
}
