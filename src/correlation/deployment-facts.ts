/**
 * Deployments from the verification store as the correlation core wants them (DeploymentFact: who,
 * when, own verdict) and as the charts draw them (markers), for a set of services and a time range.
 */
import type { DeploymentFact, DeploymentOutcome } from '../analysis/change-points/deployment-fact.js';
import type { VerificationStore } from '../store/verification-store.js';
import type { Verification } from '../verification/verification.js';

/** The part of the verification store correlation reads. */
export type DeploymentHistory = Pick<VerificationStore, 'list'>;

/** How a deployment relates to the service asked about. */
export type DeploymentRelation = 'self' | 'dependency';

/** A deployment marker for a chart. Times are ISO-8601. */
export interface DeploymentMarkerView {
  readonly id: string;
  readonly service: string;
  readonly version: string;
  readonly environment: string;
  readonly startedAt: string;
  readonly decidedAt: string | null;
  readonly outcome: DeploymentOutcome | null;
  readonly relation: DeploymentRelation;
}

export interface FoundDeployments {
  /** Oldest first. */
  readonly facts: readonly DeploymentFact[];
  /** Oldest first, the same deployments. */
  readonly markers: readonly DeploymentMarkerView[];
  /** True when `maxDeployments` cut the list short. */
  readonly truncated: boolean;
}

export interface FindDeploymentsRequest {
  /** The service asked about and its dependencies. */
  readonly services: readonly { readonly name: string; readonly relation: DeploymentRelation }[];
  readonly environment?: string;
  /** Deployments whose marker `startedAt` lies in [fromMs, toMs]. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Most deployments returned over all services (default 2000). */
  readonly maxDeployments?: number;
}

/**
 * How long before `fromMs` a deployment may have been created and still have started in the range:
 * the store lists by creation time, and a marker's `startedAt` may be set earlier than its posting.
 */
export const CREATED_LOOKBACK_MS = 24 * 3_600_000;
const PAGE_SIZE = 500;
const DEFAULT_MAX_DEPLOYMENTS = 2000;

/** Deployments of every listed service that started in the range (all services when the list is empty). */
export async function findDeployments(
  history: DeploymentHistory,
  request: FindDeploymentsRequest,
): Promise<FoundDeployments> {
  const max = request.maxDeployments ?? DEFAULT_MAX_DEPLOYMENTS;
  const since = new Date(Math.max(0, request.fromMs - CREATED_LOOKBACK_MS)).toISOString();
  const found = new Map<string, { verification: Verification; relation: DeploymentRelation }>();
  let truncated = false;
  const scopes =
    request.services.length === 0 ? [{ name: undefined, relation: 'dependency' as const }] : request.services;
  for (const scope of scopes) {
    let cursor: string | undefined;
    do {
      const page = await history.list({
        ...(scope.name !== undefined && { service: scope.name }),
        ...(request.environment !== undefined && { environment: request.environment }),
        since,
        limit: PAGE_SIZE,
        ...(cursor !== undefined && { cursor }),
      });
      for (const verification of page.items) {
        const startedMs = Date.parse(verification.marker.startedAt);
        if (!(startedMs >= request.fromMs && startedMs <= request.toMs) || found.has(verification.id))
          continue;
        if (found.size >= max) {
          truncated = true;
          break;
        }
        found.set(verification.id, { verification, relation: scope.relation });
      }
      cursor = truncated ? undefined : page.nextCursor;
    } while (cursor !== undefined);
  }
  const ordered = [...found.values()].sort(
    (a, b) =>
      Date.parse(a.verification.marker.startedAt) - Date.parse(b.verification.marker.startedAt) ||
      (a.verification.id < b.verification.id ? -1 : 1),
  );
  return {
    facts: ordered.map(({ verification }) => toDeploymentFact(verification)),
    markers: ordered.map(({ verification, relation }) => toMarkerView(verification, relation)),
    truncated,
  };
}

/** A verification as a DeploymentFact: the failed KHIs of its verdict, when decided. */
export function toDeploymentFact(verification: Verification): DeploymentFact {
  const { marker, verdict } = verification;
  return {
    id: verification.id,
    service: marker.service,
    environment: marker.environment,
    version: marker.version,
    startedAtMs: Date.parse(marker.startedAt),
    ...(verdict !== null && {
      verdict: {
        outcome: verdict.outcome,
        failedKhis: [...new Set(verdict.khis.filter((khi) => khi.failed).map((khi) => khi.name))],
      },
    }),
  };
}

function toMarkerView(verification: Verification, relation: DeploymentRelation): DeploymentMarkerView {
  const { marker, verdict } = verification;
  return {
    id: verification.id,
    service: marker.service,
    version: marker.version,
    environment: marker.environment,
    startedAt: new Date(Date.parse(marker.startedAt)).toISOString(),
    decidedAt: verdict?.decidedAt ?? null,
    outcome: verdict?.outcome ?? null,
    relation,
  };
}
