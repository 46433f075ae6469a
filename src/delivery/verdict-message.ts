/**
 * A verdict as the webhook message each notifier gets (payload documented in
 * docs/integrations.md). Pure: the body is fixed when the verdict is recorded, so every retry
 * sends the same bytes under the same idempotency key.
 */
import type { Verdict, Verification } from '../verification/verification.js';
import type { OutboxMessage } from './outbox.js';

/** A webhook receiver of verdicts, from the settings. */
export interface Notifier {
  readonly name: string;
  readonly url: string;
  readonly secret: string;
  /** Only deployments of these services (all when absent). */
  readonly services?: readonly string[];
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
  const wanting = notifiers.filter((n) => n.services === undefined || n.services.includes(marker.service));
  return wanting.map((notifier) => {
    const id = `${verification.id}.verdict.${notifier.name}`;
    const body = {
      payloadVersion: PAYLOAD_VERSION,
      id,
      event: 'verdict',
      deployment: {
        id: verification.id,
        service: marker.service,
        environment: marker.environment,
        version: marker.version,
        ...(marker.baselineVersion !== undefined && { baselineVersion: marker.baselineVersion }),
        strategy: marker.strategy,
        ruleSet: marker.ruleSet,
        startedAt: marker.startedAt,
      },
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
    return {
      id,
      notifier: notifier.name,
      event: 'verdict',
      deploymentId: verification.id,
      body: JSON.stringify(body),
      createdAt: verdict.decidedAt,
    };
  });
}
