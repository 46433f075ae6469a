/**
 * Blame, explained: for each change point of a service's KHIs in the bad direction (strongest
 * first), the deployments that may have caused it, ranked by the weighted evidence of
 * blame-evidence.ts, each with its evidence and one sentence; and the same for an alert.
 */
import {
  khisMovedEvidence,
  readVerdict,
  serviceEvidence,
  timingEvidence,
  type BlameEvidence,
  type ServiceRelation,
} from './blame-evidence.js';
import { resolveBlameWindow, type BlameWindow } from './blame-window.js';
import { CorrelationInputError } from './correlation-input-error.js';
import { assertDeploymentFacts, type DeploymentFact } from './deployment-fact.js';
import type { ChangePoint } from './detect-change-points.js';
import { describeMove, formatGap } from './describe-change.js';
import { explainBlame } from './explain-blame.js';

/** A deployment suspected of an event, with the evidence and the sentence. */
export interface RankedDeployment {
  /** 1 for the most likely. */
  readonly rank: number;
  readonly deployment: DeploymentFact;
  /** Σ evidence weights, rounded to 1e-6 so that equal evidence ties exactly. */
  readonly score: number;
  /** Event time − deployment start (ms): positive when the deployment came first. */
  readonly gapMs: number;
  readonly evidence: readonly BlameEvidence[];
  readonly explanation: string;
}

/** One bad change point and its suspects, most likely first (possibly none). */
export interface RankedChange {
  readonly changePoint: ChangePoint;
  readonly candidates: readonly RankedDeployment[];
  readonly reason: string;
}

/** An alert's suspects, most likely first (possibly none). */
export interface RankedAlert {
  readonly alertStartsAtMs: number;
  readonly candidates: readonly RankedDeployment[];
  readonly reason: string;
}

export interface RankDeploymentsInput {
  /** Change points of `service`'s KHIs (all of them: only the bad ones are ranked). */
  readonly changePoints: readonly ChangePoint[];
  readonly deployments: readonly DeploymentFact[];
  readonly service: string;
  /** Services `service` depends on; their deployments are suspects too, below its own. */
  readonly dependsOn: readonly string[];
  /** Default 30 min before, 2 min after. */
  readonly window?: BlameWindow;
  /** When given, deployments to other environments are ignored. */
  readonly environment?: string;
  /**
   * The series' step (ms). A change point is placed to within a point of noisy data, so a
   * deployment that starts less than one step after it counts as starting with it, not after it.
   */
  readonly resolutionMs?: number;
}

export interface RankForAlertInput {
  readonly alertStartsAtMs: number;
  /** The alert's name, for the sentence ("the alert HighErrorRate fired"). */
  readonly alertName?: string;
  /** The alerting service; without it every deployment in the window is a suspect. */
  readonly service?: string;
  readonly deployments: readonly DeploymentFact[];
  readonly dependsOn?: readonly string[];
  readonly window?: BlameWindow;
  readonly environment?: string;
}

/**
 * Ranks the deployments near each bad change point, strongest change first. Throws a
 * `CorrelationInputError` naming the field for malformed input (a negative window, a deployment
 * without a start time); no deployment in the window is an empty `candidates` with a reason.
 */
export function rankDeployments(input: RankDeploymentsInput): RankedChange[] {
  const operation = 'rankDeployments';
  const window = resolveBlameWindow(input.window, operation);
  assertService(input.service, operation, true);
  assertScope(input, operation);
  assertChangePoints(input.changePoints, operation);
  const resolutionMs = input.resolutionMs ?? 0;
  if (!Number.isFinite(resolutionMs) || resolutionMs < 0)
    throw new CorrelationInputError(
      'resolutionMs',
      `${operation}: resolutionMs must be a finite number of milliseconds ≥ 0, got ${resolutionMs}`,
    );
  const bad = input.changePoints.filter((c) => c.bad).sort(strongestFirst);
  return bad.map((changePoint) => {
    const event = `${changePoint.khi} ${describeMove(changePoint.before, changePoint.after)}`;
    const candidates = suspectsOf(input, changePoint.atMs, window).map((suspect) => {
      const alsoMoved = bad.filter(
        (other) =>
          other.khi !== changePoint.khi &&
          other.atMs - suspect.deployment.startedAtMs <= window.beforeMs &&
          suspect.deployment.startedAtMs - other.atMs <= window.afterMs,
      );
      const verdict = readVerdict(suspect.deployment.verdict, changePoint.khi);
      const withinStep = suspect.gapMs < 0 && -suspect.gapMs < resolutionMs;
      const timing = withinStep
        ? {
            ...timingEvidence(0, window, `${changePoint.khi} moved`),
            detail: `started ${formatGap(-suspect.gapMs)} after ${changePoint.khi} moved, within one ${formatGap(resolutionMs)} step of the series: as good as with it`,
          }
        : timingEvidence(suspect.gapMs, window, `${changePoint.khi} moved`);
      const evidence = [
        serviceEvidence(suspect.deployment, suspect.relation, input.service),
        timing,
        khisMovedEvidence(changePoint, alsoMoved),
        verdict.evidence,
      ].filter((item): item is BlameEvidence => item !== undefined);
      const explanation = explainBlame({
        ...suspect,
        gapMs: withinStep ? 0 : suspect.gapMs,
        service: input.service,
        window,
        event,
        eventIsKhi: true,
        alsoMoved: [...new Set(alsoMoved.map((c) => c.khi))],
        verdictClause: verdict.clause,
      });
      return { ...suspect, evidence, explanation };
    });
    const ranked = rank(candidates);
    return {
      changePoint,
      candidates: ranked,
      reason: reasonFor(`${input.service}'s ${event}`, ranked, input, window),
    };
  });
}

/** Ranks the deployments near an alert's start by service, time gap and their own verdict only. */
export function rankForAlert(input: RankForAlertInput): RankedAlert {
  const operation = 'rankForAlert';
  const window = resolveBlameWindow(input.window, operation);
  if (typeof input.alertStartsAtMs !== 'number' || !Number.isFinite(input.alertStartsAtMs)) {
    throw new CorrelationInputError(
      'alertStartsAtMs',
      `${operation}: alertStartsAtMs must be a finite time in ms, got ${String(input.alertStartsAtMs)}`,
    );
  }
  assertService(input.service, operation, false);
  const scope = { ...input, dependsOn: input.dependsOn ?? [] };
  assertScope(scope, operation);
  const event = input.alertName === undefined ? 'the alert fired' : `the alert ${input.alertName} fired`;
  const candidates = suspectsOf(scope, input.alertStartsAtMs, window).map((suspect) => {
    const verdict = readVerdict(suspect.deployment.verdict, undefined);
    const evidence = [
      serviceEvidence(suspect.deployment, suspect.relation, input.service),
      timingEvidence(suspect.gapMs, window, event),
      verdict.evidence,
    ].filter((item): item is BlameEvidence => item !== undefined);
    const explanation = explainBlame({
      ...suspect,
      service: input.service,
      window,
      event,
      eventIsKhi: false,
      alsoMoved: [],
      verdictClause: verdict.clause,
    });
    return { ...suspect, evidence, explanation };
  });
  const ranked = rank(candidates);
  const subject = input.service === undefined ? event : `${event} for ${input.service}`;
  return {
    alertStartsAtMs: input.alertStartsAtMs,
    candidates: ranked,
    reason: reasonFor(subject, ranked, scope, window),
  };
}

interface Suspect {
  readonly deployment: DeploymentFact;
  readonly relation: ServiceRelation | undefined;
  readonly gapMs: number;
}

interface Scope {
  readonly deployments: readonly DeploymentFact[];
  readonly service?: string;
  readonly dependsOn: readonly string[];
  readonly environment?: string;
}

/** Deployments of the service or its dependencies (any, without a service) in the window around `atMs`. */
function suspectsOf(scope: Scope, atMs: number, window: BlameWindow): Suspect[] {
  const suspects: Suspect[] = [];
  for (const deployment of scope.deployments) {
    if (scope.environment !== undefined && deployment.environment !== scope.environment) continue;
    const gapMs = atMs - deployment.startedAtMs;
    if (gapMs > window.beforeMs || -gapMs > window.afterMs) continue;
    const relation = relationOf(deployment.service, scope);
    if (scope.service !== undefined && relation === undefined) continue;
    suspects.push({ deployment, relation, gapMs });
  }
  return suspects;
}

function relationOf(service: string, scope: Scope): ServiceRelation | undefined {
  if (scope.service === undefined) return undefined;
  if (service === scope.service) return 'same-service';
  return scope.dependsOn.includes(service) ? 'dependency' : undefined;
}

/**
 * Orders suspects by score, then deterministically: the same service before a dependency, the
 * smaller time gap (a deployment before the event before one after it), the later start, the id.
 */
function rank(
  candidates: readonly (Suspect & { evidence: readonly BlameEvidence[]; explanation: string })[],
): RankedDeployment[] {
  const scored = candidates.map((c) => ({
    ...c,
    // Rounded so that equal evidence ties exactly; + 0 turns −0 into 0.
    score: Math.round(c.evidence.reduce((sum, item) => sum + item.weight, 0) * 1e6) / 1e6 + 0,
  }));
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      relationOrder(a.relation) - relationOrder(b.relation) ||
      Number(a.gapMs < 0) - Number(b.gapMs < 0) ||
      Math.abs(a.gapMs) - Math.abs(b.gapMs) ||
      b.deployment.startedAtMs - a.deployment.startedAtMs ||
      compareText(a.deployment.id, b.deployment.id),
  );
  return scored.map((c, i) => ({
    rank: i + 1,
    deployment: c.deployment,
    score: c.score,
    gapMs: c.gapMs,
    evidence: c.evidence,
    explanation: c.explanation,
  }));
}

function relationOrder(relation: ServiceRelation | undefined): number {
  return relation === 'same-service' ? 0 : relation === 'dependency' ? 1 : 2;
}

/** Code-unit order: the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strongest first; then the earlier, then by KHI name and index. */
function strongestFirst(a: ChangePoint, b: ChangePoint): number {
  return b.strength - a.strength || a.atMs - b.atMs || compareText(a.khi, b.khi) || a.index - b.index;
}

function reasonFor(
  subject: string,
  ranked: readonly RankedDeployment[],
  scope: Scope,
  window: BlameWindow,
): string {
  const span = `between ${formatGap(window.beforeMs)} before and ${formatGap(window.afterMs)} after`;
  if (ranked.length === 0) {
    const whose =
      scope.service === undefined
        ? 'no deployment'
        : scope.dependsOn.length === 0
          ? `no deployment of ${scope.service}`
          : `no deployment of ${scope.service} or its dependencies (${scope.dependsOn.join(', ')})`;
    return `${subject}: ${whose} started ${span}`;
  }
  const top = ranked[0] as RankedDeployment;
  const count = ranked.length === 1 ? '1 suspect' : `${ranked.length} suspects`;
  return `${subject}: ${count} ${span}; most likely ${top.explanation}`;
}

function assertService(service: string | undefined, operation: string, required: boolean): void {
  if (service === undefined && !required) return;
  if (typeof service !== 'string' || service.length === 0) {
    throw new CorrelationInputError('service', `${operation}: service must be a non-empty string`);
  }
}

function assertScope(scope: Scope, operation: string): void {
  assertDeploymentFacts(scope.deployments, operation);
  if (!isArray(scope.dependsOn) || scope.dependsOn.some((s) => typeof s !== 'string')) {
    throw new CorrelationInputError('dependsOn', `${operation}: dependsOn must be an array of service names`);
  }
  if (
    scope.environment !== undefined &&
    (typeof scope.environment !== 'string' || scope.environment.length === 0)
  ) {
    throw new CorrelationInputError(
      'environment',
      `${operation}: environment must be a non-empty string when given`,
    );
  }
}

function assertChangePoints(changePoints: readonly ChangePoint[], operation: string): void {
  if (!isArray(changePoints)) {
    throw new CorrelationInputError('changePoints', `${operation}: changePoints must be an array`);
  }
  changePoints.forEach((c, i) => {
    const at = `changePoints[${i}]`;
    if (typeof c !== 'object' || c === null || typeof c.khi !== 'string') {
      throw new CorrelationInputError(`${at}.khi`, `${operation}: ${at} must be a change point with a khi`);
    }
    for (const key of ['atMs', 'before', 'after', 'strength'] as const) {
      if (typeof c[key] !== 'number' || !Number.isFinite(c[key])) {
        throw new CorrelationInputError(
          `${at}.${key}`,
          `${operation}: ${at}.${key} must be a finite number, got ${String(c[key])}`,
        );
      }
    }
  });
}

/** Array check that does not widen the element type to `any`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}
