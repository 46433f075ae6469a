/**
 * The alert use case: Alertmanager's webhook message (version 4) in; each alert stored (AlertStore)
 * with the deployments most likely behind it, ranked by `rankForAlert` (service relation, time gap,
 * own verdict) over the deployments of the alert's service and its dependencies (every service's
 * when the alert names none).
 *
 * The ranking is computed when an alert is received and again whenever Alertmanager re-sends it
 * (every `repeat_interval` while firing, and once resolved with `send_resolved`), so a deployment
 * recorded after the first notification is taken into account at the next one. Reads return what
 * was stored: the timeline shows what Vigil concluded, and reading stays cheap.
 */
import type { BlameWindow } from '../analysis/change-points/blame-window.js';
import { DEFAULT_BLAME_WINDOW } from '../analysis/change-points/blame-window.js';
import type { DeploymentFact } from '../analysis/change-points/deployment-fact.js';
import { rankForAlert } from '../analysis/change-points/rank-deployments.js';
import {
  alertId,
  type AlertCandidate,
  type AlertFilter,
  type AlertPage,
  type AlertStatus,
  type AlertStore,
  type StoredAlert,
} from '../store/alert-store.js';
import { findDeployments, type DeploymentHistory } from './deployment-facts.js';
import { dependenciesOf, type ServiceSettings } from './service-scope.js';

/** One alert of Alertmanager's webhook message. Times are RFC 3339; `endsAt` is Go's zero time while unknown. */
export interface AlertmanagerAlert {
  readonly status: AlertStatus;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

/** Alertmanager's webhook message, version 4 (webhook_config in its configuration reference). */
export interface AlertmanagerMessage {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts?: number;
  readonly status: AlertStatus;
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly AlertmanagerAlert[];
}

export interface AlertReceiverDeps {
  readonly alerts: AlertStore;
  readonly history: DeploymentHistory;
  readonly services: ServiceSettings;
  /** The label naming an alert's service (settings `alerts.serviceLabel`). */
  readonly serviceLabel: string;
  /** The label naming an alert's environment (settings `alerts.environmentLabel`). */
  readonly environmentLabel: string;
  readonly window?: BlameWindow;
  readonly now?: () => number;
}

/** What one message did. */
export interface ReceivedAlerts {
  readonly received: number;
  readonly created: number;
  readonly updated: number;
  /** Alerts Alertmanager left out of the message (`max_alerts`): not stored. */
  readonly truncatedAlerts: number;
  readonly alerts: readonly {
    readonly id: string;
    readonly status: AlertStatus;
    readonly service: string | null;
    readonly topCandidate: string | null;
  }[];
}

/** What the API calls (ApiDeps.alerts). */
export interface AlertReceiver {
  receive(message: AlertmanagerMessage): Promise<ReceivedAlerts>;
  list(filter: AlertFilter): Promise<AlertPage>;
}

/** Go's zero time.Time, which Alertmanager sends as `endsAt` when it has none. */
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

export function createAlertReceiver(deps: AlertReceiverDeps): AlertReceiver {
  const window = deps.window ?? DEFAULT_BLAME_WINDOW;
  const now = deps.now ?? Date.now;
  return {
    list: (filter) => deps.alerts.list(filter),
    async receive(message) {
      const receivedAt = new Date(now()).toISOString();
      const scoped = message.alerts.map((alert) => ({
        alert,
        startsAtMs: Date.parse(alert.startsAt),
        service: nonEmpty(alert.labels[deps.serviceLabel]),
        environment: nonEmpty(alert.labels[deps.environmentLabel]),
      }));
      // One store read per scope (service, environment) for the whole message.
      const facts = new Map<string, readonly DeploymentFact[]>();
      for (const item of scoped) {
        const key = JSON.stringify([item.service, item.environment]);
        if (facts.has(key)) continue;
        const starts = scoped.filter(
          (other) => other.service === item.service && other.environment === item.environment,
        );
        const services =
          item.service === undefined
            ? []
            : [
                { name: item.service, relation: 'self' as const },
                ...dependenciesOf(item.service, deps.services).map((name) => ({
                  name,
                  relation: 'dependency' as const,
                })),
              ];
        const found = await findDeployments(deps.history, {
          services,
          ...(item.environment !== undefined && { environment: item.environment }),
          fromMs: Math.min(...starts.map((s) => s.startsAtMs)) - window.beforeMs,
          toMs: Math.max(...starts.map((s) => s.startsAtMs)) + window.afterMs,
        });
        facts.set(key, found.facts);
      }
      let created = 0;
      const results: ReceivedAlerts['alerts'][number][] = [];
      for (const { alert, startsAtMs, service, environment } of scoped) {
        const ranked = rankForAlert({
          alertStartsAtMs: startsAtMs,
          ...(alert.labels['alertname'] !== undefined && { alertName: alert.labels['alertname'] }),
          ...(service !== undefined && {
            service,
            dependsOn: dependenciesOf(service, deps.services),
          }),
          deployments: facts.get(JSON.stringify([service, environment])) ?? [],
          window,
          ...(environment !== undefined && { environment }),
        });
        const endsAtMs = Date.parse(alert.endsAt);
        const stored: StoredAlert = {
          id: alertId(alert.fingerprint, startsAtMs),
          fingerprint: alert.fingerprint,
          name: alert.labels['alertname'] ?? null,
          status: alert.status,
          service: service ?? null,
          environment: environment ?? null,
          startsAt: new Date(startsAtMs).toISOString(),
          endsAt:
            alert.status !== 'resolved'
              ? null
              : Number.isFinite(endsAtMs) && endsAtMs > GO_ZERO_TIME_MS
                ? new Date(endsAtMs).toISOString()
                : receivedAt,
          labels: alert.labels,
          annotations: alert.annotations,
          generatorURL: alert.generatorURL,
          receiver: message.receiver,
          externalURL: message.externalURL,
          receivedAt,
          updatedAt: receivedAt,
          candidates: ranked.candidates.map((c): AlertCandidate => ({
            rank: c.rank,
            deploymentId: c.deployment.id,
            service: c.deployment.service,
            version: c.deployment.version,
            environment: c.deployment.environment,
            startedAt: new Date(c.deployment.startedAtMs).toISOString(),
            verdict: c.deployment.verdict ?? null,
            score: c.score,
            gapMs: c.gapMs,
            explanation: c.explanation,
            evidence: c.evidence,
          })),
          reason: ranked.reason,
        };
        const outcome = await deps.alerts.record(stored);
        if (outcome.created) created += 1;
        results.push({
          id: outcome.alert.id,
          status: outcome.alert.status,
          service: outcome.alert.service,
          topCandidate: outcome.alert.candidates[0]?.deploymentId ?? null,
        });
      }
      return {
        received: message.alerts.length,
        created,
        updated: message.alerts.length - created,
        truncatedAlerts: message.truncatedAlerts ?? 0,
        alerts: results,
      };
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
