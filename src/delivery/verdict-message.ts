/**
 * A verdict as the webhook message each notifier gets (payload documented in
 * docs/integrations.md). Pure: the body is fixed when the verdict is recorded, so every retry
 * sends the same bytes under the same idempotency key.
 */
import type { Judgement } from '../analysis/judge/judge-interval.js';
import type { Verdict, Verification } from '../verification/verification.js';
import type { IncidentTemplateName } from './incident-template.js';
import type { OutboxMessage } from './outbox.js';

/** A webhook receiver of verdicts, from the settings. */
export interface Notifier {
  readonly name: string;
  /** slack: a Slack incoming webhook, sent incident messages only (incident-message.ts). */
  readonly kind: 'webhook' | 'github-deployment-status' | 'slack';
  readonly url: string;
  /** webhook: the signing key. */
  readonly secret?: string;
  /** github-deployment-status: `owner/repo` and the token. */
  readonly repository?: string;
  readonly token?: string;
  /** Only deployments of these services (all when absent). */
  readonly services?: readonly string[];
  /**
   * webhook: `progress` adds a message per judged interval, `incident` an incident message on the
   * outcomes of `incidentOn` (verdicts always).
   */
  readonly events?: readonly ('verdict' | 'progress' | 'incident')[];
  /** webhook with `incident`, and slack: the outcomes that send an incident message (default rollback). */
  readonly incidentOn?: readonly ('rollback' | 'inconclusive')[];
  /** webhook with `incident`, and slack: the template (default rollback-notification). */
  readonly incidentTemplate?: IncidentTemplateName;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** Version of the payload's shape; a breaking change gets a new number. */
export const PAYLOAD_VERSION = 1;

/** One message per notifier that wants this deployment. */
export function verdictMessages(
  notifiers: readonly Notifier[],
  verification: Verification,
  verdict: Verdict,
  publicBaseUrl?: string,
): OutboxMessage[] {
  const { marker } = verification;
  // Slack would refuse Vigil's verdict JSON: it gets incident messages only.
  const wanting = notifiers.filter(
    (n) => n.kind !== 'slack' && (n.services === undefined || n.services.includes(marker.service)),
  );
  return wanting.flatMap((notifier): OutboxMessage[] => {
    if (notifier.kind === 'github-deployment-status') {
      const status = githubDeploymentStatus(notifier, verification, verdict, publicBaseUrl);
      return status === undefined ? [] : [status];
    }
    const id = `${verification.id}.verdict.${notifier.name}`;
    const body = {
      payloadVersion: PAYLOAD_VERSION,
      id,
      event: 'verdict',
      deployment: deploymentOfPayload(verification),
      verdict: {
        outcome: verdict.outcome,
        decidedAt: verdict.decidedAt,
        decidedAtInterval: verdict.decidedAtInterval,
        score: verdict.score,
        reasons: verdict.reasons,
        khis: verdict.khis.map((khi) => ({
          name: khi.name,
          classification: khi.classification,
          failed: khi.failed,
          critical: khi.critical,
          reason: khi.reason,
          ...(khi.evidence !== undefined && { evidence: khi.evidence }),
        })),
      },
      ...(publicBaseUrl !== undefined && {
        links: {
          verdict: `${publicBaseUrl.replace(/\/+$/, '')}/v1/deployments/${encodeURIComponent(verification.id)}/verdict`,
        },
      }),
    };
    return [
      {
        id,
        notifier: notifier.name,
        event: 'verdict',
        deploymentId: verification.id,
        body: JSON.stringify(body),
        createdAt: verdict.decidedAt,
      },
    ];
  });
}

/** GitHub's deployment states for Vigil's outcomes. */
const GITHUB_STATES = {
  promote: 'success',
  rollback: 'failure',
  inconclusive: 'error',
  aborted: 'inactive',
} as const;

/**
 * A deployment status on GitHub (`POST /repos/{owner}/{repo}/deployments/{id}/statuses`), for
 * markers that carry the GitHub deployment's id in `metadata.githubDeploymentId`.
 */
function githubDeploymentStatus(
  notifier: Notifier,
  verification: Verification,
  verdict: Verdict,
  publicBaseUrl: string | undefined,
): OutboxMessage | undefined {
  const deploymentId = verification.marker.metadata?.['githubDeploymentId'];
  const digits = typeof deploymentId === 'number' ? String(deploymentId) : deploymentId;
  if (typeof digits !== 'string' || !/^\d{1,20}$/.test(digits) || notifier.repository === undefined)
    return undefined;
  const reason = verdict.reasons[0] ?? '';
  const description = `Vigil: ${verdict.outcome}${reason === '' ? '' : ` — ${reason}`}`;
  const body = {
    state: GITHUB_STATES[verdict.outcome],
    // GitHub keeps at most 140 characters.
    description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
    environment: verification.marker.environment,
    ...(publicBaseUrl !== undefined && {
      log_url: `${publicBaseUrl.replace(/\/+$/, '')}/v1/deployments/${encodeURIComponent(verification.id)}/verdict`,
    }),
  };
  return {
    id: `${verification.id}.verdict.${notifier.name}`,
    notifier: notifier.name,
    event: 'verdict',
    deploymentId: verification.id,
    body: JSON.stringify(body),
    request: {
      method: 'POST',
      url: `${notifier.url.replace(/\/+$/, '')}/repos/${notifier.repository}/deployments/${digits}/statuses`,
    },
    createdAt: verdict.decidedAt,
  };
}

/** One interval's progress for the webhook notifiers that asked for it (`events: [progress]`). */
export function progressMessages(
  notifiers: readonly Notifier[],
  verification: Verification,
  judgement: Judgement,
  recordedAt: string,
): OutboxMessage[] {
  const { marker } = verification;
  return notifiers
    .filter(
      (n) =>
        n.kind === 'webhook' &&
        n.events?.includes('progress') === true &&
        (n.services === undefined || n.services.includes(marker.service)),
    )
    .map((notifier) => {
      const id = `${verification.id}.progress-${judgement.interval}.${notifier.name}`;
      const body = {
        payloadVersion: PAYLOAD_VERSION,
        id,
        event: 'progress',
        deployment: {
          id: verification.id,
          service: marker.service,
          environment: marker.environment,
          version: marker.version,
        },
        progress: {
          interval: judgement.interval,
          maxIntervals: verification.plan?.maxIntervals ?? null,
          score: judgement.score,
          decision: judgement.decision.outcome,
          reasons: judgement.decision.reasons,
          khis: judgement.khis.map((khi) => ({
            name: khi.name,
            classification: khi.classification,
            failed: khi.failed,
            critical: khi.critical,
          })),
        },
      };
      return {
        id,
        notifier: notifier.name,
        event: 'progress' as const,
        deploymentId: verification.id,
        body: JSON.stringify(body),
        createdAt: recordedAt,
      };
    });
}

/** The deployment as verdict and incident payloads name it (progress sends a shorter one). */
export function deploymentOfPayload(verification: Verification) {
  const { marker } = verification;
  return {
    id: verification.id,
    service: marker.service,
    environment: marker.environment,
    version: marker.version,
    ...(marker.baselineVersion !== undefined && { baselineVersion: marker.baselineVersion }),
    strategy: marker.strategy,
    ruleSet: marker.ruleSet,
    startedAt: marker.startedAt,
  };
}
